package io.sluice.state;

import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Fixed-size off-heap records addressed by number, for state too wide to sit inside a hash table's slots:
 * the table holds the key and the record's number, so probing stays within a few compact cache lines,
 * and the record is only touched where it is read or written.
 *
 * <pre>
 *   record n at offset n * stride (stride = record bytes rounded up to a cache line)
 *   +----------+----------+-----+----------+
 *   | record 0 | record 1 | ... | record C-1|     freed numbers are reused, newest first
 *   +----------+----------+-----+----------+
 * </pre>
 *
 * A record is handed out zeroed: callers free a record only once they have put it back to all zeros
 * in the fields they rely on, or clear it themselves on allocation. Growth doubles and copies, so it
 * allocates only while the number of live records reaches a new high.
 */
public final class RecordArena implements AutoCloseable
{
    private static final int CACHE_LINE = 64;

    private final int stride;
    private final int initialCapacity;
    private DirectMemory memory;
    private final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
    private int capacity;
    private int highWater;
    private int[] free = new int[16];
    private int freeCount;

    public RecordArena(final int recordBytes, final int initialCapacity)
    {
        if (recordBytes <= 0)
        {
            throw new IllegalArgumentException("recordBytes must be > 0: " + recordBytes);
        }
        this.stride = BitUtil.align(recordBytes, CACHE_LINE);
        this.initialCapacity = Math.max(1, initialCapacity);
        allocate(this.initialCapacity);
    }

    /** The buffer records live in; re-read after any {@link #allocateRecord()}, which may replace it. */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    public int offset(final int record)
    {
        return record * stride;
    }

    public int strideBytes()
    {
        return stride;
    }

    public int liveRecords()
    {
        return highWater - freeCount;
    }

    /** @return the number of a zeroed record. */
    public int allocateRecord()
    {
        if (freeCount > 0)
        {
            final int record = free[--freeCount];
            buffer.setMemory(record * stride, stride, (byte)0);
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

    private void grow()
    {
        final long doubled = (long)capacity * 2;
        if (doubled * stride > Integer.MAX_VALUE - CACHE_LINE)
        {
            throw new IllegalStateException("state arena full: " + capacity + " records of " + stride +
                " bytes fill one 2 GiB region; use more shards or a window with fewer slices");
        }
        final DirectMemory old = memory;
        allocate((int)doubled);
        buffer.putBytes(0, old.buffer(), 0, highWater * stride);
        old.close();
    }

    private void allocate(final int newCapacity)
    {
        if ((long)newCapacity * stride > Integer.MAX_VALUE - CACHE_LINE)
        {
            throw new IllegalStateException("state arena full: " + newCapacity + " records of " + stride +
                " bytes exceed one 2 GiB region; use more shards or a window with fewer slices");
        }
        memory = new DirectMemory(newCapacity * stride);
        buffer.wrap(memory.buffer(), 0, newCapacity * stride);
        capacity = newCapacity;
    }
}
