package io.sluice.journal;

import io.sluice.testing.ChildJavaCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starts a test class's main in a child JVM with this JVM's module flags, so that tests can kill it. */
final class ChildJvm
{
    private ChildJvm()
    {
    }

    static Process start(final Class<?> main, final String... arguments) throws IOException
    {
        final List<String> command = ChildJavaCommand.forMain(main.getName());
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Runs a child to its end, expecting exit code 0. @return the last line it printed. */
    static String run(final Class<?> main, final String... arguments) throws Exception
    {
        final Process child = start(main, arguments);
        String last = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
        {
            for (String line = out.readLine(); line != null; line = out.readLine())
            {
                last = line;
            }
        }
        assertTrue(child.waitFor(5, TimeUnit.MINUTES), main.getSimpleName() + " finished");
        assertEquals(0, child.exitValue(), main.getSimpleName() + " exit code; last line: " + last);
        return last;
    }
}
