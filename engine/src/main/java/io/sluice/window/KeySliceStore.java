package io.sluice.window;

import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;
import io.sluice.state.OffHeapTable;
import org.agrona.BitUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A key's sliding-window slices kept together: one off-heap record per key holding a small ring of slice
 * accumulators, so that an event touches one record and a firing window reads adjacent cells instead of
 * probing a hash table once per slice. Slices the ring cannot hold go to an overflow table.
 *
 * <pre>
 *   key record (value area of an OffHeapTable entry keyed by the key)
 *   0        8           16              24                32
 *   +--------+-----------+---------------+-----------------+--------+--------+-----+----------+
 *   |  base  | occupied  | chain next end| max slice start | cell 0 | cell 1 | ... | cell R-1 |
 *   +--------+-----------+---------------+-----------------+--------+--------+-----+----------+
 *   the ring covers slice indexes [base, base + R); slice s lives in cell s mod R when its bit is set
 *   the entry's aux int counts the key's slices in the overflow table
 * </pre>
 *
 * A slice outside [base, base + R) moves the ring when every cell it would uncover is empty, which is
 * the common case (time moves forward and old slices are freed behind it); otherwise the slice goes to
 * the overflow table, keyed by (key, slice). A slice is in exactly one of the two places for its whole
 * life: a set bit is never uncovered, and a slice found in the overflow table stays there.
 *
 * <p>The two chain fields belong to the sliding operator (its per-key fire chain); the record lives
 * while the key has a slice or a pending chain.
 */
final class KeySliceStore implements AutoCloseable
{
    static final long NO_CHAIN = Long.MAX_VALUE;
    /** {@link #add} results. */
    static final int ADDED = 0;
    static final int CREATED_IN_RING = 1;
    static final int CREATED_IN_OVERFLOW = 2;
    static final int MAX_RING_SLICES = 64;

    private static final int BASE_OFFSET = 0;
    private static final int OCCUPIED_OFFSET = 8;
    private static final int CHAIN_NEXT_END_OFFSET = 16;
    private static final int MAX_SLICE_START_OFFSET = 24;
    private static final int CELLS_OFFSET = 32;

    private final AccumulatorLayout layout;
    private final int cellBytes;
    private final int ringSlices;
    private final int ringMask;
    private final long allCells;
    private final OffHeapTable keys;
    private final OffHeapTable overflow;
    private int liveSlices;
    private int lastRecord;

    /**
     * @param ringSlices cells per key: a power of two up to 64, ideally covering every slice a key has live
     *                   at once (a window's slices, the lateness, and some disorder).
     */
    KeySliceStore(final AccumulatorLayout layout, final int ringSlices, final int expectedKeys)
    {
        if (!BitUtil.isPowerOfTwo(ringSlices) || ringSlices > MAX_RING_SLICES)
        {
            throw new IllegalArgumentException("ringSlices must be a power of two <= 64: " + ringSlices);
        }
        this.layout = layout;
        this.cellBytes = layout.bytes();
        this.ringSlices = ringSlices;
        this.ringMask = ringSlices - 1;
        this.allCells = ringSlices == 64 ? -1L : (1L << ringSlices) - 1;
        this.keys = new OffHeapTable(CELLS_OFFSET + ringSlices * cellBytes, expectedKeys);
        this.overflow = new OffHeapTable(cellBytes, 16);
    }

    /** The ring size that covers {@code liveSlices} slices plus a little disorder, within the cap. */
    static int ringSlicesFor(final long liveSlices)
    {
        return liveSlices + 2 >= MAX_RING_SLICES ? MAX_RING_SLICES : BitUtil.findNextPositivePowerOfTwo((int)liveSlices + 2);
    }

    /**
     * Adds a value to the key's slice, creating key record and slice as needed; {@link #lastRecord()} is
     * then the key's record.
     *
     * @return {@link #ADDED} to an existing slice, or where the slice was created.
     */
    int add(final int keyTag, final long keyId, final long slice, final long value)
    {
        int record = keys.find(keyId, 0, keyTag);
        if (record == OffHeapTable.NOT_FOUND)
        {
            record = keys.insert(keyId, 0, keyTag);
            final UnsafeBuffer buffer = keys.buffer();
            final int fields = keys.valueOffset(record);
            // Leave room below for out-of-order slices; the ring moves up over empty cells as time passes.
            buffer.putLong(fields + BASE_OFFSET, slice - ringMask);
            buffer.putLong(fields + CHAIN_NEXT_END_OFFSET, NO_CHAIN);
            buffer.putLong(fields + MAX_SLICE_START_OFFSET, Long.MIN_VALUE);
        }
        lastRecord = record;
        final UnsafeBuffer buffer = keys.buffer();
        final int fields = keys.valueOffset(record);
        final long occupied = buffer.getLong(fields + OCCUPIED_OFFSET);
        final int cell = (int)slice & ringMask;
        final long bit = 1L << cell;
        if (covers(buffer.getLong(fields + BASE_OFFSET), slice) || moveRingOver(buffer, fields, occupied, slice))
        {
            final int cellOffset = fields + CELLS_OFFSET + cell * cellBytes;
            if ((occupied & bit) != 0)
            {
                layout.add(buffer, cellOffset, value);
                return ADDED;
            }
            if (keys.aux(record) != 0)
            {
                final int entry = overflow.find(keyId, slice, keyTag);
                if (entry != OffHeapTable.NOT_FOUND)
                {
                    layout.add(overflow.buffer(), overflow.valueOffset(entry), value);
                    return ADDED;
                }
            }
            buffer.putLong(fields + OCCUPIED_OFFSET, occupied | bit);
            layout.first(buffer, cellOffset, value);
            liveSlices++;
            return CREATED_IN_RING;
        }
        return addToOverflow(keyTag, keyId, slice, value);
    }

    /** The record of the key given to the last {@link #add}; valid until the next add or remove. */
    int lastRecord()
    {
        return lastRecord;
    }

    /** @return the key's record, or {@link OffHeapTable#NOT_FOUND}. */
    int record(final int keyTag, final long keyId)
    {
        return keys.find(keyId, 0, keyTag);
    }

    /**
     * Merges the key's slices [firstSlice, firstSlice + count) into the target accumulator.
     *
     * @return true if any of them exists.
     */
    boolean mergeInto(
        final int record, final long firstSlice, final int count, final MutableDirectBuffer target, final int targetOffset)
    {
        final UnsafeBuffer buffer = keys.buffer();
        final int fields = keys.valueOffset(record);
        final long base = buffer.getLong(fields + BASE_OFFSET);
        final long occupied = buffer.getLong(fields + OCCUPIED_OFFSET);
        final boolean anyOverflow = keys.aux(record) != 0;
        if (!anyOverflow && covers(base, firstSlice) && covers(base, firstSlice + count - 1))
        {
            // The common case: the whole window inside the ring, so only its set bits need visiting.
            long window = occupied & cells(firstSlice, count);
            final boolean any = window != 0;
            while (window != 0)
            {
                final int cell = Long.numberOfTrailingZeros(window);
                layout.merge(target, targetOffset, buffer, fields + CELLS_OFFSET + cell * cellBytes);
                window &= window - 1;
            }
            return any;
        }
        final long keyId = keys.key1(record);
        final int keyTag = keys.tag(record);
        boolean any = false;
        for (long slice = firstSlice, end = firstSlice + count; slice < end; slice++)
        {
            final int cell = (int)slice & ringMask;
            if (covers(base, slice) && (occupied & (1L << cell)) != 0)
            {
                layout.merge(target, targetOffset, buffer, fields + CELLS_OFFSET + cell * cellBytes);
                any = true;
            }
            else if (anyOverflow)
            {
                final int entry = overflow.find(keyId, slice, keyTag);
                if (entry != OffHeapTable.NOT_FOUND)
                {
                    layout.merge(target, targetOffset, overflow.buffer(), overflow.valueOffset(entry));
                    any = true;
                }
            }
        }
        return any;
    }

    /** Frees one slice; the key's record goes too once it holds nothing and no chain is pending. */
    boolean remove(final int keyTag, final long keyId, final long slice)
    {
        final int record = keys.find(keyId, 0, keyTag);
        if (record == OffHeapTable.NOT_FOUND)
        {
            return false;
        }
        final UnsafeBuffer buffer = keys.buffer();
        final int fields = keys.valueOffset(record);
        final long occupied = buffer.getLong(fields + OCCUPIED_OFFSET);
        final long bit = 1L << ((int)slice & ringMask);
        boolean removed = false;
        if (covers(buffer.getLong(fields + BASE_OFFSET), slice) && (occupied & bit) != 0)
        {
            buffer.putLong(fields + OCCUPIED_OFFSET, occupied & ~bit);
            removed = true;
        }
        else if (keys.aux(record) != 0)
        {
            final int entry = overflow.find(keyId, slice, keyTag);
            if (entry != OffHeapTable.NOT_FOUND)
            {
                overflow.removeAt(entry);
                keys.aux(record, keys.aux(record) - 1);
                removed = true;
            }
        }
        if (removed)
        {
            liveSlices--;
            releaseIfEmpty(record);
        }
        return removed;
    }

    /**
     * Frees the key's ring slices before {@code endSlice} at once, for windows without lateness where a
     * fired window's oldest slices can never be read again; overflow slices keep their own cleanup timers.
     */
    void freeRingSlicesBefore(final int record, final long endSlice)
    {
        final UnsafeBuffer buffer = keys.buffer();
        final int fields = keys.valueOffset(record);
        final long base = buffer.getLong(fields + BASE_OFFSET);
        if (endSlice > base)
        {
            final long occupied = buffer.getLong(fields + OCCUPIED_OFFSET);
            final long freed = occupied & cells(base, (int)Math.min(ringSlices, endSlice - base));
            buffer.putLong(fields + OCCUPIED_OFFSET, occupied & ~freed);
            liveSlices -= Long.bitCount(freed);
        }
    }

    /** @return {lowest, highest} slice index the key holds (ring and overflow), or null when it holds none. */
    long[] sliceRange(final int record)
    {
        final UnsafeBuffer buffer = keys.buffer();
        final int fields = keys.valueOffset(record);
        final long base = buffer.getLong(fields + BASE_OFFSET);
        final long occupied = buffer.getLong(fields + OCCUPIED_OFFSET);
        final long[] range = {Long.MAX_VALUE, Long.MIN_VALUE};
        for (long slice = base; slice < base + ringSlices; slice++)
        {
            if ((occupied & (1L << ((int)slice & ringMask))) != 0)
            {
                range[0] = Math.min(range[0], slice);
                range[1] = Math.max(range[1], slice);
            }
        }
        if (keys.aux(record) != 0)
        {
            final long keyId = keys.key1(record);
            final int keyTag = keys.tag(record);
            overflow.forEach(entry ->
            {
                if (overflow.key1(entry) == keyId && overflow.tag(entry) == keyTag)
                {
                    range[0] = Math.min(range[0], overflow.key2(entry));
                    range[1] = Math.max(range[1], overflow.key2(entry));
                }
            });
        }
        return range[0] == Long.MAX_VALUE ? null : range;
    }

    long chainNextEnd(final int record)
    {
        return keys.buffer().getLong(keys.valueOffset(record) + CHAIN_NEXT_END_OFFSET);
    }

    void chainNextEnd(final int record, final long windowEnd)
    {
        keys.buffer().putLong(keys.valueOffset(record) + CHAIN_NEXT_END_OFFSET, windowEnd);
    }

    long maxSliceStart(final int record)
    {
        return keys.buffer().getLong(keys.valueOffset(record) + MAX_SLICE_START_OFFSET);
    }

    void maxSliceStart(final int record, final long sliceStart)
    {
        keys.buffer().putLong(keys.valueOffset(record) + MAX_SLICE_START_OFFSET, sliceStart);
    }

    /** Ends the key's chain, and frees the record if it holds no slice either. */
    void endChain(final int record)
    {
        chainNextEnd(record, NO_CHAIN);
        maxSliceStart(record, Long.MIN_VALUE);
        releaseIfEmpty(record);
    }

    int liveSlices()
    {
        return liveSlices;
    }

    void shrinkIfSparse()
    {
        keys.shrinkIfSparse();
        overflow.shrinkIfSparse();
    }

    void saveTo(final StateWriter out)
    {
        out.section(0x511CE500).putInt(liveSlices);
        keys.saveTo(out);
        overflow.saveTo(out);
    }

    void restoreFrom(final StateReader in)
    {
        in.expectSection(0x511CE500, "a sliding window's slice store");
        liveSlices = in.getInt();
        keys.restoreFrom(in);
        overflow.restoreFrom(in);
    }

    public void close()
    {
        keys.close();
        overflow.close();
    }

    private boolean covers(final long base, final long slice)
    {
        final long distance = slice - base;
        return distance >= 0 && distance < ringSlices;
    }

    /** Moves the ring so that it covers the slice, if every cell that would leave its range is empty. */
    private boolean moveRingOver(final UnsafeBuffer buffer, final int fields, final long occupied, final long slice)
    {
        final long base = buffer.getLong(fields + BASE_OFFSET);
        final long newBase = slice > base ? slice - ringMask : slice;
        final long moved = Math.abs(newBase - base);
        if (occupied != 0)
        {
            if (moved >= ringSlices)
            {
                return false;
            }
            // Moving up uncovers [base, newBase); moving down uncovers [newBase + R, base + R).
            final long firstUncovered = newBase > base ? base : newBase + ringSlices;
            if ((occupied & cells(firstUncovered, (int)moved)) != 0)
            {
                return false;
            }
        }
        buffer.putLong(fields + BASE_OFFSET, newBase);
        return true;
    }

    /** The bits of {@code count <= R} consecutive slices starting at {@code firstSlice}, wrapping round the ring. */
    private long cells(final long firstSlice, final int count)
    {
        if (count >= ringSlices)
        {
            return allCells;
        }
        final long ones = (1L << count) - 1;
        final int first = (int)firstSlice & ringMask;
        final long wrapped = first == 0 ? 0 : ones >>> (ringSlices - first);
        return ((ones << first) | wrapped) & allCells;
    }

    /** @return true if the slice was created. */
    private int addToOverflow(final int keyTag, final long keyId, final long slice, final long value)
    {
        final int entry = overflow.find(keyId, slice, keyTag);
        if (entry != OffHeapTable.NOT_FOUND)
        {
            layout.add(overflow.buffer(), overflow.valueOffset(entry), value);
            return ADDED;
        }
        final int created = overflow.insert(keyId, slice, keyTag);
        layout.first(overflow.buffer(), overflow.valueOffset(created), value);
        keys.aux(lastRecord, keys.aux(lastRecord) + 1);
        liveSlices++;
        return CREATED_IN_OVERFLOW;
    }

    private void releaseIfEmpty(final int record)
    {
        final int fields = keys.valueOffset(record);
        final UnsafeBuffer buffer = keys.buffer();
        if (buffer.getLong(fields + OCCUPIED_OFFSET) == 0 && keys.aux(record) == 0 &&
            buffer.getLong(fields + CHAIN_NEXT_END_OFFSET) == NO_CHAIN)
        {
            keys.removeAt(record);
        }
    }
}
