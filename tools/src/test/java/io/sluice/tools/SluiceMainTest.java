package io.sluice.tools;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SluiceMainTest
{
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(final String... args)
    {
        return SluiceMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void shouldRunDemoAndPrintSummary()
    {
        assertEquals(0, run("demo", "--events", "200000", "--keys", "500", "--show", "1"));
        final String text = out.toString();
        assertTrue(text.contains("summary: events=200,000 windowed_events=600,000"), text);
        assertTrue(text.contains("per_second   [") && text.contains("rolling_10s  [") && text.contains("sessions     ["), text);
        assertTrue(text.contains("late="), text);
        assertEquals("", err.toString());
    }

    @Test
    void shouldBeDeterministicForOneSeed()
    {
        run("demo", "--events", "50000", "--keys", "100", "--show", "0");
        final String first = out.toString().replaceAll("seconds=.*", "");
        out.getBuffer().setLength(0);
        run("demo", "--events", "50000", "--keys", "100", "--show", "0", "--shards", "2");
        assertEquals(first, out.toString().replaceAll("seconds=.*", "").replace("2 shard(s)", "1 shard(s)"));
    }

    @Test
    void shouldPrintVersionAndHelp()
    {
        assertEquals(0, run("--version"));
        assertTrue(out.toString().startsWith("sluice "), out.toString());
        assertEquals(0, run("demo", "--help"));
        assertTrue(out.toString().contains("--events"));
    }

    @Test
    void shouldExitTwoWithOneLineForUsageErrors()
    {
        assertEquals(2, run("no-such-command"));
        assertTrue(err.toString().contains("no-such-command"), err.toString());
        err.getBuffer().setLength(0);

        assertEquals(2, run("demo", "--keys", "0"));
        final String message = err.toString().trim();
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.startsWith("sluice demo: "), message);
        assertFalse(message.contains("Exception"), message);
        err.getBuffer().setLength(0);

        assertEquals(2, run("demo", "--events", "many"));
        assertTrue(err.toString().contains("--events"), err.toString());
    }
}
