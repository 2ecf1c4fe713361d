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
import net.openhft.chronicle.queue.TailerDirection;
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
 * A {@link MessageLog} on one Chronicle Queue directory, writing a batch of messages as one Chronicle
 * document: Chronicle's cost per document (write lock, header, index, roll check: about 300 ns here) is
 * paid once per batch instead of once per message.
 *
 * <pre>
 *   document:  [ Chronicle header ][ FORMAT_MARK | number of its first record, 8 bytes ][ stamp, 8 ][ CRC32C of those 16, 4 ]
 *              [ record ][ record ] ...
 *   record:    [ length, 4 bytes ][ message bytes ][ CRC32C of them, 4 bytes ]
 *   index:     rollCycle.toIndex(cycle, number of the record in its cycle)
 * </pre>
 *
 * Records are numbered 0, 1, 2... within each roll cycle, whatever the batches were, so a message's index
 * has the form and the value Chronicle's own index would give it with one document per message: the same
 * input gets the same indexes in every run, however the ring happened to batch it. Finding a record by
 * index is a binary search over the cycle's documents, by their first record numbers. A document's stamp
 * ({@link #stamp(long)}) is the one its records were appended under: a new stamp starts a new document.
 *
 * A batch becomes visible to readers, all at once, at {@link #commit()} (or when its document is full).
 * Chronicle's header tells a complete document from one a dead writer left unfinished, which readers never
 * see: a crash loses the uncommitted batch whole, as it would lose messages not yet appended. The checksum
 * tells a complete record from one whose bytes changed on disk since, which a reader reports as a
 * {@link JournalDamagedException} instead of decoding.
 *
 * <p>Chronicle appenders belong to a thread; the appending thread may change between recovery (the
 * starting thread) and normal running (the engine's thread), so the appender is re-acquired when it does
 * (with no batch open).
 */
final class ChronicleMessageLog implements MessageLog
{
    /** A batch's document is closed at this many records or bytes even if the batch goes on. */
    static final int MAX_RECORDS_PER_DOCUMENT = 1024;
    static final int MAX_DOCUMENT_BYTES = 64 * 1024;
    /**
     * Set in every document's first record number: documents written before stamps had none, and their
     * second word is a record, not a stamp, so a reader refuses them by name rather than misread them.
     */
    static final long FORMAT_MARK = 1L << 62;
    static final int STAMP_OFFSET = 8;
    static final int HEADER_CHECKSUM_OFFSET = 16;
    /** First record number, stamp, and the checksum of both. */
    static final int HEADER_BYTES = 20;
    static final int LENGTH_BYTES = 4;
    static final int CHECKSUM_BYTES = 4;
    static final int FRAMING_BYTES = LENGTH_BYTES + CHECKSUM_BYTES;

    private final StagedDocument staged = new StagedDocument();
    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    private final String name;
    private final boolean syncing;
    private final boolean readOnly;
    private final PageToucher toucher;
    private final DateTimeFormatter cycleNames;
    private ExcerptAppender appender;
    private Thread appenderThread;
    // The batch being written: its open document (its records staged until it closes) and how many records it holds.
    // The cycle stays that of the last document after it closes; nextRecord is the number its cycle's next record gets.
    private DocumentContext document;
    private int documentCycle = Integer.MIN_VALUE;
    private long documentFirstRecord;
    private int documentRecords;
    private long nextRecord;
    private long stamp = NO_STAMP;
    // Whether a document was written since the last sync: a commit with nothing new to make durable
    // (a batch of slots that journal nothing) costs no msync.
    private boolean unsynced;
    private long syncs;

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
        this.rollCycle = queue.rollCycle();
        this.syncing = syncing;
        this.readOnly = readOnly;
        this.cycleNames = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
        this.toucher = readOnly ? null : new PageToucher(directory.getFileName().toString(), this::cycleFile);
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
        if (document == null)
        {
            openDocument();
        }
        staged.add(buffer, offset, length);
        final long index = rollCycle.toIndex(documentCycle, documentFirstRecord + documentRecords);
        if (++documentRecords == MAX_RECORDS_PER_DOCUMENT || staged.length() >= MAX_DOCUMENT_BYTES)
        {
            closeDocument();
        }
        return index;
    }

    /** A new stamp closes the open document, whose records keep the stamp they were appended under. */
    public void stamp(final long stamp)
    {
        if (stamp != this.stamp)
        {
            if (document != null)
            {
                closeDocument();
            }
            this.stamp = stamp;
        }
    }

    /**
     * Ends the batch: its document is completed, so readers see it, and in sync mode msync'ed
     * (MS_SYNC) to the device; earlier cycles were synced as they rolled.
     */
    public void commit()
    {
        if (document != null)
        {
            closeDocument();
        }
        if (syncing && unsynced)
        {
            appender.sync();
            unsynced = false;
            syncs++;
        }
    }

    /** How many times {@link #commit} has flushed the journal to disk: for tests. */
    long syncs()
    {
        return syncs;
    }

    /**
     * Deletes the files of every cycle before the one holding {@code index}: whole files only, so records of
     * that cycle before the index stay. Chronicle is then told to re-read its directory.
     *
     * @return the first index the log still holds every record from.
     */
    long deleteCyclesBefore(final long index) throws IOException
    {
        final int keptCycle = rollCycle.toCycle(index);
        final int firstCycle = queue.firstCycle();
        if (firstCycle < keptCycle && firstCycle != Integer.MAX_VALUE)
        {
            for (final long cycle : queue.listCyclesBetween(firstCycle, keptCycle - 1))
            {
                Files.deleteIfExists(cycleFile((int)cycle));
            }
            queue.refreshDirectoryListing();
        }
        return rollCycle.toIndex(keptCycle, 0);
    }

    /** The file a roll cycle's records are in, named as Chronicle names it. */
    Path cycleFile(final int cycle)
    {
        return queue.file().toPath().resolve(
            cycleNames.format(Instant.ofEpochMilli((long)cycle * rollCycle.lengthInMillis())) + SingleChronicleQueue.SUFFIX);
    }

    /** The index of the last record of the last complete document. */
    public long lastIndex()
    {
        // Read backwards from the end: the first document found is the last complete one.
        try (TailerReader reader = new TailerReader(queue.createTailer().direction(TailerDirection.BACKWARD).toEnd()))
        {
            return reader.loadDocument() ? reader.indexOf(reader.countRecords() - 1) : NO_INDEX;
        }
    }

    /**
     * Where a record's message bytes start in its cycle file (Chronicle's mapped positions are file
     * offsets), or -1 if the log has no such record: for tests that damage a record on disk.
     */
    long messagePositionInFile(final long index)
    {
        try (TailerReader reader = new TailerReader(queue.createTailer()))
        {
            return reader.seek(index) ? reader.documentPosition + reader.recordOffset + LENGTH_BYTES : -1;
        }
    }

    /** Where the content of the document holding a record starts in its cycle file, or -1; for tests. */
    long documentPositionInFile(final long index)
    {
        try (TailerReader reader = new TailerReader(queue.createTailer()))
        {
            return reader.seek(index) ? reader.documentPosition : -1;
        }
    }

    public Reader reader()
    {
        return new TailerReader(queue.createTailer());
    }

    /** A reader that copies each document before checksumming it, as one does without java.util.zip opened: for tests. */
    Reader readerCopyingDocuments()
    {
        return new TailerReader(queue.createTailer(), false);
    }

    public void close()
    {
        if (document != null && !readOnly)
        {
            commit();
        }
        if (toucher != null)
        {
            toucher.close();
        }
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

    private void openDocument()
    {
        final ExcerptAppender appender = appender();
        document = appender.writingDocument();
        final int cycle = rollCycle.toCycle(document.index());
        if (cycle != documentCycle)
        {
            // The first document since the log was opened continues the numbering of the cycle's earlier
            // documents; after a roll, the cycle is new and starts at 0.
            nextRecord = documentCycle == Integer.MIN_VALUE ? recordsBefore(document.index()) : 0;
            documentCycle = cycle;
        }
        documentFirstRecord = nextRecord;
        staged.reset(documentFirstRecord | FORMAT_MARK, stamp);
        documentRecords = 0;
    }

    private void closeDocument()
    {
        final DocumentContext closing = document;
        document = null;
        nextRecord = documentFirstRecord + documentRecords;
        closing.wire().bytes().unsafeWrite(staged.address(), staged.length());
        closing.close();
        unsynced = true;
        toucher.afterAppend(appender.cycle(), appender.wire().bytes().writePosition());
    }

    /** The number of records in the documents of a cycle before the given document: read off the nearest one. */
    private long recordsBefore(final long documentIndex)
    {
        final int cycle = rollCycle.toCycle(documentIndex);
        try (TailerReader reader = new TailerReader(queue.createTailer()))
        {
            for (long sequence = rollCycle.toSequenceNumber(documentIndex) - 1; sequence >= 0; sequence--)
            {
                if (reader.tailer.moveToIndex(rollCycle.toIndex(cycle, sequence)) && reader.loadDocument())
                {
                    return reader.documentFirstRecord + reader.countRecords();
                }
            }
        }
        return 0;
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
        private final boolean checksumsInPlace;
        // The loaded document: the mapped file itself when records are checksummed in place, else a copy of it.
        private final UnsafeBuffer loaded = new UnsafeBuffer(0, 0);
        private final ChecksummedCopy documentCopy;
        private int documentCycle;
        private long documentPosition;
        private long documentFirstRecord;
        private long documentStamp;
        private int documentLength;
        private int recordOffset;
        private int recordNumber;

        TailerReader(final ExcerptTailer tailer)
        {
            this(tailer, RawMemoryCrc32c.available());
        }

        /** @param checksumsInPlace false to copy each document before checksumming its records (tests). */
        TailerReader(final ExcerptTailer tailer, final boolean checksumsInPlace)
        {
            this.tailer = tailer;
            this.checksumsInPlace = checksumsInPlace;
            this.documentCopy = checksumsInPlace ? null : new ChecksummedCopy();
            // Chronicle checks on every document that the reading thread is the tailer's owner: an eighth of a
            // replay's reading time. A reader is used by one thread at a time (MessageLog.Reader); which one may
            // change, as when a recovery hands the engine over.
            tailer.singleThreadedCheckDisabled(true);
        }

        /**
         * Finds the record's document by binary search over its cycle's documents: a document's Chronicle
         * sequence is at most its first record's number (every document holds at least one record).
         */
        public boolean seek(final long index)
        {
            documentLength = 0;
            recordOffset = 0;
            if (index < 0)
            {
                return false;
            }
            final int cycle = rollCycle.toCycle(index);
            final long wanted = rollCycle.toSequenceNumber(index);
            long low = 0;
            long high = wanted;
            long found = -1;
            while (low <= high)
            {
                final long middle = (low + high) >>> 1;
                if (!tailer.moveToIndex(rollCycle.toIndex(cycle, middle)) || !loadDocument() || documentCycle != cycle)
                {
                    high = middle - 1; // beyond the cycle's last document
                }
                else if (documentFirstRecord > wanted)
                {
                    high = middle - 1;
                }
                else
                {
                    found = middle;
                    low = middle + 1;
                }
            }
            if (found < 0 || !tailer.moveToIndex(rollCycle.toIndex(cycle, found)) || !loadDocument())
            {
                return false;
            }
            while (documentFirstRecord + recordNumber < wanted)
            {
                if (recordOffset >= documentLength)
                {
                    return false;
                }
                skipRecord();
            }
            return recordOffset < documentLength;
        }

        public boolean next(final MessageHandler handler)
        {
            while (recordOffset >= documentLength)
            {
                if (!loadDocument())
                {
                    return false;
                }
            }
            final UnsafeBuffer loaded = this.loaded;
            final int length = recordLength();
            final long index = indexOf(recordNumber);
            final int computed = checksumOfLoaded(recordOffset + LENGTH_BYTES, length);
            final int stored = loaded.getInt(recordOffset + LENGTH_BYTES + length);
            if (stored != computed)
            {
                throw new JournalDamagedException(name, index, "CRC32C " + Integer.toHexString(computed) +
                    " over its " + length + " bytes, but " + Integer.toHexString(stored) + " stored with it");
            }
            final int messageOffset = recordOffset + LENGTH_BYTES;
            recordOffset += FRAMING_BYTES + length;
            recordNumber++;
            handler.onMessage(index, loaded, messageOffset, length);
            return true;
        }

        public long stamp()
        {
            return documentStamp;
        }

        public void close()
        {
            tailer.close();
        }

        long indexOf(final int recordInDocument)
        {
            return rollCycle.toIndex(documentCycle, documentFirstRecord + recordInDocument);
        }

        /**
         * Loads the tailer's next document: in place, or copied in. @return false at the end of the log.
         * In place, the document stays readable after its context closes until the tailer's next document
         * (the tailer keeps its mapping until it moves on), and the records are read before that.
         */
        boolean loadDocument()
        {
            try (DocumentContext document = tailer.readingDocument())
            {
                if (!document.isPresent())
                {
                    return false;
                }
                final Bytes<?> bytes = document.wire().bytes();
                final long length = bytes.readRemaining();
                documentCycle = rollCycle.toCycle(document.index());
                if (length < HEADER_BYTES + FRAMING_BYTES || length > Integer.MAX_VALUE)
                {
                    throw new JournalDamagedException(name, document.index(), "a journal document of " + length +
                        " bytes, too short for one record");
                }
                documentPosition = bytes.readPosition();
                final long address = bytes.addressForRead(documentPosition);
                if (checksumsInPlace)
                {
                    loaded.wrap(address, (int)length);
                }
                else
                {
                    documentCopy.copyDocument(address, (int)length);
                    loaded.wrap(documentCopy.copy(), 0, (int)length);
                }
                final long markedFirstRecord = loaded.getLong(0);
                if ((markedFirstRecord & FORMAT_MARK) == 0)
                {
                    throw new JournalDamagedException(name, document.index(), "a journal document without the format mark of " +
                        "stamped documents: written by an earlier Sluice, whose version must read it");
                }
                final int computed = checksumOfLoaded(0, HEADER_CHECKSUM_OFFSET);
                final int stored = loaded.getInt(HEADER_CHECKSUM_OFFSET);
                if (stored != computed)
                {
                    throw new JournalDamagedException(name, document.index(), "a journal document header (first record " +
                        "number and stamp) with CRC32C " + Integer.toHexString(computed) + ", but " +
                        Integer.toHexString(stored) + " stored with it");
                }
                documentFirstRecord = markedFirstRecord & ~FORMAT_MARK;
                documentStamp = loaded.getLong(STAMP_OFFSET);
                documentLength = (int)length;
                recordOffset = HEADER_BYTES;
                recordNumber = 0;
                // Each earlier document of the cycle holds at most MAX_RECORDS_PER_DOCUMENT records.
                if (documentFirstRecord < 0 ||
                    documentFirstRecord > rollCycle.toSequenceNumber(document.index()) * MAX_RECORDS_PER_DOCUMENT)
                {
                    throw new JournalDamagedException(name, document.index(), "a journal document whose first record number reads " +
                        documentFirstRecord);
                }
                return true;
            }
        }

        /** CRC32C of bytes of the loaded document: in the mapped file itself, or in the copy the document was checked into. */
        private int checksumOfLoaded(final int offset, final int length)
        {
            return checksumsInPlace ? RawMemoryCrc32c.compute(loaded.addressOffset() + offset, length) : documentCopy.checksum(offset, length);
        }

        int countRecords()
        {
            while (recordOffset < documentLength)
            {
                skipRecord();
            }
            return recordNumber;
        }

        private void skipRecord()
        {
            recordOffset += FRAMING_BYTES + recordLength();
            recordNumber++;
        }

        /** The length of the record at the reader's offset, checked against the document's bounds. */
        private int recordLength()
        {
            final int length = loaded.getInt(recordOffset);
            if (length < 0 || length > documentLength - recordOffset - FRAMING_BYTES)
            {
                throw new JournalDamagedException(name, indexOf(recordNumber),
                    "a record length of " + length + " bytes at byte " + recordOffset + " of a " + documentLength + "-byte journal document");
            }
            return length;
        }
    }
}
