package io.sluice.tools;

import io.sluice.testing.ChildJavaCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real {@code sluice} command in a child JVM (this JVM's module flags, class path), as a user runs it. */
final class CliProcess
{
    /** What a finished command printed and returned. */
    record Result(int exitCode, String stdout, String stderr)
    {
    }

    private CliProcess()
    {
    }

    static Process start(final Path workDirectory, final String... arguments) throws IOException
    {
        return start(workDirectory, null, arguments);
    }

    /** @param stdin a file the command reads as its standard input, or null for none. */
    static Process start(final Path workDirectory, final Path stdin, final String... arguments) throws IOException
    {
        final List<String> command = ChildJavaCommand.forMain(SluiceMain.class.getName());
        command.addAll(List.of(arguments));
        final ProcessBuilder builder = new ProcessBuilder(command).directory(workDirectory.toFile())
            .redirectOutput(workDirectory.resolve("stdout.txt").toFile())
            .redirectError(workDirectory.resolve("stderr.txt").toFile());
        if (stdin != null)
        {
            builder.redirectInput(stdin.toFile());
        }
        return builder.start();
    }

    static Result run(final Path workDirectory, final String... arguments) throws Exception
    {
        return run(workDirectory, null, arguments);
    }

    static Result run(final Path workDirectory, final Path stdin, final String... arguments) throws Exception
    {
        final Process process = start(workDirectory, stdin, arguments);
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), "sluice " + String.join(" ", arguments) + " finished");
        return new Result(process.exitValue(),
            Files.readString(workDirectory.resolve("stdout.txt"), StandardCharsets.UTF_8),
            Files.readString(workDirectory.resolve("stderr.txt"), StandardCharsets.UTF_8));
    }
}
