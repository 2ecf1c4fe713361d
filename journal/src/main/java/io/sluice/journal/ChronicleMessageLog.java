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
 *   document:  [ Chronicle header ][ FORMAT_MARK | number of its first record, 8 bytes ][ stamp, 8 ]
 *              [ record ][ record ] ... [ CRC32C of the document's bytes before it, 4 ]
 *   record:    [ length, 4 bytes ][ message bytes ]
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
 * tells a complete document from one whose bytes changed on disk since, which a reader reports as a
 * {@link JournalDamagedException}, naming the records the document holds, instead of decoding any of them.
 * One checksum per document rather than per record: the intrinsic's cost per call dwarfed its cost per byte
 * on 30-odd-byte records, and a record is 4 bytes shorter.
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
     * The top bits of every document's first record number say how the document is laid out, so that a
     * reader refuses a document of another layout by name rather than misread it: documents written before
     * stamps had none of these bits, those with a checksum per record had {@link #PER_RECORD_CHECKSUM_MARK}.
     */
    static final long FORMAT_MARK_BITS = 3L << 61;
    static final long FORMAT_MARK = 1L << 61;
    static final long PER_RECORD_CHECKSUM_MARK = 1L << 62;
    static final int STAMP_OFFSET = 8;
    /** First record number and stamp. */
    static final int HEADER_BYTES = 16;
    static final int LENGTH_BYTES = 4;
    /** The document's CRC32C, after its last record. */
    static final int CHECKSUM_BYTES = 4;

    private final StagedDocument staged = new StagedDocument();
    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    private final String name;
    private final boolean syncing;
    private final boolean readOnly;
    // Reading ahead of this log's writer: on the storage's shared thread, or on one of the log's own.
    private final PageTouchers touchers;
    private final boolean ownsTouchers;
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
        this(directory, rollCycle, durability, clock, null);
    }

    /** @param touchers the thread reading ahead of the storage's writers, or null for one of this log's own. */
    ChronicleMessageLog(
        final Path directory, final RollCycle rollCycle, final Durability durability, final TimeProvider clock, final PageTouchers touchers)
    {
        this(directory, SingleChronicleQueueBuilder.binary(directory).rollCycle(rollCycle).timeProvider(clock)
            .syncMode(durability == Durability.SYNC ? SyncMode.SYNC : SyncMode.NONE).build(), durability == Durability.SYNC,
            touchers != null ? touchers : new PageTouchers("sluice-page-toucher-" + directory.getFileName()), touchers == null);
    }

    /** @param touchers the thread to read ahead of this log's writer on; null for a log that is only read. */
    private ChronicleMessageLog(
        final Path directory, final SingleChronicleQueue queue, final boolean syncing, final PageTouchers touchers, final boolean ownsTouchers)
    {
        this.name = directory.toString();
        this.queue = queue;
        this.rollCycle = queue.rollCycle();
        this.syncing = syncing;
        this.readOnly = touchers == null;
        this.cycleNames = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
        this.touchers = touchers;
        this.ownsTouchers = ownsTouchers;
        this.toucher = readOnly ? null : touchers.add(this::cycleFile);
    }

    /**
     * A log that can only be read: Chronicle opens the files read-only, so a live journal (being appended to
     * by its engine) can be read alongside without any risk to it.
     */
    static ChronicleMessageLog readOnly(final Path directory)
    {
        return new ChronicleMessageLog(directory, SingleChronicleQueueBuilder.binary(directory).readOnly(true).build(), false, null, false);
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

    /** The index of the first record of the document holding a record, or -1; for tests (damage is reported by it). */
    long documentFirstIndex(final long index)
    {
        try (TailerReader reader = new TailerReader(queue.createTailer()))
        {
            return reader.seek(index) ? reader.indexOf(0) : -1;
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
            touchers.remove(toucher);
        }
        if (ownsTouchers)
        {
            touchers.close();
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
        staged.seal();
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
            final int length = recordLength();
            final long index = indexOf(recordNumber);
            final int messageOffset = recordOffset + LENGTH_BYTES;
            recordOffset = messageOffset + length;
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
                final long chronicleIndex = document.index();
                documentCycle = rollCycle.toCycle(chronicleIndex);
                if (length < HEADER_BYTES + LENGTH_BYTES + CHECKSUM_BYTES || length > Integer.MAX_VALUE)
                {
                    throw new JournalDamagedException(name, chronicleIndex, "a journal document of " + length +
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
                final long mark = markedFirstRecord & FORMAT_MARK_BITS;
                if (mark != FORMAT_MARK)
                {
                    throw new JournalDamagedException(name, chronicleIndex, "a journal document whose layout mark reads " +
                        Long.toHexString(mark) + " where this version writes " + Long.toHexString(FORMAT_MARK) + ": written by an " +
                        "earlier Sluice (" + (mark == PER_RECORD_CHECKSUM_MARK ? "a checksum per record" : "no stamps") +
                        "), whose version must read it, unless the bytes changed");
                }
                final long firstRecord = markedFirstRecord & ~FORMAT_MARK_BITS;
                final int recordsEnd = (int)length - CHECKSUM_BYTES;
                checkIntact(chronicleIndex, firstRecord, recordsEnd);
                documentFirstRecord = firstRecord;
                documentStamp = loaded.getLong(STAMP_OFFSET);
                documentLength = recordsEnd;
                recordOffset = HEADER_BYTES;
                recordNumber = 0;
                return true;
            }
        }

        /**
         * Refuses the loaded document if its checksum fails (naming its first record, the best name there is
         * whether or not the header is among the bytes that changed) or if its first record number cannot be.
         */
        private void checkIntact(final long chronicleIndex, final long firstRecord, final int recordsEnd)
        {
            // Each earlier document of the cycle holds at most MAX_RECORDS_PER_DOCUMENT records.
            final boolean plausibleFirstRecord =
                firstRecord >= 0 && firstRecord <= rollCycle.toSequenceNumber(chronicleIndex) * MAX_RECORDS_PER_DOCUMENT;
            final int computed = checksumOfLoaded(recordsEnd);
            final int stored = loaded.getInt(recordsEnd);
            if (stored != computed)
            {
                final long firstIndex = plausibleFirstRecord ? rollCycle.toIndex(documentCycle, firstRecord) : chronicleIndex;
                throw new JournalDamagedException(name, firstIndex, "the journal document of the records from index " +
                    firstIndex + (plausibleFirstRecord ? "" : " (Chronicle's index of the document: its header is unreadable)") +
                    ", up to " + MAX_RECORDS_PER_DOCUMENT + " of them: CRC32C " + Integer.toHexString(computed) + " over its " +
                    recordsEnd + " bytes, but " + Integer.toHexString(stored) + " stored with it");
            }
            if (!plausibleFirstRecord)
            {
                throw new JournalDamagedException(name, chronicleIndex, "a journal document whose first record number reads " + firstRecord);
            }
        }

        /** CRC32C of the loaded document's first bytes: in the mapped file itself, or in the copy the document was checked into. */
        private int checksumOfLoaded(final int length)
        {
            return checksumsInPlace ? RawMemoryCrc32c.compute(loaded.addressOffset(), length) : documentCopy.checksumOfFirst(length);
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
            recordOffset += LENGTH_BYTES + recordLength();
            recordNumber++;
        }

        /** The length of the record at the reader's offset, checked against the document's bounds. */
        private int recordLength()
        {
            final int length = loaded.getInt(recordOffset);
            if (length < 0 || length > documentLength - recordOffset - LENGTH_BYTES)
            {
                throw new JournalDamagedException(name, indexOf(recordNumber),
                    "a record length of " + length + " bytes at byte " + recordOffset + " of a " + documentLength + "-byte journal document");
            }
            return length;
        }
    }
}
