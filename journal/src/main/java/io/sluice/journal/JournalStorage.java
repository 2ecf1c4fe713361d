package io.sluice.journal;

import io.sluice.storage.Durability;
import io.sluice.storage.MessageLog;
import io.sluice.storage.Storage;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * An engine's storage in one directory, on Chronicle Queue:
 *
 * <pre>
 *   dir/input/             the input journal: every accepted input, in sequencer order
 *   dir/output/shard-N/    shard N's output journal: its results and late events with their sequences
 *   dir/checkpoints/ID/    checkpoint ID: one state part per shard and the sequencer, and a manifest
 *   dir/shards             the shard count, recorded at the first start before any output journal exists
 *   dir/input-retained-from   present once retention deleted input files: the index the journal is whole from
 * </pre>
 *
 * One engine per directory (Chronicle allows one writer per queue): opening takes an exclusive lock on
 * {@code dir/sluice.lock}, which the operating system releases when the process ends, however it ends. Holding
 * it, opening sets aside queue files a crash left unfinished ({@link UnfinishedQueueFiles}). Chronicle's usage
 * reporting is off: its artifact is excluded from the build and its switch is set here before Chronicle loads.
 */
public final class JournalStorage implements Storage
{
    static
    {
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        System.setProperty("disable.perf.info", "true");
    }

    private static final String OUTPUT_PREFIX = "shard-";
    private static final String RETAINED_FROM = "input-retained-from";
    private static final String SHARDS = "shards";
    private static final String LOCK_FILE = "sluice.lock";

    private final Path directory;
    private final RollCycle rollCycle;
    private final Durability durability;
    private final InputRetention retention;
    private final ChronicleMessageLog input;
    private final List<ChronicleMessageLog> outputs = new ArrayList<>();
    private final FileCheckpointStore checkpoints;
    private final FileChannel lockChannel;
    private final PageTouchers pageTouchers;
    private final List<String> openingWarnings = new ArrayList<>();

    private JournalStorage(
        final Path directory, final RollCycle rollCycle, final Durability durability, final InputRetention retention,
        final TimeProvider clock)
    {
        this.directory = directory;
        this.rollCycle = rollCycle;
        this.durability = durability;
        this.retention = retention;
        try
        {
            Files.createDirectories(directory.resolve("output"));
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot create journal directory " + directory + ": " + e.getMessage(), e);
        }
        this.lockChannel = lockDirectory(directory);
        this.pageTouchers = new PageTouchers("sluice-page-toucher");
        try
        {
            this.input = openLog(directory.resolve("input"), durability, clock);
        }
        catch (final RuntimeException e)
        {
            pageTouchers.close();
            closeQuietly(lockChannel, e);
            throw e;
        }
        this.checkpoints = new FileCheckpointStore(directory.resolve("checkpoints"));
    }

    /** Opens a queue for writing, once the files a crash left unfinished are out of Chronicle's way. */
    private ChronicleMessageLog openLog(final Path queueDirectory, final Durability logDurability, final TimeProvider clock)
    {
        UnfinishedQueueFiles.setAside(queueDirectory, openingWarnings::add);
        return new ChronicleMessageLog(queueDirectory, rollCycle, logDurability, clock, pageTouchers);
    }

    private static FileChannel lockDirectory(final Path directory)
    {
        final Path lockFile = directory.resolve(LOCK_FILE);
        final FileChannel channel;
        try
        {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot open " + lockFile + ": " + e.getMessage() + "; check the directory's permissions", e);
        }
        FileLock lock = null;
        try
        {
            lock = channel.tryLock();
        }
        catch (final OverlappingFileLockException e)
        {
            // held by this very process: an engine in this JVM has the directory open
        }
        catch (final IOException e)
        {
            closeQuietly(channel, e);
            throw new UncheckedIOException("cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
        if (lock == null)
        {
            final IllegalStateException inUse = new IllegalStateException("journal directory " + directory + " is in use by " +
                "another engine (" + lockFile + " is locked): one engine per directory; stop the other one, or give this " +
                "engine a directory of its own");
            closeQuietly(channel, inUse);
            throw inUse;
        }
        return channel;
    }

    private static void closeQuietly(final FileChannel channel, final Exception cause)
    {
        try
        {
            channel.close();
        }
        catch (final IOException e)
        {
            cause.addSuppressed(e);
        }
    }

    /** What opening repaired: queue files a crash left unfinished and that were set aside. */
    @Override
    public List<String> openingWarnings()
    {
        return List.copyOf(openingWarnings);
    }

    /** Opens (or creates) storage in a directory, rolling journal files daily, with {@link Durability#DEFAULT}. */
    public static JournalStorage open(final Path directory)
    {
        return open(directory, RollCycles.FAST_DAILY, Durability.DEFAULT, InputRetention.KEEP_ALL);
    }

    /**
     * @param rollCycle  how often journal files roll, e.g. {@code RollCycles.FAST_HOURLY}.
     * @param durability what the input journal survives. Output journals are never flushed: after a power cut
     *                   their lost tail is recomputed from the input journal.
     */
    public static JournalStorage open(final Path directory, final RollCycle rollCycle, final Durability durability)
    {
        return open(directory, rollCycle, durability, InputRetention.KEEP_ALL);
    }

    /** @param retention whether input journal files behind the oldest kept checkpoint are deleted. */
    public static JournalStorage open(
        final Path directory, final RollCycle rollCycle, final Durability durability, final InputRetention retention)
    {
        if (directory == null || rollCycle == null || durability == null || retention == null)
        {
            throw new IllegalArgumentException("directory, rollCycle, durability and retention must not be null");
        }
        return new JournalStorage(directory, rollCycle, durability, retention, SystemTimeProvider.INSTANCE);
    }

    /** With the clock that picks the input journal's roll cycle, for tests that roll files without waiting. */
    static JournalStorage open(
        final Path directory, final RollCycle rollCycle, final InputRetention retention, final TimeProvider clock)
    {
        return new JournalStorage(directory, rollCycle, Durability.DEFAULT, retention, clock);
    }

    public void onCheckpointWritten()
    {
        if (retention == InputRetention.KEEP_ALL)
        {
            return; // nothing to delete, so no manifest to read either
        }
        long journalIndex = MessageLog.NO_INDEX;
        try
        {
            journalIndex = checkpoints.oldestJournalIndex();
            if (journalIndex == MessageLog.NO_INDEX)
            {
                return;
            }
            final long retainedFrom = input.deleteCyclesBefore(journalIndex);
            if (retainedFrom > inputRetainedFrom())
            {
                // Written after the deletion: a crash in between leaves files gone and the marker old, which
                // recovery still reads correctly (an earlier point than the truth, refused the same way).
                DurableFiles.replace(directory.resolve(RETAINED_FROM), (retainedFrom + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot delete input journal files of " + directory + " behind index " + journalIndex +
                ": " + e.getMessage(), e);
        }
    }

    public long inputRetainedFrom()
    {
        final Path marker = directory.resolve(RETAINED_FROM);
        try
        {
            return Files.exists(marker) ? Long.parseLong(Files.readString(marker).trim()) : MessageLog.NO_INDEX;
        }
        catch (final IOException | NumberFormatException e)
        {
            throw new IllegalStateException("cannot read " + marker + " (" + e.getMessage() + "): it says from which index " +
                "the input journal is whole; restore it or the directory from a copy", e);
        }
    }

    /**
     * The input journal of a storage directory, read-only: for audits and what-if re-runs with
     * {@code io.sluice.JournalReplay}, also while the directory's own engine is running.
     */
    public static MessageLog readInputJournal(final Path storageDirectory)
    {
        final Path input = storageDirectory.resolve("input");
        if (!Files.isDirectory(input))
        {
            throw new IllegalArgumentException("no input journal at " + input + ": give the directory an engine's storage was opened on");
        }
        return ChronicleMessageLog.readOnly(input);
    }

    /** Shard N's output journal in a storage directory, read-only: what sinks tail, also while the engine runs. */
    public static MessageLog readOutputJournal(final Path storageDirectory, final int shard)
    {
        final Path output = storageDirectory.resolve("output").resolve(OUTPUT_PREFIX + shard);
        if (!Files.isDirectory(output))
        {
            throw new IllegalArgumentException("no output journal at " + output + ": give the directory an engine's storage was opened on");
        }
        return ChronicleMessageLog.readOnly(output);
    }

    public Durability durability()
    {
        return durability;
    }

    public MessageLog inputLog()
    {
        return input;
    }

    public MessageLog outputLog(final int shard)
    {
        while (outputs.size() <= shard)
        {
            outputs.add(null);
        }
        ChronicleMessageLog log = outputs.get(shard);
        if (log == null)
        {
            log = openLog(outputDirectory(shard), Durability.DEFAULT, SystemTimeProvider.INSTANCE);
            outputs.set(shard, log);
        }
        return log;
    }

    public int shardCount(final int requested)
    {
        final Path record = directory.resolve(SHARDS);
        try
        {
            if (Files.exists(record))
            {
                return readShardCount(record);
            }
            // A directory from before the count was recorded: its output journals say it, once all were created.
            final int existing = existingOutputLogs();
            final int shards = existing != 0 ? existing : requested;
            DurableFiles.replace(record, (shards + "\n").getBytes(StandardCharsets.US_ASCII));
            return shards;
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot record the shard count in " + record + ": " + e.getMessage(), e);
        }
    }

    private static int readShardCount(final Path record) throws IOException
    {
        final String text = Files.readString(record, StandardCharsets.US_ASCII).trim();
        try
        {
            final int shards = Integer.parseInt(text);
            if (shards > 0)
            {
                return shards;
            }
        }
        catch (final NumberFormatException e)
        {
            // reported below
        }
        throw new IllegalStateException(record + " holds \"" + text + "\" where the storage's shard count belongs: " +
            "write the shard count the journals were written with there, or restore the directory from a copy");
    }

    private int existingOutputLogs() throws IOException
    {
        try (Stream<Path> entries = Files.list(directory.resolve("output")))
        {
            return (int)entries.filter(p -> p.getFileName().toString().startsWith(OUTPUT_PREFIX)).count();
        }
    }

    public FileCheckpointStore checkpoints()
    {
        return checkpoints;
    }

    public String describe()
    {
        return directory.toString();
    }

    public void close()
    {
        try
        {
            input.close();
            for (final ChronicleMessageLog log : outputs)
            {
                if (log != null)
                {
                    log.close();
                }
            }
        }
        finally
        {
            pageTouchers.close();
            try
            {
                lockChannel.close(); // releases the directory lock
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException("cannot release the lock on " + directory.resolve(LOCK_FILE) + ": " + e.getMessage(), e);
            }
        }
    }

    /** Shard N's output journal directory, for readers such as sinks and audits. */
    public Path outputDirectory(final int shard)
    {
        return directory.resolve("output").resolve(OUTPUT_PREFIX + shard);
    }

    public Path inputDirectory()
    {
        return directory.resolve("input");
    }
}
