package io.sluice.window;

import io.sluice.state.OffHeapTable;
import io.sluice.state.RecordArena;
import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * The closed slices of a sliding window, for every key: one column of accumulator cells per slice
 * index, one cell per key record, over a ring of slice indexes that all keys share.
 *
 * <pre>
 *   key index (OffHeapTable, 24-byte slots)      records (RecordArena)
 *   +-------+---+-----+---------+                header, per record: key id | running total's end | count
 *   | keyId | 0 | tag | record# |         ───►     | sum | front's min | front's max | key tag (0 once freed)
 *                                                  | back slices
 *   +-------+---+-----+---------+                column c: the cell of slice s, s mod R = c, for every record
 *                                                per record, in two int arrays: live ring cells, overflow slices
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
 * <p>The running total in the header belongs to the operator's firing walk ({@link #fireWithRunningTotals}):
 * the built-in aggregates of the slices the next window shares with the one fired, valid only for the
 * window end it names; the minimum and maximum of its older slices live in their cells. Methods taking
 * a {@code record} take the number {@link #record} or {@link #recordOrCreate} gave, valid until the
 * record is freed.
 */
final class SliceColumns implements AutoCloseable
{
    static final int NO_RECORD = -1;
    static final int MAX_RING_SLICES = 256;
    /** No window: a running total naming it is never valid. */
    static final long NO_END = Long.MIN_VALUE;
    // A new section number for each change of the layout, so that an older checkpoint is refused.
    private static final int SECTION = 0x511C0C03;

    private static final int KEY_ID = 0;
    private static final int RUN_END = 8;
    private static final int RUN_COUNT = 16;
    private static final int RUN_SUM = 24;
    /** The minimum and maximum of the running total's front: its slices after the back ones. */
    private static final int FRONT_MIN = 32;
    private static final int FRONT_MAX = 40;
    private static final int KEY_TAG = 48;
    /** How many of the running total's slices, from its first, are back slices (see fireWithRunningTotals). */
    private static final int BACK_SLICES = 52;
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
    // Each record's live ring cells and overflow slices, by record number: out of the header so that handing a
    // slice over (a cell per key, in no order of record) touches the key's cell and a small array, not its
    // header's line as well. Freed records hold 0 in both.
    private int[] ringCellsOf;
    private int[] overflowSlicesOf;
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
        this.ringCellsOf = new int[Math.max(16, expectedKeys)];
        this.overflowSlicesOf = new int[ringCellsOf.length];
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
        // A walk by slot, not forEach with a lambda: that would capture, and allocate, at every watermark.
        for (int slot = overflow.nextOccupiedSlot(0); slot != OffHeapTable.NOT_FOUND; slot = overflow.nextOccupiedSlot(slot + 1))
        {
            final long slice = overflow.key2(overflow.entryAt(slot));
            if (slice >= from && slice < lowest)
            {
                lowest = slice;
            }
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

    /** Whether the number is a live record of this key: how a record number remembered elsewhere is checked. */
    boolean isRecordOf(final int record, final int keyTag, final long keyId)
    {
        if (record < 0 || record >= records.recordLimit())
        {
            return false;
        }
        final long header = records.buffer().addressOffset() + records.offset(record);
        return UnsafeApi.getInt(header + KEY_TAG) == keyTag && UnsafeApi.getLong(header + KEY_ID) == keyId;
    }

    int recordOrCreate(final int keyTag, final long keyId)
    {
        return recordOrCreate(keyTag, keyId, NO_RECORD);
    }

    /**
     * @param hint the key's record as remembered elsewhere (the open slices keep it from one slice to the
     *             next), or {@link #NO_RECORD}: taken if it still is the key's, which skips the key's lookup.
     */
    int recordOrCreate(final int keyTag, final long keyId, final int hint)
    {
        if (isRecordOf(hint, keyTag, keyId))
        {
            return hint;
        }
        final int entry = keys.find(keyId, 0, keyTag);
        if (entry != OffHeapTable.NOT_FOUND)
        {
            return keys.aux(entry);
        }
        final int record = records.allocateRecord();
        if (record == ringCellsOf.length)
        {
            // A new high of records, as the arena grows: not in a steady state.
            ringCellsOf = Arrays.copyOf(ringCellsOf, record * 2);
            overflowSlicesOf = Arrays.copyOf(overflowSlicesOf, record * 2);
        }
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
        return overflowSlicesOf[record] != 0;
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
        if (inRing(slice) && overflowSlicesOf[record] == 0 && source.byteArray() == null)
        {
            // The common case, a slice of a key holding nothing outside the ring, at raw addresses: through the
            // buffers' accessors each load would re-read their fields, which a store to either may alias.
            final int column = (int)slice & ringMask;
            final long cell = records.buffer().addressOffset() + records.cellOffset(record, column);
            if (UnsafeApi.getLong(cell + AccumulatorLayout.COUNT_OFFSET) == 0)
            {
                final long from = source.addressOffset() + sourceOffset;
                for (int i = 0, bytes = layout.bytes(); i < bytes; i += 8)
                {
                    UnsafeApi.putLong(cell + i, UnsafeApi.getLong(from + i));
                }
                countNewRingCell(record, column);
                return;
            }
        }
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
            countNewRingCell(record, (int)slice & ringMask);
            located = records.cellOffset(record, (int)slice & ringMask);
            return cells; // count 0: the caller fills it
        }
        final int created = overflow.insert(cells.getLong(header + KEY_ID), slice, cells.getInt(header + KEY_TAG));
        overflow.buffer().putLong(overflow.valueOffset(created) + AccumulatorLayout.COUNT_OFFSET, 0);
        overflowSlicesOf[record]++;
        located = overflow.valueOffset(created);
        return overflow.buffer();
    }

    /** Counts a ring cell the caller is filling as live: in the key's, the column's and the ring's counts. */
    private void countNewRingCell(final int record, final int column)
    {
        ringCellsOf[record]++;
        columnCells[column]++;
        ringCells++;
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

    // The built-in totals of one key's window as a firing sums them, in fields so that the cells' loads are
    // independent of one another rather than chained through a buffer's stores.
    private long totalCount;
    private long totalSum;
    private long totalMin;
    private long totalMax;

    private void clearTotals()
    {
        totalCount = 0;
        totalSum = 0;
        totalMin = Long.MAX_VALUE;
        totalMax = Long.MIN_VALUE;
    }

    /** Adds the built-in blocks of the key's live slices [from, until), ring or overflow, to the totals. */
    private void addToTotals(final int record, final long from, final long until)
    {
        for (long slice = from; slice < until; slice++)
        {
            final UnsafeBuffer source = findLive(record, slice);
            if (source != null)
            {
                addCellToTotals(source, located);
            }
        }
    }

    private void addCellToTotals(final DirectBuffer source, final int offset)
    {
        totalCount += source.getLong(offset + AccumulatorLayout.COUNT_OFFSET);
        totalSum += source.getLong(offset + AccumulatorLayout.SUM_OFFSET);
        totalMin = Math.min(totalMin, source.getLong(offset + AccumulatorLayout.MIN_OFFSET));
        totalMax = Math.max(totalMax, source.getLong(offset + AccumulatorLayout.MAX_OFFSET));
    }

    /** Takes the count and sum of the key's ring slices [from, until) out of the totals and frees them. */
    private void takeOutAndClear(final int record, final long from, final long until)
    {
        // At raw addresses, as makeBack: the firing walk runs this for every key, with its totals in the fields.
        final RecordArena records = this.records;
        final long columns = records.buffer().addressOffset() + records.cellOffset(record, 0);
        final long columnBytes = records.columnBytes();
        for (long slice = Math.max(from, low), end = Math.min(until, low + ringSlices); slice < end; slice++)
        {
            final int column = (int)slice & ringMask;
            final long cell = columns + column * columnBytes;
            final long count = UnsafeApi.getLong(cell + AccumulatorLayout.COUNT_OFFSET);
            if (count != 0)
            {
                totalCount -= count; // long arithmetic wraps both ways alike: exact whatever the sums
                totalSum -= UnsafeApi.getLong(cell + AccumulatorLayout.SUM_OFFSET);
                clearLiveRingCell(record, column, cell);
            }
        }
    }

    /**
     * Makes the key's ring slices [from, until) the back of its running total: each cell's minimum and maximum
     * become those of its slice and every later one in the range, in one pass from the newest down. Free
     * cells get them too, since the back's first may be one. Merging a later window's cells stays exact:
     * a back cell's extremes are those of slices all within any window that contains the cell.
     */
    private void makeBack(final int record, final long from, final long until)
    {
        // At raw addresses, with the arena's layout in locals: through the buffer, each store would make the JIT
        // reload the fields the next address is made of.
        final RecordArena records = this.records;
        final long columns = records.buffer().addressOffset() + records.cellOffset(record, 0);
        final long columnBytes = records.columnBytes();
        final int ringMask = this.ringMask;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long slice = until - 1; slice >= from; slice--)
        {
            final long cell = columns + ((int)slice & ringMask) * columnBytes;
            if (UnsafeApi.getLong(cell + AccumulatorLayout.COUNT_OFFSET) != 0)
            {
                min = Math.min(min, UnsafeApi.getLong(cell + AccumulatorLayout.MIN_OFFSET));
                max = Math.max(max, UnsafeApi.getLong(cell + AccumulatorLayout.MAX_OFFSET));
            }
            UnsafeApi.putLong(cell + AccumulatorLayout.MIN_OFFSET, min);
            UnsafeApi.putLong(cell + AccumulatorLayout.MAX_OFFSET, max);
        }
    }

    /** A key's window, as a firing walk of the built-in aggregates sums it. */
    interface WindowTotals
    {
        void window(int keyTag, long keyId, long count, long sum, long min, long max);
    }

    /**
     * Fires one window end of the built-in aggregates without lateness, for every key, in record number
     * order: each key's window [first, until) summed, emitted, its slices before {@code deadUntil} (the next
     * window's first) freed, and the rest kept as the key's running total for {@code nextEnd}. One loop over
     * the headers and the columns it needs, read forward: the firing's whole cost.
     *
     * <p>The running total sums a slide's newest slices into what the last firing kept, and takes the oldest
     * back out: exactly, for count and sum. For the minimum and maximum it keeps two stacks, as sliding-window
     * aggregation does: the older slices, the back, carry in their own cells the extremes of themselves and
     * every back slice after them ({@link #makeBack}); the newer ones, the front, are summed into
     * {@code FRONT_MIN}/{@code FRONT_MAX} as they join. A window's extremes are its first cell's and the
     * front's, and a slice leaving from the back takes nothing with it. When the back holds less than a
     * slide, the slices the next window keeps become the new back. So a slice is read about twice in its
     * life, however long the window, and ties need no counting.
     *
     * <p>A key's running total is used only for the end it names, without overflow slices, and while the
     * ring covers the window; otherwise the window is summed afresh and a new back made. Windows shorter
     * than two slides keep none (the back would not outlast a slide).
     *
     * @return whether a record was freed.
     */
    boolean fireWithRunningTotals(
        final long windowEnd, final long nextEnd, final long first, final long until, final long deadUntil,
        final WindowTotals sink)
    {
        final RecordArena records = this.records;
        final UnsafeBuffer cells = records.buffer(); // the same buffer throughout: a walk makes no record
        final long slide = deadUntil - first;
        final boolean keepsRunning = slide > 0 && 2 * slide <= until - first && inRing(first) && inRing(until - 1);
        final long newestFrom = until - slide;
        // Slices of a gap between windows (slide > size) are never made, so none lies in [until, deadUntil).
        final long takeOutUntil = Math.min(deadUntil, until);
        // The running path reads and writes at raw addresses, with the layout in locals: a store through the
        // buffer's accessors may alias any field as far as the JIT knows, so each load would re-read the buffer's
        // and the arena's fields, and the totals would go through memory, key after key.
        final long base = cells.addressOffset();
        final long headerStride = records.strideBytes();
        final long columns = base + records.cellOffset(0, 0);
        final long columnBytes = records.columnBytes();
        final long cellBytes = records.cellBytes();
        final int ringMask = this.ringMask;
        final int[] overflowSlicesOf = this.overflowSlicesOf;
        final long firstColumn = columns + ((int)first & ringMask) * columnBytes;
        boolean freed = false;
        for (int record = 0, limit = records.recordLimit(); record < limit; record++)
        {
            final long header = base + record * headerStride;
            final int keyTag = UnsafeApi.getInt(header + KEY_TAG);
            if (keyTag == 0)
            {
                continue;
            }
            // A key without overflow slices holds nothing outside the ring, wherever the window lies.
            if (!keepsRunning || overflowSlicesOf[record] != 0 || UnsafeApi.getLong(header + RUN_END) != windowEnd)
            {
                freed |= fireAfresh(record, keyTag, nextEnd, first, until, deadUntil, takeOutUntil, keepsRunning, sink);
                continue;
            }
            final long recordCells = record * cellBytes;
            long count = UnsafeApi.getLong(header + RUN_COUNT);
            long sum = UnsafeApi.getLong(header + RUN_SUM);
            long frontMin = UnsafeApi.getLong(header + FRONT_MIN);
            long frontMax = UnsafeApi.getLong(header + FRONT_MAX);
            // Straight from the ring, not through findLive: a key on this path holds no overflow slice, and
            // the overflow check findLive makes for each empty cell cost about 1 ns per event (FiringShare).
            for (long slice = newestFrom; slice < until; slice++)
            {
                final long cell = columns + ((int)slice & ringMask) * columnBytes + recordCells;
                final long cellCount = UnsafeApi.getLong(cell + AccumulatorLayout.COUNT_OFFSET);
                if (cellCount != 0)
                {
                    count += cellCount;
                    sum += UnsafeApi.getLong(cell + AccumulatorLayout.SUM_OFFSET);
                    frontMin = Math.min(frontMin, UnsafeApi.getLong(cell + AccumulatorLayout.MIN_OFFSET));
                    frontMax = Math.max(frontMax, UnsafeApi.getLong(cell + AccumulatorLayout.MAX_OFFSET));
                }
            }
            final long firstCell = firstColumn + recordCells;
            if (count != 0)
            {
                sink.window(keyTag, UnsafeApi.getLong(header + KEY_ID), count, sum,
                    Math.min(frontMin, UnsafeApi.getLong(firstCell + AccumulatorLayout.MIN_OFFSET)),
                    Math.max(frontMax, UnsafeApi.getLong(firstCell + AccumulatorLayout.MAX_OFFSET)));
            }
            // The oldest slices leave, through the totals' fields, which takeOutAndClear works on.
            totalCount = count;
            totalSum = sum;
            takeOutAndClear(record, first, takeOutUntil);
            count = totalCount;
            sum = totalSum;
            if (count == 0)
            {
                // Nothing left in the window the total was for: no total to keep, and perhaps no record.
                UnsafeApi.putLong(header + RUN_END, NO_END);
                freed |= releaseIfEmpty(record);
                continue;
            }
            int back = UnsafeApi.getInt(header + BACK_SLICES) - (int)slide; // the slices just taken out left from the back
            if (back < slide)
            {
                makeBack(record, deadUntil, until);
                back = (int)(until - deadUntil);
                frontMin = Long.MAX_VALUE;
                frontMax = Long.MIN_VALUE;
            }
            UnsafeApi.putLong(header + RUN_END, nextEnd);
            UnsafeApi.putLong(header + RUN_COUNT, count);
            UnsafeApi.putLong(header + RUN_SUM, sum);
            UnsafeApi.putLong(header + FRONT_MIN, frontMin);
            UnsafeApi.putLong(header + FRONT_MAX, frontMax);
            UnsafeApi.putInt(header + BACK_SLICES, back);
        }
        return freed;
    }

    /**
     * One key's window summed slice by slice, for a key whose running total is not current (or windows that
     * keep none): emitted, its oldest slices freed, and a new running total and back made if the windows keep
     * them. @return whether the record was freed.
     */
    private boolean fireAfresh(
        final int record, final int keyTag, final long nextEnd, final long first, final long until,
        final long deadUntil, final long takeOutUntil, final boolean keepsRunning, final WindowTotals sink)
    {
        final UnsafeBuffer cells = records.buffer();
        final int header = records.offset(record);
        clearTotals();
        addToTotals(record, first, until);
        if (totalCount != 0)
        {
            sink.window(keyTag, cells.getLong(header + KEY_ID), totalCount, totalSum, totalMin, totalMax);
        }
        takeOutAndClear(record, first, takeOutUntil);
        if (keepsRunning && overflowSlicesOf[record] == 0 && totalCount != 0)
        {
            makeBack(record, deadUntil, until);
            cells.putLong(header + RUN_END, nextEnd);
            cells.putLong(header + RUN_COUNT, totalCount);
            cells.putLong(header + RUN_SUM, totalSum);
            cells.putLong(header + FRONT_MIN, Long.MAX_VALUE);
            cells.putLong(header + FRONT_MAX, Long.MIN_VALUE);
            cells.putInt(header + BACK_SLICES, (int)(until - deadUntil));
        }
        else
        {
            cells.putLong(header + RUN_END, NO_END);
        }
        return releaseIfEmpty(record);
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
                clearLiveRingCell(record, (int)slice & ringMask, cells.addressOffset() + cell);
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

    /** Frees a ring cell, at the raw address the caller has read it live at: the inverse of {@link #countNewRingCell}. */
    private void clearLiveRingCell(final int record, final int column, final long cellAddress)
    {
        UnsafeApi.putLong(cellAddress + AccumulatorLayout.COUNT_OFFSET, 0);
        columnCells[column]--;
        ringCells--;
        ringCellsOf[record]--;
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
        overflowSlicesOf[record]--;
        releaseIfEmpty(record);
    }

    /** Frees the record, and the key's index entry, once it holds no slice. @return whether it did. */
    boolean releaseIfEmpty(final int record)
    {
        if (ringCellsOf[record] != 0 || overflowSlicesOf[record] != 0)
        {
            return false;
        }
        final UnsafeBuffer cells = records.buffer();
        final int header = records.offset(record);
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
        // In number order, so a record's counts are read before a later one is moved over them.
        ringCellsOf[to] = ringCellsOf[from];
        overflowSlicesOf[to] = overflowSlicesOf[from];
        ringCellsOf[from] = 0;
        overflowSlicesOf[from] = 0;
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
        Arrays.fill(columnCells, 0);
        ringCells = 0;
        final int limit = records.recordLimit();
        final int counts = Math.max(ringCellsOf.length, limit);
        ringCellsOf = new int[counts];
        overflowSlicesOf = new int[counts];
        final UnsafeBuffer cells = records.buffer();
        for (int record = 0; record < limit; record++)
        {
            if (keyTag(record) == 0)
            {
                continue;
            }
            for (int column = 0; column < ringSlices; column++)
            {
                if (cells.getLong(records.cellOffset(record, column) + AccumulatorLayout.COUNT_OFFSET) != 0)
                {
                    columnCells[column]++;
                    ringCellsOf[record]++;
                }
            }
            ringCells += ringCellsOf[record];
        }
        overflow.forEach(entry ->
        {
            final int record = record(overflow.tag(entry), overflow.key1(entry));
            if (record == NO_RECORD)
            {
                throw new IllegalStateException("checkpoint holds an overflow slice " + overflow.key2(entry) + " of a key with no record");
            }
            overflowSlicesOf[record]++;
        });
        for (int record = 0; record < limit; record++)
        {
            if (keyTag(record) != 0 && ringCellsOf[record] == 0 && overflowSlicesOf[record] == 0)
            {
                throw new IllegalStateException("checkpoint's record " + record + " holds no slice, yet was kept");
            }
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
        if (overflowSlicesOf[record] == 0)
        {
            return OffHeapTable.NOT_FOUND; // the key has none there: no lookup
        }
        final UnsafeBuffer cells = records.buffer();
        final int header = records.offset(record);
        return overflow.find(cells.getLong(header + KEY_ID), slice, cells.getInt(header + KEY_TAG));
    }
}
