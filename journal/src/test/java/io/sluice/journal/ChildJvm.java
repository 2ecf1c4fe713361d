package io.sluice.journal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
        final List<String> command = new ArrayList<>();
        command.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("-D") && argument.contains("chronicle") ||
                argument.startsWith("--enable-native-access") || argument.startsWith("--sun-misc"))
            {
                command.add(argument);
            }
        }
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
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
