package io.sluice.window;

import io.sluice.state.OffHeapTable;
import io.sluice.state.RecordArena;
import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The closed slices of a sliding window, for every key: one column of accumulator cells per slice
 * index, one cell per key record, over a ring of slice indexes that all keys share.
 *
 * <pre>
 *   key index (OffHeapTable, 24-byte slots)      records (RecordArena)
 *   +-------+---+-----+---------+                header, per record: key id | running total's end | count
 *   | keyId | 0 | tag | record# |         ───►     | sum | min | max | key tag (0 once freed) | ring cells | overflow slices
 *                                                  | slices holding the min | slices holding the max
 *   +-------+---+-----+---------+                column c: the cell of slice s, s mod R = c, for every record
 *
 *   ring: slice indexes [low, low + R), one column each; every other slice goes to the overflow table,
 *   keyed by (key, slice), and stays there for its whole life
 * </pre>
 *
 * Time moves forward together for all keys, so one ring serves them all: the slices a firing reads
 * and the slice a hand-over writes are a column each, a cell per key side by side, and a cell's place
 * follows from the record number and the slice index alone, with nothing to read first. A firing walks
 * the records in number order and so reads each column forward. A cell with count 0 is free (every
 * accumulator counts, and a live slice holds at least one element). The ring's low end only moves up,
 * over columns the operator has emptied ({@link #moveLowTo}), or anywhere while no ring cell is live.
 *
 * <p>The running total in the header belongs to the operator's firing walk ({@link SlidingWindowOperator}):
 * the built-in aggregates of the slices the next window shares with the one fired, valid only for the
 * window end it names. Methods taking a {@code record} take the number {@link #record} or
 * {@link #recordOrCreate} gave, valid until the record is freed.
 */
final class SliceColumns implements AutoCloseable
{
    static final int NO_RECORD = -1;
    static final int MAX_RING_SLICES = 256;
    /** No window: a running total naming it is never valid. */
    static final long NO_END = Long.MIN_VALUE;
    // A new section number for each change of the layout, so that an older checkpoint is refused.
    private static final int SECTION = 0x511C0C01;

    private static final int KEY_ID = 0;
    private static final int RUN_END = 8;
    private static final int RUN_COUNT = 16;
    private static final int RUN_SUM = 24;
    private static final int RUN_MIN = 32;
    private static final int RUN_MAX = 40;
    private static final int KEY_TAG = 48;
    private static final int RING_CELLS = 52;
    private static final int OVERFLOW_SLICES = 56;
    /** How many of the running total's slices hold its minimum, and its maximum (shorts: at most the ring's 256). */
    private static final int RUN_MIN_HOLDERS = 60;
    private static final int RUN_MAX_HOLDERS = 62;
    private static final int HEADER_BYTES = 64;
    /** Below this many record numbers a walk of the freed ones costs too little to renumber. */
    static final int MIN_RECORDS_TO_COMPACT = 1024;

    private final AccumulatorLayout layout;
    private final int ringSlices;
    private final int ringMask;
    private final OffHeapTable keys;
    private final RecordArena records;
    private final OffHeapTable overflow;
    /** Live cells per ring column: how a firing or a cleanup knows a column is empty without reading it. */
    private final int[] columnCells;
    private long low;
    /** Live ring cells in all: the sum of {@link #columnCells}, kept so that a hand-over need not add them up. */
    private int ringCells;
    // The cell the last findLive or locate found or made, in the buffer it returned; count 0 when just made.
    private int located;
    private final OffHeapTable.EntryVisitor dropOverflowSlice = this::dropOverflowSlice;

    /**
     * @param ringSlices columns: a power of two up to {@link #MAX_RING_SLICES}, ideally covering every
     *                   slice live at once (a window's, those kept for lateness, a little disorder).
     */
    SliceColumns(final AccumulatorLayout layout, final int ringSlices, final int expectedKeys)
    {
        if (!BitUtil.isPowerOfTwo(ringSlices) || ringSlices > MAX_RING_SLICES)
        {
            throw new IllegalArgumentException("ringSlices must be a power of two <= " + MAX_RING_SLICES + ": " + ringSlices);
        }
        this.layout = layout;
        this.ringSlices = ringSlices;
        this.ringMask = ringSlices - 1;
        this.columnCells = new int[ringSlices];
        // Fuller than the default: the index is read once per key and slice, and 16K slots for 10K keys stay
        // in L2 where 32K would not. Its entries hold the key and, as aux, the record number: nothing else.
        this.keys = new OffHeapTable(0, expectedKeys, 80);
        this.records = new RecordArena(HEADER_BYTES, ringSlices, layout.bytes(), expectedKeys);
        this.overflow = new OffHeapTable(layout.bytes(), 16);
    }

    /** The ring size that covers {@code liveSlices} slices plus a little disorder, within the cap. */
    static int ringSlicesFor(final long liveSlices)
    {
        return liveSlices + 2 >= MAX_RING_SLICES ? MAX_RING_SLICES : BitUtil.findNextPositivePowerOfTwo((int)liveSlices + 2);
    }

    int ringSlices()
    {
        return ringSlices;
    }

    long low()
    {
        return low;
    }

    boolean inRing(final long slice)
    {
        final long distance = slice - low;
        return distance >= 0 && distance < ringSlices;
    }

    int liveRingCells()
    {
        return ringCells;
    }

    int overflowSlices()
    {
        return overflow.size();
    }

    /** Moves the ring while no ring cell is live: how the first slice, or the first after a quiet spell, places it. */
    void placeRing(final long newLow)
    {
        if (ringCells != 0)
        {
            throw new IllegalStateException("the ring moves only while empty, or up over emptied columns");
        }
        low = newLow;
    }

    /**
     * Moves the ring's low end up to {@code newLow}; the columns it uncovers must be empty already (the
     * operator clears each slice before the ring passes it).
     */
    void moveLowTo(final long newLow)
    {
        if (newLow <= low)
        {
            return;
        }
        for (long slice = low, end = Math.min(newLow, low + ringSlices); slice < end; slice++)
        {
            if (columnCells[(int)slice & ringMask] != 0)
            {
                throw new IllegalStateException("slice " + slice + " still holds " + columnCells[(int)slice & ringMask] +
                    " cells as the ring moves past it");
            }
        }
        low = newLow;
    }

    /** The lowest slice at or above {@code from} that any key holds, or Long.MAX_VALUE if none. */
    long lowestSliceFrom(final long from)
    {
        long lowest = Long.MAX_VALUE;
        for (long slice = Math.max(from, low), end = low + ringSlices; slice < end; slice++)
        {
            if (columnCells[(int)slice & ringMask] != 0)
            {
                lowest = slice;
                break;
            }
        }
        if (overflow.size() != 0)
        {
            final long[] min = {lowest};
            overflow.forEach(entry ->
            {
                final long slice = overflow.key2(entry);
                if (slice >= from && slice < min[0])
                {
                    min[0] = slice;
                }
            });
            lowest = min[0];
        }
        return lowest;
    }

    /** Whether any key holds a slice in [from, until). */
    boolean holdsAnyIn(final long from, final long until)
    {
        for (long slice = Math.max(from, low), end = Math.min(until, low + ringSlices); slice < end; slice++)
        {
            if (columnCells[(int)slice & ringMask] != 0)
            {
                return true;
            }
        }
        return overflow.size() != 0 && lowestSliceFrom(from) < until;
    }

    /** @return the key's record, or {@link #NO_RECORD}. */
    int record(final int keyTag, final long keyId)
    {
        final int entry = keys.find(keyId, 0, keyTag);
        return entry == OffHeapTable.NOT_FOUND ? NO_RECORD : keys.aux(entry);
    }

    int recordOrCreate(final int keyTag, final long keyId)
    {
        final int entry = keys.find(keyId, 0, keyTag);
        if (entry != OffHeapTable.NOT_FOUND)
        {
            return keys.aux(entry);
        }
        final int record = records.allocateRecord();
        keys.aux(keys.insert(keyId, 0, keyTag), record);
        final UnsafeBuffer cells = records.buffer();
        final int header = records.offset(record);
        cells.putLong(header + KEY_ID, keyId);
        cells.putInt(header + KEY_TAG, keyTag);
        cells.putLong(header + RUN_END, NO_END);
        return record;
    }

    /** How many record numbers a walk of the records reads: every number handed out so far, freed ones included. */
    int recordLimit()
    {
        return records.recordLimit();
    }

    /** The record's key tag, 0 if the number is free. */
    int keyTag(final int record)
    {
        return records.buffer().getInt(records.offset(record) + KEY_TAG);
    }

    long keyId(final int record)
    {
        return records.buffer().getLong(records.offset(record) + KEY_ID);
    }

    boolean hasOverflow(final int record)
    {
        return records.buffer().getInt(records.offset(record) + OVERFLOW_SLICES) != 0;
    }

    /** Adds a value to the key's slice, creating it (and the cell) as needed. */
    void add(final int record, final long slice, final long value)
    {
        final UnsafeBuffer buffer = locate(record, slice);
        final int offset = located;
        if (buffer.getLong(offset + AccumulatorLayout.COUNT_OFFSET) == 0)
        {
            layout.first(buffer, offset, value);
        }
        else
        {
            layout.add(buffer, offset, value);
        }
    }

    /** Merges a whole slice accumulator into the key's slice, creating it as needed: a hand-over from {@link OpenSlices}. */
    void merge(final int record, final long slice, final DirectBuffer source, final int sourceOffset)
    {
        final UnsafeBuffer buffer = locate(record, slice);
        final int offset = located;
        if (buffer.getLong(offset + AccumulatorLayout.COUNT_OFFSET) == 0)
        {
            buffer.putBytes(offset, source, sourceOffset, layout.bytes());
        }
        else
        {
            layout.merge(buffer, offset, source, sourceOffset);
        }
    }

    /** Finds or makes the key's cell for the slice: in the ring if it covers it and the slice is not already in overflow. */
    private UnsafeBuffer locate(final int record, final long slice)
    {
        final UnsafeBuffer live = findLive(record, slice);
        if (live != null)
        {
            return live;
        }
        final UnsafeBuffer cells = records.buffer();
        final int header = records.offset(record);
        if (inRing(slice))
        {
            cells.putInt(header + RING_CELLS, cells.getInt(header + RING_CELLS) + 1);
            columnCells[(int)slice & ringMask]++;
            ringCells++;
            located = records.cellOffset(record, (int)slice & ringMask);
            return cells; // count 0: the caller fills it
        }
        final int created = overflow.insert(cells.getLong(header + KEY_ID), slice, cells.getInt(header + KEY_TAG));
        overflow.buffer().putLong(overflow.valueOffset(created) + AccumulatorLayout.COUNT_OFFSET, 0);
        cells.putInt(header + OVERFLOW_SLICES, cells.getInt(header + OVERFLOW_SLICES) + 1);
        located = overflow.valueOffset(created);
        return overflow.buffer();
    }

    /**
     * The key's live cell for the slice, in the ring or, for a slice that started outside it, in the
     * overflow table: the buffer, with the offset in {@link #located}; null if the key holds no such slice.
     */
    private UnsafeBuffer findLive(final int record, final long slice)
    {
        if (inRing(slice))
        {
            final int cell = records.cellOffset(record, (int)slice & ringMask);
            if (records.buffer().getLong(cell + AccumulatorLayout.COUNT_OFFSET) != 0)
            {
                located = cell;
                return records.buffer();
            }
        }
        final int found = overflowEntry(record, slice);
        if (found == OffHeapTable.NOT_FOUND)
        {
            return null;
        }
        located = overflow.valueOffset(found);
        return overflow.buffer();
    }

    /** Merges the key's slices [from, until) into the target. @return whether it holds any of them. */
    boolean mergeInto(final int record, final long from, final long until, final MutableDirectBuffer target, final int targetOffset)
    {
        boolean any = false;
        for (long slice = from; slice < until; slice++)
        {
            final UnsafeBuffer source = findLive(record, slice);
            if (source != null)
            {
                layout.merge(target, targetOffset, source, located);
                any = true;
            }
        }
        return any;
    }

    // The built-in totals of one key's window as a firing sums them (from the running total, addToTotals), in fields
    // so that the cells' loads are independent of one another rather than chained through a buffer's stores.
    private long totalCount;
    private long totalSum;
    private long totalMin;
    private long totalMax;
    // How many of the slices summed hold the minimum, and the maximum: a slice taken out that holds one
    // leaves it known while another slice holds it too, which ties in the values make common.
    private int minHolders;
    private int maxHolders;

    void clearTotals()
    {
        totalCount = 0;
        totalSum = 0;
        totalMin = Long.MAX_VALUE;
        totalMax = Long.MIN_VALUE;
        minHolders = 0;
        maxHolders = 0;
    }

    /** Adds the built-in blocks of the key's slices [from, until), ring or overflow, to the totals. */
    void addToTotals(final int record, final long from, final long until)
    {
        for (long slice = from; slice < until; slice++)
        {
            final UnsafeBuffer source = findLive(record, slice);
            if (source == null)
            {
                continue;
            }
            final int offset = located;
            totalCount += source.getLong(offset + AccumulatorLayout.COUNT_OFFSET);
            totalSum += source.getLong(offset + AccumulatorLayout.SUM_OFFSET);
            final long min = source.getLong(offset + AccumulatorLayout.MIN_OFFSET);
            if (min <= totalMin)
            {
                minHolders = min == totalMin ? minHolders + 1 : 1;
                totalMin = min;
            }
            final long max = source.getLong(offset + AccumulatorLayout.MAX_OFFSET);
            if (max >= totalMax)
            {
                maxHolders = max == totalMax ? maxHolders + 1 : 1;
                totalMax = max;
            }
        }
    }

    /**
     * Takes the key's ring slices [from, until) out of the totals and frees them: count and sum exactly (long
     * arithmetic wraps both ways alike), a minimum or maximum only while another slice holds it too.
     *
     * @return false if a freed slice held the totals' last copy of the minimum or maximum, which the totals then no longer know.
     */
    boolean takeOutAndClear(final int record, final long from, final long until)
    {
        final UnsafeBuffer cells = records.buffer();
        boolean exact = true;
        for (long slice = Math.max(from, low), end = Math.min(until, low + ringSlices); slice < end; slice++)
        {
            final int cell = records.cellOffset(record, (int)slice & ringMask);
            final long count = cells.getLong(cell + AccumulatorLayout.COUNT_OFFSET);
            if (count != 0)
            {
                totalCount -= count;
                totalSum -= cells.getLong(cell + AccumulatorLayout.SUM_OFFSET);
                if (cells.getLong(cell + AccumulatorLayout.MIN_OFFSET) == totalMin)
                {
                    exact &= --minHolders > 0;
                }
                if (cells.getLong(cell + AccumulatorLayout.MAX_OFFSET) == totalMax)
                {
                    exact &= --maxHolders > 0;
                }
                clearLiveRingCell(record, slice, cell);
            }
        }
        if (totalCount == 0)
        {
            clearTotals();
        }
        return exact;
    }

    /** Keeps the totals as the key's running total for the window ending at {@code forEnd}. */
    void keepTotalsAsRunning(final int record, final long forEnd)
    {
        final UnsafeBuffer cells = records.buffer();
        final int header = records.offset(record);
        cells.putLong(header + RUN_END, forEnd);
        cells.putLong(header + RUN_COUNT, totalCount);
        cells.putLong(header + RUN_SUM, totalSum);
        cells.putLong(header + RUN_MIN, totalMin);
        cells.putLong(header + RUN_MAX, totalMax);
        cells.putShort(header + RUN_MIN_HOLDERS, (short)minHolders);
        cells.putShort(header + RUN_MAX_HOLDERS, (short)maxHolders);
    }

    /** A key's window, as a firing walk of the built-in aggregates sums it. */
    interface WindowTotals
    {
        void window(int keyTag, long keyId, long count, long sum, long min, long max);
    }

    /**
     * Fires one window end of the built-in aggregates without lateness, for every key, in record number
     * order (without lateness the slices before {@code deadUntil}, the next window's first, are dead): each key's window [first, until) from its running total if that is for this end (plus the
     * slices from {@code newestFrom}), else summed afresh; then the slices before {@code deadUntil} taken
     * back out and freed, and what is left kept as the running total for {@code nextEnd}, unless a slice
     * taken out held the minimum or maximum (which cannot be taken back out) or the key has overflow
     * slices. One loop over the headers and the columns it needs, read forward: the firing's whole cost.
     *
     * @return whether a record was freed.
     */
    boolean fireWithRunningTotals(
        final long windowEnd, final long nextEnd, final long first, final long until, final long newestFrom,
        final long deadUntil, final WindowTotals sink)
    {
        final RecordArena records = this.records;
        final UnsafeBuffer cells = records.buffer(); // the same buffer throughout: a walk makes no record
        // Slices of a gap between windows (slide > size) are never made, so none lies in [until, deadUntil).
        final long takeOutUntil = Math.min(deadUntil, until);
        final boolean keepsRunning = deadUntil < until;
        boolean freed = false;
        for (int record = 0, limit = records.recordLimit(); record < limit; record++)
        {
            final int header = records.offset(record);
            final int keyTag = cells.getInt(header + KEY_TAG);
            if (keyTag == 0)
            {
                continue;
            }
            final boolean overflowed = cells.getInt(header + OVERFLOW_SLICES) != 0;
            // A key without overflow slices holds nothing outside the ring, wherever the window lies.
            if (!overflowed && cells.getLong(header + RUN_END) == windowEnd)
            {
                totalCount = cells.getLong(header + RUN_COUNT);
                totalSum = cells.getLong(header + RUN_SUM);
                totalMin = cells.getLong(header + RUN_MIN);
                totalMax = cells.getLong(header + RUN_MAX);
                minHolders = cells.getShort(header + RUN_MIN_HOLDERS);
                maxHolders = cells.getShort(header + RUN_MAX_HOLDERS);
                addToTotals(record, newestFrom, until);
            }
            else
            {
                clearTotals();
                addToTotals(record, first, until);
            }
            if (totalCount != 0)
            {
                sink.window(keyTag, cells.getLong(header + KEY_ID), totalCount, totalSum, totalMin, totalMax);
            }
            final boolean exact = takeOutAndClear(record, first, takeOutUntil);
            if (keepsRunning && exact && !overflowed)
            {
                keepTotalsAsRunning(record, nextEnd);
            }
            else
            {
                cells.putLong(header + RUN_END, NO_END);
            }
            freed |= releaseIfEmpty(record);
        }
        return freed;
    }

    /** A slice the running total may include has changed: the next firing merges afresh. */
    void forgetRunning(final int record)
    {
        records.buffer().putLong(records.offset(record) + RUN_END, NO_END);
    }

    /**
     * Frees the key's ring cells of slices [from, until) (those the ring covers). The caller frees the
     * record once it holds nothing ({@link #releaseIfEmpty}).
     */
    void clearRing(final int record, final long from, final long until)
    {
        final UnsafeBuffer cells = records.buffer();
        for (long slice = Math.max(from, low), end = Math.min(until, low + ringSlices); slice < end; slice++)
        {
            final int cell = records.cellOffset(record, (int)slice & ringMask);
            if (cells.getLong(cell + AccumulatorLayout.COUNT_OFFSET) != 0)
            {
                clearLiveRingCell(record, slice, cell);
            }
        }
    }

    /**
     * Frees every key's ring cells of slices [from, until), and the records left empty: what a cleanup
     * walk of slices past their lateness does. @return whether a record was freed.
     */
    boolean clearRingOfAll(final long from, final long until)
    {
        boolean freed = false;
        for (int record = 0, limit = records.recordLimit(); record < limit; record++)
        {
            if (keyTag(record) != 0)
            {
                clearRing(record, from, until);
                freed |= releaseIfEmpty(record);
            }
        }
        return freed;
    }

    /** Frees the cell at a ring offset the caller has read as live, for the slice given. */
    void clearLiveRingCell(final int record, final long slice, final int cell)
    {
        final UnsafeBuffer cells = records.buffer();
        cells.putLong(cell + AccumulatorLayout.COUNT_OFFSET, 0);
        columnCells[(int)slice & ringMask]--;
        ringCells--;
        final int at = records.offset(record) + RING_CELLS;
        cells.putInt(at, cells.getInt(at) - 1);
    }

    /** Frees every overflow slice below {@code until}, of every key, freeing records left empty. */
    void clearOverflowBelow(final long until)
    {
        if (overflow.size() != 0)
        {
            overflow.removeAllWithKey2In(Long.MIN_VALUE, until, dropOverflowSlice);
        }
    }

    private void dropOverflowSlice(final int entry)
    {
        final int record = record(overflow.tag(entry), overflow.key1(entry));
        final UnsafeBuffer cells = records.buffer();
        final int at = records.offset(record) + OVERFLOW_SLICES;
        cells.putInt(at, cells.getInt(at) - 1);
        releaseIfEmpty(record);
    }

    /** Frees the record, and the key's index entry, once it holds no slice. @return whether it did. */
    boolean releaseIfEmpty(final int record)
    {
        final UnsafeBuffer cells = records.buffer();
        final int header = records.offset(record);
        if (cells.getInt(header + RING_CELLS) != 0 || cells.getInt(header + OVERFLOW_SLICES) != 0)
        {
            return false;
        }
        keys.removeAt(keys.find(cells.getLong(header + KEY_ID), 0, cells.getInt(header + KEY_TAG)));
        cells.putInt(header + KEY_TAG, 0);
        records.freeRecord(record);
        return true;
    }

    /**
     * Renumbers the records densely, in their order, once at most a quarter of the numbers a firing walk
     * reads are live (and there are enough to matter): a walk of every record then costs what the live
     * keys do, not what the most keys ever live at once did. Only the index holds record numbers.
     *
     * @return whether it did.
     */
    boolean compactIfSparse()
    {
        final int limit = records.recordLimit();
        if (limit < MIN_RECORDS_TO_COMPACT || records.liveRecords() * 4 > limit)
        {
            return false;
        }
        records.compact(record -> keyTag(record) != 0, this::recordMoved);
        return true;
    }

    private void recordMoved(final int from, final int to)
    {
        keys.aux(keys.find(keyId(to), 0, keyTag(to)), to);
    }

    /** @return {lowest, highest} slice the key holds (ring and overflow), or null when none. */
    long[] sliceRange(final int record)
    {
        final UnsafeBuffer cells = records.buffer();
        final long[] range = {Long.MAX_VALUE, Long.MIN_VALUE};
        for (long slice = low; slice < low + ringSlices; slice++)
        {
            if (cells.getLong(records.cellOffset(record, (int)slice & ringMask) + AccumulatorLayout.COUNT_OFFSET) != 0)
            {
                range[0] = Math.min(range[0], slice);
                range[1] = Math.max(range[1], slice);
            }
        }
        if (hasOverflow(record))
        {
            final long keyId = keyId(record);
            final int keyTag = keyTag(record);
            overflow.forEach(found ->
            {
                if (overflow.key1(found) == keyId && overflow.tag(found) == keyTag)
                {
                    range[0] = Math.min(range[0], overflow.key2(found));
                    range[1] = Math.max(range[1], overflow.key2(found));
                }
            });
        }
        return range[0] == Long.MAX_VALUE ? null : range;
    }

    /** Live slices, ring and overflow. */
    int liveSlices()
    {
        return ringCells + overflow.size();
    }

    /** Keys holding a record, counted in the index and in the arena: the two must agree. */
    int liveKeys()
    {
        if (keys.size() != records.liveRecords())
        {
            throw new IllegalStateException(keys.size() + " keys in the index but " + records.liveRecords() + " records");
        }
        return keys.size();
    }

    void shrinkIfSparse()
    {
        keys.shrinkIfSparse();
        overflow.shrinkIfSparse();
    }

    /**
     * The ring's place, the index, the records by number with the arena's free list (so that the index's
     * record numbers, and the order a firing walks, hold after a restore), then the overflow table.
     * The per-column counts follow from the records and are rebuilt.
     */
    void saveTo(final StateWriter out)
    {
        out.section(SECTION).putInt(ringSlices).putInt(layout.bytes()).putLong(low);
        keys.saveTo(out);
        records.saveTo(out);
        overflow.saveTo(out);
    }

    void restoreFrom(final StateReader in)
    {
        in.expectSection(SECTION, "a sliding window's slice columns");
        in.expectInt(ringSlices, "the ring of slices");
        in.expectInt(layout.bytes(), "the slice cell size (aggregates)");
        low = in.getLong();
        keys.restoreFrom(in);
        records.restoreFrom(in);
        overflow.restoreFrom(in);
        java.util.Arrays.fill(columnCells, 0);
        ringCells = 0;
        final UnsafeBuffer cells = records.buffer();
        for (int record = 0, limit = records.recordLimit(); record < limit; record++)
        {
            if (keyTag(record) == 0)
            {
                continue;
            }
            int live = 0;
            for (int column = 0; column < ringSlices; column++)
            {
                if (cells.getLong(records.cellOffset(record, column) + AccumulatorLayout.COUNT_OFFSET) != 0)
                {
                    columnCells[column]++;
                    live++;
                }
            }
            if (live != cells.getInt(records.offset(record) + RING_CELLS))
            {
                throw new IllegalStateException("checkpoint's record " + record + " counts " +
                    cells.getInt(records.offset(record) + RING_CELLS) + " ring cells but holds " + live);
            }
            ringCells += live;
        }
    }

    public void close()
    {
        keys.close();
        records.close();
        overflow.close();
    }

    /** @return the slice's entry in the overflow table, or {@link OffHeapTable#NOT_FOUND}. */
    private int overflowEntry(final int record, final long slice)
    {
        final UnsafeBuffer cells = records.buffer();
        final int header = records.offset(record);
        if (cells.getInt(header + OVERFLOW_SLICES) == 0)
        {
            return OffHeapTable.NOT_FOUND; // the key has none there: no lookup
        }
        return overflow.find(cells.getLong(header + KEY_ID), slice, cells.getInt(header + KEY_TAG));
    }
}
