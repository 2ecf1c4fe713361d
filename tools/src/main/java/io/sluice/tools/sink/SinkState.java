package io.sluice.tools.sink;

import io.sluice.storage.MessageLog;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * How far the sinks have durably got: per shard, the last output journal index written; per file, its length
 * then. Committed after the files are forced, atomically (temp file, fsync, rename), with a checksum.
 *
 * <pre>
 *   sluice-sink 1
 *   shard 0 4294967311
 *   file /abs/out/per_second.csv 120344
 *   crc32c 5a3c91e2
 * </pre>
 */
public final class SinkState
{
    private static final String FORMAT = "sluice-sink 1";

    private final Path file;
    private final long[] lastRead;
    private final Map<Path, Long> lengths = new LinkedHashMap<>();

    private SinkState(final Path file, final int shards)
    {
        this.file = file;
        this.lastRead = new long[shards];
        Arrays.fill(lastRead, MessageLog.NO_INDEX);
    }

    /** Loads the committed state, or a fresh one (nothing read, files empty) when there is none. */
    public static SinkState load(final Path file, final int shards)
    {
        final SinkState state = new SinkState(file, shards);
        if (!Files.exists(file))
        {
            return state;
        }
        try
        {
            final String text = Files.readString(file, StandardCharsets.UTF_8);
            final int crcLine = text.lastIndexOf("crc32c ");
            if (!text.startsWith(FORMAT + "\n") || crcLine < 0 ||
                !text.substring(crcLine + 7).trim().equals(Long.toHexString(crc(text.substring(0, crcLine)))))
            {
                throw new IllegalStateException(file + " is damaged (checksum): delete it and the output files to write them again from the journal");
            }
            for (final String line : text.substring(0, crcLine).split("\n"))
            {
                final String[] fields = line.split(" ", 3);
                if (fields[0].equals("shard"))
                {
                    final int shard = Integer.parseInt(fields[1]);
                    if (shard >= shards)
                    {
                        throw new IllegalStateException(file + " was written by a run with more shards; the parallelism must not change");
                    }
                    state.lastRead[shard] = Long.parseLong(fields[2]);
                }
                else if (fields[0].equals("file"))
                {
                    final String rest = line.substring("file ".length()); // a path may hold spaces: the length is last
                    final int split = rest.lastIndexOf(' ');
                    state.lengths.put(Path.of(rest.substring(0, split)), Long.parseLong(rest.substring(split + 1)));
                }
            }
            return state;
        }
        catch (final IOException | NumberFormatException | ArrayIndexOutOfBoundsException e)
        {
            throw new IllegalStateException("cannot read the sink state " + file + ": " + e.getMessage(), e);
        }
    }

    Path file()
    {
        return file;
    }

    long lastRead(final int shard)
    {
        return lastRead[shard];
    }

    /** The committed length of every file, to open them at. */
    public Map<Path, Long> lengths()
    {
        return lengths;
    }

    void commit(final long[] read, final Map<Path, Long> fileLengths) throws IOException
    {
        final StringBuilder text = new StringBuilder(FORMAT).append('\n');
        for (int s = 0; s < read.length; s++)
        {
            text.append("shard ").append(s).append(' ').append(read[s]).append('\n');
        }
        for (final Map.Entry<Path, Long> length : fileLengths.entrySet())
        {
            text.append("file ").append(length.getKey().toAbsolutePath()).append(' ').append(length.getValue()).append('\n');
        }
        final long checksum = crc(text.toString());
        text.append("crc32c ").append(Long.toHexString(checksum)).append('\n');
        Files.createDirectories(file.getParent());
        final Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            channel.write(java.nio.ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.arraycopy(read, 0, lastRead, 0, read.length);
        lengths.clear();
        lengths.putAll(fileLengths);
    }

    private static long crc(final String text)
    {
        final CRC32C crc = new CRC32C();
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        crc.update(bytes, 0, bytes.length);
        return crc.getValue();
    }
}
