package io.sluice.journal;

import io.sluice.storage.CheckpointStore;
import io.sluice.storage.MessageLog;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Checkpoints as directories of part files with a text manifest:
 *
 * <pre>
 *   checkpoints/0000000000000000042/sequencer.state
 *   checkpoints/0000000000000000042/shard-0.state
 *   checkpoints/0000000000000000042/MANIFEST          written last: temp file, fsync, rename, fsync dir
 *
 *   MANIFEST:  sluice-checkpoint 1
 *              id 42
 *              journal-index 1234567
 *              shards 2
 *              configuration ...
 *              part sequencer.state 180 5a3c91e2          (name, length, CRC32C)
 *              part shard-0.state 5242912 0b17ffa0
 *              manifest-crc32c 9e01c2d4                    (of every line above)
 * </pre>
 *
 * A directory without a MANIFEST is a checkpoint that was being written when the process died; it is
 * ignored, and deleted once a newer checkpoint is complete.
 */
public final class FileCheckpointStore implements CheckpointStore
{
    static final String MANIFEST = "MANIFEST";
    private static final String FORMAT = "sluice-checkpoint 1";
    private static final int ID_DIGITS = 19;

    private final Path directory;
    private final List<ByteBuffer> loaded = new ArrayList<>();

    public FileCheckpointStore(final Path directory)
    {
        this.directory = directory;
    }

    public long write(
        final long id, final long journalIndex, final int shards, final String configuration, final List<Part> parts, final int keep)
        throws IOException
    {
        if (configuration.indexOf('\n') >= 0)
        {
            throw new IllegalArgumentException("configuration must be one line");
        }
        final Path checkpoint = directory.resolve(name(id));
        Files.createDirectories(checkpoint);
        final StringBuilder manifest = new StringBuilder()
            .append(FORMAT).append('\n')
            .append("id ").append(id).append('\n')
            .append("journal-index ").append(journalIndex).append('\n')
            .append("shards ").append(shards).append('\n')
            .append("configuration ").append(configuration).append('\n');
        long bytes = 0;
        for (final Part part : parts)
        {
            final CRC32C crc = new CRC32C();
            try (FileChannel channel = FileChannel.open(checkpoint.resolve(part.name()),
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
            {
                final ByteBuffer view = byteView(part);
                crc.update(view.duplicate());
                while (view.hasRemaining())
                {
                    channel.write(view);
                }
                channel.force(true);
            }
            bytes += part.length();
            manifest.append("part ").append(part.name()).append(' ').append(part.length()).append(' ')
                .append(Long.toHexString(crc.getValue())).append('\n');
        }
        final String manifestCrc = Long.toHexString(crc(manifest.toString()));
        manifest.append("manifest-crc32c ").append(manifestCrc).append('\n');

        final byte[] manifestBytes = manifest.toString().getBytes(StandardCharsets.UTF_8);
        DurableFiles.replace(checkpoint.resolve(MANIFEST), manifestBytes);
        bytes += manifestBytes.length;
        prune(id, keep);
        return bytes;
    }

    /** One checkpoint directory as {@link #inspect()} finds it. */
    public record Inspection(long id, Path directory, boolean complete, long journalIndex, int shards, long bytes, String problem)
    {
        /** Complete and every checksum verifies: recovery could use it. */
        public boolean usable()
        {
            return complete && problem == null;
        }
    }

    /** Every checkpoint directory, oldest first, each verified as recovery would (manifest and part checksums). */
    public List<Inspection> inspect() throws IOException
    {
        final List<Inspection> found = new ArrayList<>();
        final List<Long> ids = ids();
        ids.sort(null);
        for (final long id : ids)
        {
            final Path checkpoint = directory.resolve(name(id));
            long bytes = 0;
            try (Stream<Path> files = Files.list(checkpoint))
            {
                for (final Path file : files.toList())
                {
                    bytes += Files.size(file);
                }
            }
            if (!Files.exists(checkpoint.resolve(MANIFEST)))
            {
                found.add(new Inspection(id, checkpoint, false, MessageLog.NO_INDEX, 0, bytes, "no " + MANIFEST + ": incomplete"));
                continue;
            }
            try
            {
                final Stored stored = load(checkpoint, id);
                found.add(new Inspection(id, checkpoint, true, stored.journalIndex(), stored.shards(), bytes, null));
            }
            catch (final DamagedCheckpointException e)
            {
                found.add(new Inspection(id, checkpoint, true, MessageLog.NO_INDEX, 0, bytes, e.getMessage()));
            }
            finally
            {
                releaseLoaded();
            }
        }
        return found;
    }

    /**
     * The journal index of the oldest checkpoint recovery could still use (complete, manifest intact), or
     * {@link MessageLog#NO_INDEX} when there is none: input before it is needed by no checkpoint kept.
     */
    public long oldestJournalIndex() throws IOException
    {
        final List<Long> ids = ids();
        ids.sort(null);
        for (final long id : ids)
        {
            final Path checkpoint = directory.resolve(name(id));
            if (Files.exists(checkpoint.resolve(MANIFEST)))
            {
                try
                {
                    return readManifest(checkpoint, id).journalIndex();
                }
                catch (final DamagedCheckpointException e)
                {
                    continue; // unusable for recovery, so it holds nothing back
                }
            }
        }
        return MessageLog.NO_INDEX;
    }

    public Stored loadNewest(final Consumer<String> warnings) throws IOException
    {
        releaseLoaded();
        final List<Long> ids = ids();
        ids.sort(Comparator.reverseOrder());
        for (final long id : ids)
        {
            final Path checkpoint = directory.resolve(name(id));
            if (!Files.exists(checkpoint.resolve(MANIFEST)))
            {
                warnings.accept("checkpoint " + checkpoint + " is incomplete (no " + MANIFEST + "; the process stopped while " +
                    "writing it): skipped for the previous one");
                continue;
            }
            try
            {
                return load(checkpoint, id);
            }
            catch (final DamagedCheckpointException e)
            {
                warnings.accept("checkpoint " + checkpoint + " is damaged: " + e.getMessage() + "; skipped for the previous one");
                releaseLoaded();
            }
        }
        return null;
    }

    public long nextId() throws IOException
    {
        long next = 1;
        for (final long id : ids())
        {
            next = Math.max(next, id + 1);
        }
        return next;
    }

    /** The directory a checkpoint id lives in, for tools and tests. */
    public Path checkpointDirectory(final long id)
    {
        return directory.resolve(name(id));
    }

    private Stored load(final Path checkpoint, final long expectedId) throws IOException, DamagedCheckpointException
    {
        final Manifest manifest = readManifest(checkpoint, expectedId);
        final List<Part> parts = new ArrayList<>();
        for (final String partLine : manifest.partLines())
        {
            parts.add(loadPart(checkpoint, partLine));
        }
        return new Stored(checkpoint.toString(), manifest.id(), manifest.journalIndex(), manifest.shards(), manifest.configuration(),
            List.copyOf(parts));
    }

    /** A manifest's fields, its own checksum verified; its parts are not read. */
    private record Manifest(long id, long journalIndex, int shards, String configuration, List<String> partLines)
    {
    }

    private static Manifest readManifest(final Path checkpoint, final long expectedId) throws IOException, DamagedCheckpointException
    {
        final String text = new String(Files.readAllBytes(checkpoint.resolve(MANIFEST)), StandardCharsets.UTF_8);
        final int crcLine = text.lastIndexOf("manifest-crc32c ");
        if (!text.startsWith(FORMAT + "\n") || crcLine < 0 || !text.endsWith("\n"))
        {
            throw new DamagedCheckpointException(MANIFEST + " is not a complete manifest");
        }
        final String body = text.substring(0, crcLine);
        final String savedCrc = text.substring(crcLine + "manifest-crc32c ".length(), text.length() - 1);
        if (!savedCrc.equals(Long.toHexString(crc(body))))
        {
            throw new DamagedCheckpointException(MANIFEST + " fails its checksum");
        }
        long id = -1;
        long journalIndex = Long.MIN_VALUE;
        int shards = -1;
        String configuration = null;
        final List<String> partLines = new ArrayList<>();
        for (final String line : body.split("\n"))
        {
            final int space = line.indexOf(' ');
            final String field = space < 0 ? line : line.substring(0, space);
            final String value = space < 0 ? "" : line.substring(space + 1);
            switch (field)
            {
                case "id" -> id = Long.parseLong(value);
                case "journal-index" -> journalIndex = Long.parseLong(value);
                case "shards" -> shards = Integer.parseInt(value);
                case "configuration" -> configuration = value;
                case "part" -> partLines.add(value);
                default ->
                {
                    // the format line
                }
            }
        }
        if (id != expectedId || journalIndex == Long.MIN_VALUE || shards < 1 || configuration == null)
        {
            throw new DamagedCheckpointException(MANIFEST + " lacks its id, journal index, shards or configuration");
        }
        return new Manifest(id, journalIndex, shards, configuration, partLines);
    }

    private Part loadPart(final Path checkpoint, final String description) throws IOException, DamagedCheckpointException
    {
        final String[] fields = description.split(" ");
        if (fields.length != 3)
        {
            throw new DamagedCheckpointException("malformed part line '" + description + "'");
        }
        final String partName = fields[0];
        final long length = Long.parseLong(fields[1]);
        final Path file = checkpoint.resolve(partName);
        final ByteBuffer content;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            if (channel.size() != length)
            {
                throw new DamagedCheckpointException("part " + partName + " has " + channel.size() + " bytes, its manifest says " + length);
            }
            content = ByteBuffer.allocateDirect((int)length);
            while (content.hasRemaining())
            {
                if (channel.read(content) < 0)
                {
                    throw new DamagedCheckpointException("part " + partName + " ends early");
                }
            }
            content.flip();
        }
        catch (final NoSuchFileException e)
        {
            throw new DamagedCheckpointException("part " + partName + " is missing");
        }
        loaded.add(content);
        final CRC32C crc = new CRC32C();
        crc.update(content.duplicate());
        if (!Long.toHexString(crc.getValue()).equals(fields[2]))
        {
            throw new DamagedCheckpointException("part " + partName + " fails its checksum");
        }
        return new Part(partName, new UnsafeBuffer(content), 0, (int)length);
    }

    /** Keeps the newest {@code keep} complete checkpoints up to {@code newest}; deletes older ones and stale partial ones. */
    private void prune(final long newest, final int keep) throws IOException
    {
        final List<Long> ids = ids();
        ids.sort(Comparator.reverseOrder());
        int complete = 0;
        for (final long id : ids)
        {
            if (id > newest)
            {
                continue;
            }
            final Path checkpoint = directory.resolve(name(id));
            final boolean isComplete = Files.exists(checkpoint.resolve(MANIFEST));
            if (isComplete && complete < keep)
            {
                complete++;
                continue;
            }
            deleteRecursively(checkpoint);
        }
    }

    private List<Long> ids() throws IOException
    {
        final List<Long> ids = new ArrayList<>();
        if (!Files.isDirectory(directory))
        {
            return ids;
        }
        try (Stream<Path> entries = Files.list(directory))
        {
            entries.map(p -> p.getFileName().toString())
                .filter(n -> n.length() == ID_DIGITS && n.chars().allMatch(Character::isDigit))
                .forEach(n -> ids.add(Long.parseLong(n)));
        }
        return ids;
    }

    private void releaseLoaded()
    {
        for (final ByteBuffer buffer : loaded)
        {
            org.agrona.BufferUtil.free(buffer);
        }
        loaded.clear();
    }

    private static ByteBuffer byteView(final Part part)
    {
        final ByteBuffer source = part.buffer().byteBuffer();
        if (source != null)
        {
            final int start = part.buffer().wrapAdjustment() + part.offset();
            final ByteBuffer view = source.duplicate();
            view.limit(start + part.length()).position(start);
            return view.slice();
        }
        final byte[] copy = new byte[part.length()];
        part.buffer().getBytes(part.offset(), copy);
        return ByteBuffer.wrap(copy);
    }

    private static String name(final long id)
    {
        return String.format("%0" + ID_DIGITS + "d", id);
    }

    private static long crc(final String text)
    {
        final CRC32C crc = new CRC32C();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    private static void deleteRecursively(final Path path) throws IOException
    {
        if (!Files.exists(path))
        {
            return;
        }
        try (Stream<Path> walk = Files.walk(path))
        {
            for (final Path p : walk.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(p);
            }
        }
    }

    private static final class DamagedCheckpointException extends Exception
    {
        DamagedCheckpointException(final String message)
        {
            super(message, null, false, false);
        }
    }
}
