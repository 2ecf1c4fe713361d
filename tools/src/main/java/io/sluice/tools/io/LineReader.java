package io.sluice.tools.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * Lines of bytes from a stream, read in large blocks and handed out in place (no copy, no String). Lines end
 * with {@code \n} or {@code \r\n}; a last line without one counts. A line longer than {@link #MAX_LINE_BYTES}
 * is not buffered: it is reported as too long, with its first bytes, and skipped to its end.
 */
final class LineReader
{
    static final int MAX_LINE_BYTES = 1 << 20;
    private static final int PREVIEW_BYTES = 200;

    private final InputStream in;
    private byte[] buffer = new byte[1 << 16];
    private int start;
    private int limit;
    private boolean endOfStream;

    private int lineStart;
    private int lineLength;
    private long lineNumber;
    private long position;
    private long lineEndPosition;
    private boolean tooLong;

    /** @param position the byte offset the stream is at; lineNumber the number of lines before it. */
    LineReader(final InputStream in, final long position, final long lineNumber)
    {
        this.in = in;
        this.position = position;
        this.lineNumber = lineNumber;
    }

    /** @return false at the end of the stream. */
    boolean next() throws IOException
    {
        tooLong = false;
        while (true)
        {
            for (int i = start; i < limit; i++)
            {
                if (buffer[i] == '\n')
                {
                    deliver(i, i + 1);
                    return true;
                }
            }
            if (endOfStream)
            {
                if (start < limit)
                {
                    deliver(limit, limit);
                    return true;
                }
                return false;
            }
            if (limit - start >= MAX_LINE_BYTES)
            {
                skipLongLine();
                return true;
            }
            fill();
        }
    }

    byte[] bytes()
    {
        return buffer;
    }

    int lineStart()
    {
        return lineStart;
    }

    int lineLength()
    {
        return lineLength;
    }

    long lineNumber()
    {
        return lineNumber;
    }

    /** The byte offset just after the current line. */
    long endPosition()
    {
        return lineEndPosition;
    }

    /** The line exceeded {@link #MAX_LINE_BYTES}; only its first bytes are in the buffer. */
    boolean tooLong()
    {
        return tooLong;
    }

    private void deliver(final int end, final int next)
    {
        lineNumber++;
        lineStart = start;
        lineLength = end - start;
        if (lineLength > 0 && buffer[end - 1] == '\r')
        {
            lineLength--;
        }
        position += next - start;
        lineEndPosition = position;
        start = next;
    }

    private void skipLongLine() throws IOException
    {
        lineNumber++;
        tooLong = true;
        // Keep a preview at the buffer's head, then drop bytes until the line ends.
        System.arraycopy(buffer, start, buffer, 0, PREVIEW_BYTES);
        long skipped = limit - start;
        start = PREVIEW_BYTES;
        limit = PREVIEW_BYTES;
        while (true)
        {
            final int read = in.read(buffer, PREVIEW_BYTES, buffer.length - PREVIEW_BYTES);
            if (read < 0)
            {
                endOfStream = true;
                position += skipped;
                start = limit = PREVIEW_BYTES;
                break;
            }
            int newline = -1;
            for (int i = PREVIEW_BYTES; i < PREVIEW_BYTES + read; i++)
            {
                if (buffer[i] == '\n')
                {
                    newline = i;
                    break;
                }
            }
            if (newline >= 0)
            {
                skipped += newline - PREVIEW_BYTES + 1;
                position += skipped;
                start = newline + 1;
                limit = PREVIEW_BYTES + read;
                break;
            }
            skipped += read;
        }
        lineStart = 0;
        lineLength = PREVIEW_BYTES;
        lineEndPosition = position;
    }

    private void fill() throws IOException
    {
        if (start > 0)
        {
            System.arraycopy(buffer, start, buffer, 0, limit - start);
            limit -= start;
            start = 0;
        }
        if (limit == buffer.length)
        {
            buffer = java.util.Arrays.copyOf(buffer, Math.min(buffer.length * 2, MAX_LINE_BYTES + (1 << 16)));
        }
        final int read = in.read(buffer, limit, buffer.length - limit);
        if (read < 0)
        {
            endOfStream = true;
        }
        else
        {
            limit += read;
        }
    }
}
