package io.sluice.journal;

import io.sluice.storage.Durability;
import io.sluice.storage.JournalDamagedException;
import io.sluice.storage.MessageLog;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A {@link MessageLog} on one Chronicle Queue directory: one document per message, the document's
 * Chronicle index as the message index (cycle in the high bits, sequence within the cycle in the low).
 * Messages are copied from and read in place from the queue's memory-mapped files, without allocating.
 *
 * <pre>
 *   document:  [ Chronicle header (length, complete flag) ][ message bytes ][ CRC32C of them, 4 bytes ]
 * </pre>
 *
 * Chronicle's header tells a complete document from one a dead writer left unfinished (which readers
 * never see); the checksum tells a complete document from one whose bytes changed on disk since, which
 * a reader reports as a {@link JournalDamagedException} instead of decoding.
 *
 * <p>Chronicle appenders belong to a thread; the appending thread may change between recovery (the
 * starting thread) and normal running (the engine's thread), so the appender is re-acquired when it does.
 */
final class ChronicleMessageLog implements MessageLog
{
    private static final int CHECKSUM_BYTES = 4;

    private final ChecksummedCopy appendCopy = new ChecksummedCopy();
    private final SingleChronicleQueue queue;
    private final String name;
    private final boolean syncing;
    private final boolean readOnly;
    private ExcerptAppender appender;
    private Thread appenderThread;

    ChronicleMessageLog(final Path directory, final RollCycle rollCycle, final Durability durability)
    {
        this(directory, rollCycle, durability, SystemTimeProvider.INSTANCE);
    }

    /** @param clock decides the cycle an append goes to; tests move it to roll files without waiting. */
    ChronicleMessageLog(final Path directory, final RollCycle rollCycle, final Durability durability, final TimeProvider clock)
    {
        this(directory, SingleChronicleQueueBuilder.binary(directory).rollCycle(rollCycle).timeProvider(clock)
            .syncMode(durability == Durability.SYNC ? SyncMode.SYNC : SyncMode.NONE).build(), durability == Durability.SYNC, false);
    }

    private ChronicleMessageLog(final Path directory, final SingleChronicleQueue queue, final boolean syncing, final boolean readOnly)
    {
        this.name = directory.toString();
        this.queue = queue;
        this.syncing = syncing;
        this.readOnly = readOnly;
    }

    /**
     * A log that can only be read: Chronicle opens the files read-only, so a live journal (being appended to
     * by its engine) can be read alongside without any risk to it.
     */
    static ChronicleMessageLog readOnly(final Path directory)
    {
        return new ChronicleMessageLog(directory, SingleChronicleQueueBuilder.binary(directory).readOnly(true).build(), false, true);
    }

    public long append(final DirectBuffer buffer, final int offset, final int length)
    {
        if (readOnly)
        {
            throw new IllegalStateException("journal " + name + " is open read-only");
        }
        final ExcerptAppender appender = appender();
        try (DocumentContext document = appender.writingDocument())
        {
            final Bytes<?> bytes = document.wire().bytes();
            final int checksum = appendCopy.copyFrom(buffer, offset, length);
            bytes.unsafeWrite(appendCopy.copy().addressOffset(), length);
            bytes.writeInt(checksum);
        }
        return appender.lastIndexAppended();
    }

    /** msync(MS_SYNC) of the current cycle file up to the last append; earlier cycles were synced as they rolled. */
    public void sync()
    {
        if (syncing && appender != null)
        {
            appender.sync();
        }
    }

    /**
     * Deletes the files of every cycle before the one holding {@code index}: whole files only, so records of
     * that cycle before the index stay. Chronicle is then told to re-read its directory.
     *
     * @return the first index the log still holds every record from.
     */
    long deleteCyclesBefore(final long index) throws IOException
    {
        final RollCycle rollCycle = queue.rollCycle();
        final int keptCycle = rollCycle.toCycle(index);
        final int firstCycle = queue.firstCycle();
        if (firstCycle < keptCycle && firstCycle != Integer.MAX_VALUE)
        {
            final DateTimeFormatter names = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
            for (final long cycle : queue.listCyclesBetween(firstCycle, keptCycle - 1))
            {
                final Path file = queue.file().toPath().resolve(
                    names.format(Instant.ofEpochMilli(cycle * rollCycle.lengthInMillis())) + SingleChronicleQueue.SUFFIX);
                Files.deleteIfExists(file);
            }
            queue.refreshDirectoryListing();
        }
        return rollCycle.toIndex(keptCycle, 0);
    }

    public long lastIndex()
    {
        final long last = queue.lastIndex();
        return last < 0 ? NO_INDEX : last;
    }

    public Reader reader()
    {
        return new TailerReader(queue.createTailer());
    }

    public void close()
    {
        if (appender != null)
        {
            appender.close();
            appender = null;
        }
        queue.close();
    }

    public String toString()
    {
        return name;
    }

    private ExcerptAppender appender()
    {
        final Thread current = Thread.currentThread();
        if (appenderThread != current)
        {
            if (appender != null)
            {
                appender.close();
            }
            appender = queue.createAppender();
            appenderThread = current;
        }
        return appender;
    }

    private final class TailerReader implements Reader
    {
        private final ExcerptTailer tailer;
        private final ChecksummedCopy readCopy = new ChecksummedCopy();

        TailerReader(final ExcerptTailer tailer)
        {
            this.tailer = tailer;
        }

        public boolean seek(final long index)
        {
            return tailer.moveToIndex(index);
        }

        public boolean next(final MessageHandler handler)
        {
            try (DocumentContext document = tailer.readingDocument())
            {
                if (!document.isPresent())
                {
                    return false;
                }
                final Bytes<?> bytes = document.wire().bytes();
                final long framed = bytes.readRemaining();
                if (framed < CHECKSUM_BYTES)
                {
                    throw new JournalDamagedException(name, document.index(), "a record of " + framed + " bytes, too short for its checksum");
                }
                final int length = (int)framed - CHECKSUM_BYTES;
                final long address = bytes.addressForRead(bytes.readPosition());
                final int computed = readCopy.copyFrom(address, length);
                final UnsafeBuffer copy = readCopy.copy();
                final int stored = bytes.readInt(bytes.readPosition() + length);
                if (stored != computed)
                {
                    throw new JournalDamagedException(name, document.index(), "CRC32C " + Integer.toHexString(computed) +
                        " over its " + length + " bytes, but " + Integer.toHexString(stored) + " stored with it");
                }
                handler.onMessage(document.index(), copy, 0, length);
                return true;
            }
        }

        public void close()
        {
            tailer.close();
        }
    }
}
