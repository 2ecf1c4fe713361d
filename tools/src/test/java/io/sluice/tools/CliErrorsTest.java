package io.sluice.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI's user mistakes end in one line on stderr, no stack trace, and the documented exit code: 2 for
 * usage and config, 1 for input and files. Malformed lines never end a run, and no good line is lost.
 */
class CliErrorsTest
{
    @TempDir
    Path work;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void usageMistakesExitTwo() throws Exception
    {
        assertExit(2, "Missing required parameter: 'CONFIG.yaml'", "run");
        assertExit(2, work.resolve("absent.yaml") + ": no such file", "run", work.resolve("absent.yaml").toString());
        assertExit(2, "Unknown option: '--fast'", "run", config("sink: {type: discard}"), "--fast");
        assertExit(2, "override -Dprocessing.parallelism=many: processing.parallelism: 'many' is not a whole number",
            "run", config("sink: {type: discard}"), "-Dprocessing.parallelism=many");
    }

    @Test
    void configMistakesExitTwoWithTheirPlace() throws Exception
    {
        final String unknownType = config("sink: {type: discard}", "type: tumbling", "type: hopping");
        assertExit(2, ":4:32: windowing.windows[0].type: 'hopping' is not one of tumbling, sliding, session", "run", unknownType);
        final String negative = config("sink: {type: discard}", "size: 1s", "size: -1s");
        assertExit(2, "windowing.windows[0].size: '-1s' is negative", "run", negative);
    }

    @Test
    void inputAndFileProblemsExitOne() throws Exception
    {
        Files.writeString(work.resolve("in.csv"), "");
        assertExit(1, "in.csv: empty file; a CSV input starts with the header event_time_ms,key,value", "run", config("sink: {type: discard}"));

        Files.writeString(work.resolve("in.csv"), "event_time_ms,key,value\n1,a,1\n");
        Files.writeString(work.resolve("blocker"), "a file where a directory should be");
        assertExit(1, "check the directory is writable or change sink.path", "run", config("sink: {type: file, path: blocker/out.csv}"));
    }

    @Test
    void malformedLinesAreDeadLetteredAndEveryGoodLineCounts() throws Exception
    {
        Files.writeString(work.resolve("in.csv"), String.join("\n", "event_time_ms,key,value",
            "1000,a,1", "oops", "1500,a,2", "2500,b,\"3\"", "2600,b,4", "9999999999999999999999,c,1", "3000,c,5", ""));
        final String config = config("sink: {type: file, path: out.csv}\ndead_letter: {path: bad.csv}");
        assertEquals(0, run("run", config), err.toString());
        final String summary = out.toString();
        assertTrue(summary.contains("sluice run sluice: 4 events,") && summary.contains("3 dead-lettered"), summary);
        assertEquals(String.join("\n", "window_start,window_end,key,count,sum,min,max,firing",
            "1000,2000,a,2,3,1,2,0", "2000,3000,b,1,4,4,4,0", "3000,4000,c,1,5,5,5,0", ""), Files.readString(work.resolve("out.csv")));
        final String letters = Files.readString(work.resolve("bad.csv"), StandardCharsets.UTF_8);
        assertTrue(letters.startsWith("source,line,reason,content\n") && letters.contains(",3,\"expected 3 fields, found 1\",\"oops\"") &&
            letters.contains(",5,\"value '3' is not a whole number\",") && letters.contains(",7,\"event_time_ms"), letters);
    }

    /** @param replace pairs of (text, replacement) applied to the config. */
    private String config(final String sinkLines, final String... replace) throws Exception
    {
        final Path file = work.resolve("pipeline-" + System.nanoTime() + ".yaml");
        String text = String.join("\n",
            "source: {type: file, path: in.csv}",
            "windowing:",
            "  windows:",
            "    - {name: per_second, type: tumbling, size: 1s}",
            sinkLines,
            "");
        for (int i = 0; i < replace.length; i += 2)
        {
            text = text.replace(replace[i], replace[i + 1]);
        }
        Files.writeString(file, text);
        return file.toString();
    }

    private void assertExit(final int code, final String message, final String... args)
    {
        assertEquals(code, run(args), "exit code of sluice " + String.join(" ", args) + "; stderr: " + err);
        final String text = err.toString().trim();
        assertTrue(text.contains(message), text);
        assertFalse(text.contains("\tat "), "no stack trace: " + text);
        assertEquals(1, text.lines().count(), "one line: " + text);
    }

    private int run(final String... args)
    {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        final java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
        final int code = SluiceMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true),
            new java.io.PrintStream(stdout, true, StandardCharsets.UTF_8));
        out.append(stdout.toString(StandardCharsets.UTF_8));
        return code;
    }
}
