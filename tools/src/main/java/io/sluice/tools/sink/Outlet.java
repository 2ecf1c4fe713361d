package io.sluice.tools.sink;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Where formatted lines go: a file (whose committed length a resumed run truncates back to), the console, or nowhere. */
abstract class Outlet implements AutoCloseable
{
    private long lines;

    final void write(final CharSequence text, final int lineCount) throws IOException
    {
        lines += lineCount;
        append(text);
    }

    long lines()
    {
        return lines;
    }

    abstract void append(CharSequence text) throws IOException;

    /** Makes what was written durable (a file) and returns the length that is. */
    long sync() throws IOException
    {
        return 0;
    }

    Path path()
    {
        return null;
    }

    public void close() throws IOException
    {
    }

    static Outlet discard()
    {
        return new Outlet()
        {
            void append(final CharSequence text)
            {
            }
        };
    }

    static Outlet console(final PrintStream out, final String prefix)
    {
        return new Outlet()
        {
            void append(final CharSequence text)
            {
                out.print(prefix.isEmpty() ? text : prefix + text);
            }
        };
    }

    /**
     * A file opened at {@code length} (bytes beyond it, written after the last commit of a crashed run, are cut
     * off), with {@code header} written if it is empty.
     */
    static Outlet file(final Path path, final long length, final String header) throws IOException
    {
        return new FileOutlet(path, length, header);
    }

    private static final class FileOutlet extends Outlet
    {
        private final Path path;
        private final FileChannel channel;
        private final StringBuilder pending = new StringBuilder(1 << 16);
        private ByteBuffer bytes = ByteBuffer.allocate(1 << 16);

        FileOutlet(final Path path, final long length, final String header) throws IOException
        {
            this.path = path;
            if (path.getParent() != null)
            {
                Files.createDirectories(path.getParent());
            }
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (channel.size() > length)
            {
                channel.truncate(length);
            }
            channel.position(length);
            if (length == 0 && header != null)
            {
                pending.append(header);
            }
        }

        void append(final CharSequence text) throws IOException
        {
            pending.append(text);
            if (pending.length() >= 1 << 15)
            {
                drain();
            }
        }

        long sync() throws IOException
        {
            drain();
            channel.force(false);
            return channel.position();
        }

        Path path()
        {
            return path;
        }

        public void close() throws IOException
        {
            drain();
            channel.close();
        }

        private void drain() throws IOException
        {
            if (pending.length() == 0)
            {
                return;
            }
            final byte[] encoded = pending.toString().getBytes(StandardCharsets.UTF_8);
            if (bytes.capacity() < encoded.length)
            {
                bytes = ByteBuffer.allocate(encoded.length);
            }
            bytes.clear();
            bytes.put(encoded).flip();
            while (bytes.hasRemaining())
            {
                channel.write(bytes);
            }
            pending.setLength(0);
        }
    }
}
