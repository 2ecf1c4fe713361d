package io.sluice.tools.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where malformed input lines go: one CSV row each, {@code source,line,reason,content}, appended (a resumed
 * run adds to what the crashed one wrote). Without a file configured they go to stderr, one line each.
 * Either way they are counted: a malformed line is never silently dropped.
 */
public final class DeadLetters implements AutoCloseable
{
    private final BufferedWriter file;
    private final PrintWriter stderr;
    private long count;

    private DeadLetters(final BufferedWriter file, final PrintWriter stderr)
    {
        this.file = file;
        this.stderr = stderr;
    }

    public static DeadLetters toFile(final Path path)
    {
        try
        {
            if (path.getParent() != null)
            {
                Files.createDirectories(path.getParent());
            }
            final boolean fresh = !Files.exists(path) || Files.size(path) == 0;
            final BufferedWriter writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (fresh)
            {
                writer.write("source,line,reason,content\n");
            }
            return new DeadLetters(writer, null);
        }
        catch (final IOException e)
        {
            throw new InputFormatException("cannot write the dead-letter file " + path + ": " + e.getMessage() +
                "; check the directory exists and is writable, or change dead_letter.path");
        }
    }

    public static DeadLetters toStderr(final PrintWriter stderr)
    {
        return new DeadLetters(null, stderr);
    }

    /** Records a malformed line with its number, the reason and its bytes (decoded leniently). */
    public void accept(final String source, final long line, final String reason, final byte[] bytes, final int offset, final int length)
    {
        count++;
        final String content = new String(bytes, offset, length, StandardCharsets.UTF_8);
        if (file == null)
        {
            stderr.println("sluice: dead letter " + source + ":" + line + ": " + reason);
            return;
        }
        try
        {
            file.write(quote(source) + "," + line + "," + quote(reason) + "," + quote(content) + "\n");
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot write a dead letter: " + e.getMessage(), e);
        }
    }

    public long count()
    {
        return count;
    }

    public void close()
    {
        try
        {
            if (file != null)
            {
                file.close();
            }
            else
            {
                stderr.flush();
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    static String quote(final String text)
    {
        return "\"" + text.replace("\"", "\"\"") + "\"";
    }
}
