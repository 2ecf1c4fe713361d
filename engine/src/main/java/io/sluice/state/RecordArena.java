package io.sluice.state;

import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.function.IntPredicate;

/**
 * Off-heap records addressed by number, for state too wide to sit inside a hash table's slots: the table
 * holds the key and the record's number, so probing stays within a few compact cache lines. Each record
 * has a fixed part, and one cell in each of a number of columns.
 *
 * <pre>
 *   +----------+----------+-----+------------+   fixed parts, record-major (stride: a cache line multiple)
 *   | record 0 | record 1 | ... | record C-1 |
 *   +----------+----------+-----+------------+
 *   | column 0: cell of record 0, 1 ... C-1  |   cells, column-major
 *   | column 1: cell of record 0, 1 ... C-1  |
 *   | ...                                    |
 *   +----------------------------------------+
 * </pre>
 *
 * Column-major cells are what make many keys cheap: when every key is writing the same column (all keys
 * filling the slice of the present second, say), the cells being written are adjacent, so the hot set
 * is one cell per key in a few pages, not one line per key scattered over a page each (at 10 000 keys
 * the difference between fitting in L2 and missing the TLB on every event).
 *
 * <p>Records are handed out zeroed, cells included. Freed numbers are reused, newest first. Growth
 * doubles and copies, so it allocates only while the number of live records reaches a new high.
 */
public final class RecordArena implements AutoCloseable
{
    private static final int CACHE_LINE = 64;
    private static final int SECTION = 0x2EC0A4E4;

    private final int stride;
    private final int columns;
    private final int cellBytes;
    private final int initialCapacity;
    private DirectMemory memory;
    private final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
    private int capacity;
    private int columnsOffset;
    private int columnBytes;
    private int highWater;
    private int[] free = new int[16];
    private int freeCount;

    /**
     * @param recordBytes each record's fixed part.
     * @param columns     cells per record, one in each column.
     * @param cellBytes   each cell's size, a multiple of 8.
     */
    public RecordArena(final int recordBytes, final int columns, final int cellBytes, final int initialCapacity)
    {
        if (recordBytes <= 0 || columns < 0 || cellBytes < 0 || (cellBytes & 7) != 0 || (columns > 0 && cellBytes == 0))
        {
            throw new IllegalArgumentException("recordBytes must be > 0 and cells a positive multiple of 8: " +
                recordBytes + ", " + columns + " x " + cellBytes);
        }
        this.stride = BitUtil.align(recordBytes, CACHE_LINE);
        this.columns = columns;
        this.cellBytes = cellBytes;
        this.initialCapacity = BitUtil.findNextPositivePowerOfTwo(Math.max(1, initialCapacity));
        allocate(this.initialCapacity);
    }

    /** The buffer records live in; re-read after any {@link #allocateRecord()}, which may replace it. */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /** Where the record's fixed part starts. */
    public int offset(final int record)
    {
        return record * stride;
    }

    /** Where the record's cell in the column starts. */
    public int cellOffset(final int record, final int column)
    {
        return columnsOffset + column * columnBytes + record * cellBytes;
    }

    /** The distance between one record's cell in a column and the next record's. */
    public int cellBytes()
    {
        return cellBytes;
    }

    /** The distance between a record's cell in one column and its cell in the next. */
    public int columnBytes()
    {
        return columnBytes;
    }

    public int strideBytes()
    {
        return stride;
    }

    public int liveRecords()
    {
        return highWater - freeCount;
    }

    /** @return the number of a zeroed record, cells included. */
    public int allocateRecord()
    {
        if (freeCount > 0)
        {
            final int record = free[--freeCount];
            zero(record);
            return record;
        }
        if (highWater == capacity)
        {
            grow();
        }
        return highWater++;
    }

    public void freeRecord(final int record)
    {
        if (freeCount == free.length)
        {
            free = java.util.Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = record;
    }

    /** Record numbers handed out so far are below this (some may be free). */
    public int recordLimit()
    {
        return highWater;
    }

    /**
     * Every record by number, and the free list in its order, so that a restored arena hands out the same
     * numbers as the saved one would have: callers that walk records in number order stay deterministic
     * across a checkpoint.
     */
    public void saveTo(final StateWriter out)
    {
        out.section(SECTION).putInt(stride).putInt(columns).putInt(cellBytes).putInt(highWater);
        out.putInts(free, freeCount);
        final boolean[] isFree = freeSetOf(free, freeCount, highWater);
        for (int record = 0; record < highWater; record++)
        {
            if (!isFree[record])
            {
                writeRecord(record, out);
            }
        }
    }

    /** Reads what {@link #saveTo} wrote, replacing every record. */
    public void restoreFrom(final StateReader in)
    {
        in.expectSection(SECTION, "a record arena");
        in.expectInt(stride, "the record size");
        in.expectInt(columns, "the cells per record");
        in.expectInt(cellBytes, "the cell size");
        final int savedHighWater = in.getInt();
        if (savedHighWater < 0 || (long)savedHighWater * (stride + (long)columns * cellBytes) > Integer.MAX_VALUE)
        {
            throw new IllegalStateException("checkpoint holds a record arena of " + savedHighWater + " records, more than one fits");
        }
        final int savedFreeCount = in.peekCount();
        final int[] savedFree = in.getInts(16);
        final boolean[] isFree = freeSetOf(savedFree, savedFreeCount, savedHighWater);
        if (isFree == null)
        {
            throw new IllegalStateException("checkpoint holds a record arena whose free list does not fit its " +
                savedHighWater + " records");
        }
        clear();
        while (capacity < savedHighWater)
        {
            grow();
        }
        highWater = savedHighWater;
        free = savedFree;
        freeCount = savedFreeCount;
        for (int record = 0; record < highWater; record++)
        {
            if (!isFree[record])
            {
                readRecord(record, in);
            }
        }
    }

    /** Told where each live record moved by {@link #compact}, in number order. */
    @FunctionalInterface
    public interface RecordMoved
    {
        void moved(int from, int to);
    }

    /**
     * Moves the live records down over the free numbers, keeping their order, so that a walk of every
     * number handed out reads only live ones again: after a crowd of keys has come and gone, the numbers
     * they held stay handed out (freed numbers are reused, not given back). The caller updates whatever
     * holds record numbers as it is told of each move; the free list is then empty.
     *
     * @param isLive whether a number below {@link #recordLimit} holds a live record.
     */
    public void compact(final IntPredicate isLive, final RecordMoved moved)
    {
        int to = 0;
        for (int from = 0; from < highWater; from++)
        {
            if (!isLive.test(from))
            {
                continue;
            }
            if (from != to)
            {
                buffer.putBytes(offset(to), buffer, offset(from), stride);
                for (int column = 0; column < columns; column++)
                {
                    buffer.putBytes(cellOffset(to, column), buffer, cellOffset(from, column), cellBytes);
                }
                moved.moved(from, to);
            }
            to++;
        }
        // The numbers past the live ones are handed out zeroed again: clear what they held.
        for (int record = to; record < highWater; record++)
        {
            zero(record);
        }
        highWater = to;
        freeCount = 0;
    }

    private void zero(final int record)
    {
        buffer.setMemory(offset(record), stride, (byte)0);
        for (int column = 0; column < columns; column++)
        {
            buffer.setMemory(cellOffset(record, column), cellBytes, (byte)0);
        }
    }

    /** Forgets every record, for a restore that allocates them again. */
    public void clear()
    {
        memory.close();
        allocate(initialCapacity);
        highWater = 0;
        freeCount = 0;
    }

    public void close()
    {
        if (memory != null)
        {
            memory.close();
            memory = null;
            buffer.wrap(0, 0);
        }
    }

    /** The record's fixed part, then its cells in column order. */
    private void writeRecord(final int record, final StateWriter out)
    {
        out.putWords(buffer, offset(record), stride);
        for (int column = 0; column < columns; column++)
        {
            out.putWords(buffer, cellOffset(record, column), cellBytes);
        }
    }

    private void readRecord(final int record, final StateReader in)
    {
        in.getWords(buffer, offset(record), stride);
        for (int column = 0; column < columns; column++)
        {
            in.getWords(buffer, cellOffset(record, column), cellBytes);
        }
    }

    /**
     * Which of {@code highWater} records the free list names, or null if it is not a free list for them:
     * a number out of range, or one named twice.
     */
    private static boolean[] freeSetOf(final int[] numbers, final int count, final int highWater)
    {
        if (count > highWater)
        {
            return null;
        }
        final boolean[] isFree = new boolean[highWater];
        for (int i = 0; i < count; i++)
        {
            final int record = numbers[i];
            if (record < 0 || record >= highWater || isFree[record])
            {
                return null;
            }
            isFree[record] = true;
        }
        return isFree;
    }

    private void grow()
    {
        final DirectMemory old = memory;
        final int oldColumnsOffset = columnsOffset;
        final int oldColumnBytes = columnBytes;
        allocate(capacity * 2);
        final UnsafeBuffer from = old.buffer();
        buffer.putBytes(0, from, 0, highWater * stride);
        for (int column = 0; column < columns; column++)
        {
            buffer.putBytes(cellOffset(0, column), from, oldColumnsOffset + column * oldColumnBytes, highWater * cellBytes);
        }
        old.close();
    }

    private void allocate(final int newCapacity)
    {
        final long columnBytes = BitUtil.align((long)newCapacity * cellBytes, CACHE_LINE);
        final long bytes = (long)newCapacity * stride + columns * columnBytes;
        if (newCapacity <= 0 || bytes > Integer.MAX_VALUE - CACHE_LINE)
        {
            throw new IllegalStateException("state arena full: " + newCapacity + " records of " + stride + " + " + columns +
                " x " + cellBytes + " bytes fill one 2 GiB region; use more shards or a window with fewer slices");
        }
        memory = new DirectMemory((int)bytes);
        buffer.wrap(memory.buffer(), 0, (int)bytes);
        capacity = newCapacity;
        this.columnBytes = (int)columnBytes;
        this.columnsOffset = newCapacity * stride;
    }
}
