package io.sluice.tools.io;

import io.sluice.tools.config.SluiceConfig.Format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Events from a CSV or JSON-lines file, or stdin. A file resumes at a byte position: the lines before it are
 * counted (for line numbers in dead letters) but not parsed, and a CSV's header is read again first. Blank
 * lines are not records and are skipped.
 */
public final class LineEventSource implements EventSource
{
    private final String name;
    private final InputStream in;
    private final LineReader lines;
    private final LineParser parser;
    private final DeadLetters deadLetters;

    private LineEventSource(final String name, final InputStream in, final LineReader lines, final LineParser parser,
        final DeadLetters deadLetters)
    {
        this.name = name;
        this.in = in;
        this.lines = lines;
        this.parser = parser;
        this.deadLetters = deadLetters;
    }

    /** @param resumeAt the byte offset to resume from, or a negative number to start at the beginning. */
    public static LineEventSource openFile(final Path file, final Format format, final long resumeAt, final DeadLetters deadLetters)
    {
        final String name = file.toString();
        try
        {
            final FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            final InputStream in = Channels.newInputStream(channel);
            final LineParser parser = parser(format, name);
            long position = 0;
            long lineNumber = 0;
            if (parser instanceof CsvLineParser)
            {
                final LineReader header = new LineReader(in, 0, 0);
                if (!header.next())
                {
                    throw new InputFormatException(name + ": empty file; a CSV input starts with the header event_time_ms,key,value");
                }
                ((CsvLineParser)parser).header(header.bytes(), header.lineStart(), header.lineLength());
                position = header.endPosition();
                lineNumber = 1;
            }
            if (resumeAt > position)
            {
                if (resumeAt > channel.size())
                {
                    throw new InputFormatException(name + ": the journal says this input was read up to byte " + resumeAt +
                        ", but the file has only " + channel.size() + "; was it replaced? Restore it, or start with a new journal");
                }
                lineNumber += countLines(channel, position, resumeAt);
                position = resumeAt;
            }
            channel.position(position);
            return new LineEventSource(name, in, new LineReader(in, position, lineNumber), parser, deadLetters);
        }
        catch (final NoSuchFileException e)
        {
            throw new InputFormatException(name + ": no such file; check source.path");
        }
        catch (final IOException e)
        {
            throw new InputFormatException(name + ": cannot be read: " + e.getMessage());
        }
    }

    /** stdin cannot be re-read: a resumed run reads what comes next. */
    public static LineEventSource openStdin(final InputStream stdin, final Format format, final DeadLetters deadLetters)
    {
        return new LineEventSource("stdin", stdin, new LineReader(stdin, 0, 0), parser(format, "stdin"), deadLetters);
    }

    public boolean next(final InputEvent event) throws IOException
    {
        while (lines.next())
        {
            final byte[] bytes = lines.bytes();
            final int start = lines.lineStart();
            final int length = lines.lineLength();
            if (lines.tooLong())
            {
                deadLetters.accept(name, lines.lineNumber(), "line longer than " + LineReader.MAX_LINE_BYTES +
                    " bytes (first bytes kept here)", bytes, start, length);
                continue;
            }
            if (isBlank(bytes, start, length))
            {
                continue;
            }
            if (parser.isHeader())
            {
                try
                {
                    ((CsvLineParser)parser).header(bytes, start, length);
                }
                catch (final InputFormatException e)
                {
                    throw new InputFormatException(e.getMessage().replace(name + ":1:", name + ":" + lines.lineNumber() + ":"));
                }
                continue;
            }
            final String problem = parser.parse(bytes, start, length, event);
            if (problem != null)
            {
                deadLetters.accept(name, lines.lineNumber(), problem, bytes, start, length);
                continue;
            }
            event.lineNumber = lines.lineNumber();
            event.endPosition = lines.endPosition();
            return true;
        }
        return false;
    }

    public String name()
    {
        return name;
    }

    public void close() throws IOException
    {
        in.close();
    }

    private static LineParser parser(final Format format, final String name)
    {
        return format == Format.JSONL ? new JsonLineParser() : new CsvLineParser(name);
    }

    private static boolean isBlank(final byte[] bytes, final int start, final int length)
    {
        for (int i = start; i < start + length; i++)
        {
            if (bytes[i] != ' ' && bytes[i] != '\t')
            {
                return false;
            }
        }
        return true;
    }

    private static long countLines(final FileChannel channel, final long from, final long to) throws IOException
    {
        final java.nio.ByteBuffer block = java.nio.ByteBuffer.allocate(1 << 16);
        long lines = 0;
        long position = from;
        while (position < to)
        {
            block.clear().limit((int)Math.min(block.capacity(), to - position));
            final int read = channel.read(block, position);
            if (read <= 0)
            {
                break;
            }
            for (int i = 0; i < read; i++)
            {
                if (block.get(i) == '\n')
                {
                    lines++;
                }
            }
            position += read;
        }
        return lines;
    }
}
