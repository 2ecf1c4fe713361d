package io.sluice.window;

import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;
import io.sluice.state.OffHeapTable;
import io.sluice.state.RecordArena;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A key's sliding-window slices: one off-heap record per key with a ring of slice accumulators, reached
 * through a compact key index. Slices the ring cannot hold go to an overflow table.
 *
 * <pre>
 *   key index (OffHeapTable, 24-byte slots)      records (RecordArena)
 *   +-------+---+-----+---------+                fixed part, per record: header [| suffix fields | back cell]
 *   | keyId | 0 | tag | record# |         ───►   column c (c < R): ring cell c of every record, adjacent
 *   +-------+---+-----+---------+                column R + c: suffix cell c of every record (see below)
 *   the ring covers slice indexes [base, base + R); slice s lives in ring cell s mod R while its count
 *   is not 0 (every accumulator counts, and a live slice holds at least one element)
 *   header: chain next end | max slice start | base | key id | freed below
 *           | slices in overflow (int) | cells in use (int) | key tag (int, 0 once the record is freed)
 *           | running total kept (int) | running total's count (see fireAndFree)
 * </pre>
 *
 * Elements mostly reach a slice through {@link OpenSlices}, which hands each slice over whole when the
 * watermark passes its end; so the store is written about once per key and slice, and read by firings
 * that walk the records in number order, without looking each key up in the index. A firing frees the
 * slices it has done with and records how far it freed, but leaves the ring where it is; the next slice
 * past the ring's end moves it over the freed cells.
 *
 * Time moves forward together for all keys, so at any moment the cells being written (by slices handed
 * over from {@link OpenSlices}, or by elements the open slices do not take) are those of one slice, one
 * column: a cell per key in adjacent lines (320 KB at 10 000 keys), not a line on a page of its own per
 * key; and a firing that walks the records in number order reads each column forward.
 *
 * <p>A slice outside [base, base + R) moves the ring when every cell it would uncover is empty, which
 * is the common case (time moves forward and old slices are freed behind it); otherwise the slice goes
 * to the overflow table, keyed by (key, slice). A slice is in exactly one of the two places for its
 * whole life: a used cell is never uncovered, and a slice found in the overflow table stays there.
 *
 * <p><b>Windows of many slices</b> ({@link #suffixesFor}) are merged in amortised O(1) per firing rather
 * than one merge per slice, with the "two stacks" of incremental sliding-window aggregation (Tangwongsan
 * et al.): the record also holds suffix cells and a back cell,
 *
 * <pre>
 *   slices   [low ............ split) [split ....... back end) [back end ...
 *   suffix S[i] = slices i..split-1          back = slices split..back end-1      not yet merged
 *   window [a, b) = S[a] + back, after back has taken in the slices [back end, b)
 * </pre>
 *
 * and a window whose first slice reaches the split rebuilds the suffixes over itself (N merges once per
 * N firings). Firings walk forward one slide at a time, and an element arriving after a window has fired
 * is behind the watermark, so slices before the back end change only through such elements: the
 * operator then calls {@link #forgetPartialMerges}, and the next firing rebuilds. Anything else that does
 * not fit (a chain pulled back, a gap) rebuilds too, so the suffixes are only ever a cache.
 *
 * <p>The two chain fields belong to the sliding operator (its per-key fire chain); the record lives
 * while the key has a slice or a pending chain. The header names its key, so that the operator can fire
 * a window end for every key by one walk of the records in number order ({@link #forEachChain}); a
 * checkpoint keeps the numbers. Methods taking a {@code record} take the key's record number, as
 * {@link #record}, {@link #lastRecord} and {@link #forEachChain} give it, valid until the record is freed.
 */
final class KeySliceStore implements AutoCloseable
{
    static final long NO_CHAIN = Long.MAX_VALUE;
    /** {@link #add} results. */
    static final int ADDED = 0;
    static final int CREATED_IN_RING = 1;
    static final int CREATED_IN_OVERFLOW = 2;
    static final int MAX_RING_SLICES = 256;

    static final int NO_RECORD = -1;
    // A new section number for each change of the record layout, so that an older checkpoint is refused.
    private static final int SECTION = 0x511CE505;

    private static final int CHAIN_NEXT_END = 0;
    private static final int MAX_SLICE_START = 8;
    private static final int BASE = 16;
    private static final int KEY_ID = 24;
    /**
     * Ring slices below this are free: a firing without lateness frees up to here, and later firings and
     * ring moves skip what is below (see {@link #freeRingSlicesBefore}). Without lateness no element reaches
     * such a slice again (its windows have all fired, so it is late), but a slice created below lowers it,
     * so the rule holds whatever the caller.
     */
    private static final int FREED_BELOW = 32;
    private static final int OVERFLOW_SLICES = 40;
    private static final int CELLS_IN_USE = 44;
    /** The key's tag while the record is live, 0 once freed (tags are at least 1): how a walk by number tells them apart. */
    private static final int KEY_TAG = 48;
    /**
     * The running total (see {@link #fireAndFree}): 1 while the freed cell of slice FREED_BELOW - 1 holds
     * the sum, min and max of the slices from FREED_BELOW to the end of the last window fired, and
     * RUNNING_COUNT their count; 0 when there is none to trust. Records of older checkpoints hold 0 here
     * (the bytes were unused and records are handed out zeroed), so their layout is unchanged.
     */
    private static final int RUNNING = 52;
    private static final int RUNNING_COUNT = 56;
    private static final int HEADER_BYTES = 64;
    // With suffixes, the fixed part goes on past the header: the two-stacks fields, then the back cell.
    private static final int SUFFIX_LOW = HEADER_BYTES;
    private static final int SPLIT = HEADER_BYTES + 8;
    private static final int BACK_END = HEADER_BYTES + 16;
    private static final int BACK_CELL = HEADER_BYTES + 32;
    private static final long NO_SUFFIXES = Long.MIN_VALUE;
    private static final int NOT_IN_RING = -1;
    /** Windows of fewer slices merge them directly: a few cell reads per firing cost less than doubling the cells. */
    static final int MIN_SUFFIX_SLICES = 16;

    private final AccumulatorLayout layout;
    private final int cellBytes;
    private final int ringSlices;
    private final int ringMask;
    private final int suffixCells;
    private final int suffixMask;
    // Firings keep a running total (fireAndFree) for windows of the built-in aggregates without suffixes.
    private final boolean keepsRunningTotals;
    private final OffHeapTable keys;
    private final RecordArena records;
    private final OffHeapTable overflow;
    // The built-in totals addToTotals adds to: what a merge of the built-in block sums, in fields so that
    // a firing can start from its running total.
    private long totalCount;
    private long totalSum;
    private long totalMin;
    private long totalMax;
    private int liveSlices;
    private int lastRecord;
    // The cell the last locateSlice found or made: an add or a merge goes there next.
    private UnsafeBuffer locatedBuffer;
    private int locatedOffset;

    /**
     * @param ringSlices cells per key: a power of two up to {@link #MAX_RING_SLICES}, ideally covering
     *                   every slice a key has live at once (a window's slices, the lateness, some disorder).
     */
    KeySliceStore(final AccumulatorLayout layout, final int ringSlices, final int expectedKeys)
    {
        this(layout, ringSlices, 0, expectedKeys);
    }

    /**
     * @param suffixCells 0 to merge windows slice by slice, or a power of two at least the window's slices:
     *                    the suffix cells of the two-stacks merge ({@link #suffixesFor}).
     */
    KeySliceStore(final AccumulatorLayout layout, final int ringSlices, final int suffixCells, final int expectedKeys)
    {
        if (!BitUtil.isPowerOfTwo(ringSlices) || ringSlices > MAX_RING_SLICES)
        {
            throw new IllegalArgumentException("ringSlices must be a power of two <= " + MAX_RING_SLICES + ": " + ringSlices);
        }
        this.layout = layout;
        this.cellBytes = layout.bytes();
        this.ringSlices = ringSlices;
        this.ringMask = ringSlices - 1;
        if (suffixCells != 0 && !BitUtil.isPowerOfTwo(suffixCells))
        {
            throw new IllegalArgumentException("suffixCells must be 0 or a power of two: " + suffixCells);
        }
        this.suffixCells = suffixCells;
        this.suffixMask = suffixCells - 1;
        this.keepsRunningTotals = suffixCells == 0 && layout.builtinOnly();
        // Fuller than the default: the index is read once per key and slice, and 16K slots for 10K keys stay
        // in L2 where 32K would not. Its entries hold the key and, as aux, the record number: nothing else.
        this.keys = new OffHeapTable(0, expectedKeys, 80);
        // The suffix fields and the back cell follow the header in the record's fixed part; ring and suffix
        // cells are columns.
        this.records = new RecordArena(
            suffixCells == 0 ? HEADER_BYTES : BACK_CELL + cellBytes, ringSlices + suffixCells, cellBytes, expectedKeys);
        this.overflow = new OffHeapTable(cellBytes, 16);
    }

    /** The ring size that covers {@code liveSlices} slices plus a little disorder, within the cap. */
    static int ringSlicesFor(final long liveSlices)
    {
        return liveSlices + 2 >= MAX_RING_SLICES ? MAX_RING_SLICES : BitUtil.findNextPositivePowerOfTwo((int)liveSlices + 2);
    }

    /** Suffix cells for windows of this many slices: none below {@link #MIN_SUFFIX_SLICES} or above the ring cap. */
    static int suffixesFor(final int slicesPerWindow)
    {
        return slicesPerWindow < MIN_SUFFIX_SLICES || slicesPerWindow > MAX_RING_SLICES ?
            0 : BitUtil.findNextPositivePowerOfTwo(slicesPerWindow);
    }

    /**
     * Adds a value to the key's slice, creating key record and slice as needed; {@link #lastRecord()} is
     * then the key's record.
     *
     * @return {@link #ADDED} to an existing slice, or where the slice was created.
     */
    int add(final int keyTag, final long keyId, final long slice, final long value)
    {
        final int added = locateSlice(keyTag, keyId, slice);
        layout.add(locatedBuffer, locatedOffset, value);
        return added;
    }

    /**
     * Merges a whole slice accumulator into the key's slice, creating key record and slice as needed, as
     * {@link #add} does a value: how a slice that was open elsewhere ({@link OpenSlices}) comes in once the
     * watermark has passed its end. {@link #lastRecord()} is then the key's record.
     *
     * @return {@link #ADDED} to an existing slice, or where the slice was created.
     */
    int mergeSlice(final int keyTag, final long keyId, final long slice, final DirectBuffer source, final int sourceOffset)
    {
        final int added = locateSlice(keyTag, keyId, slice);
        layout.merge(locatedBuffer, locatedOffset, source, sourceOffset);
        return added;
    }

    /**
     * Finds the key's slice, creating the key's record and an empty slice (in the ring if it fits, else in
     * the overflow table) as needed, and leaves its cell in {@link #locatedBuffer} at {@link #locatedOffset}.
     * The caller adds to it at once: a live slice is never empty.
     */
    private int locateSlice(final int keyTag, final long keyId, final long slice)
    {
        final int entry = keys.find(keyId, 0, keyTag);
        final int record = entry == OffHeapTable.NOT_FOUND ? newKey(keyTag, keyId, slice) : keys.aux(entry);
        final UnsafeBuffer cells = records.buffer();
        lastRecord = record;
        final int cellOffset = ringCell(record, slice);
        if (covers(base(record), slice) || moveRingOver(record, slice))
        {
            if (cells.getLong(cellOffset + AccumulatorLayout.COUNT_OFFSET) != 0)
            {
                return located(cells, cellOffset, ADDED);
            }
            if (cells.getInt(records.offset(record) + OVERFLOW_SLICES) != 0)
            {
                final int found = overflow.find(keyId, slice, keyTag);
                if (found != OffHeapTable.NOT_FOUND)
                {
                    return located(overflow.buffer(), overflow.valueOffset(found), ADDED);
                }
            }
            layout.clear(cells, cellOffset);
            addToHeaderInt(record, CELLS_IN_USE, 1);
            final int freedBelowAt = records.offset(record) + FREED_BELOW;
            if (slice < cells.getLong(freedBelowAt))
            {
                cells.putLong(freedBelowAt, slice);
            }
            liveSlices++;
            return located(cells, cellOffset, CREATED_IN_RING);
        }
        final int found = overflow.find(keyId, slice, keyTag);
        if (found != OffHeapTable.NOT_FOUND)
        {
            return located(overflow.buffer(), overflow.valueOffset(found), ADDED);
        }
        final int created = overflow.insert(keyId, slice, keyTag);
        layout.clear(overflow.buffer(), overflow.valueOffset(created));
        addToHeaderInt(record, OVERFLOW_SLICES, 1);
        liveSlices++;
        return located(overflow.buffer(), overflow.valueOffset(created), CREATED_IN_OVERFLOW);
    }

    private int located(final UnsafeBuffer buffer, final int offset, final int added)
    {
        locatedBuffer = buffer;
        locatedOffset = offset;
        return added;
    }

    /** The record of the key given to the last {@link #add}. */
    int lastRecord()
    {
        return lastRecord;
    }

    /** @return the key's record, or {@link #NO_RECORD}. */
    int record(final int keyTag, final long keyId)
    {
        final int entry = keys.find(keyId, 0, keyTag);
        return entry == OffHeapTable.NOT_FOUND ? NO_RECORD : keys.aux(entry);
    }

    /**
     * Merges the key's slices [firstSlice, firstSlice + count) into the target accumulator.
     *
     * @return true if any of them exists.
     */
    boolean mergeInto(
        final int record, final long firstSlice, final int count, final MutableDirectBuffer target, final int targetOffset)
    {
        if (layout.builtinOnly())
        {
            return mergeBuiltinsInto(record, firstSlice, count, target, targetOffset);
        }
        boolean any = false;
        for (long slice = firstSlice, endSlice = firstSlice + count; slice < endSlice; slice++)
        {
            any |= mergeSliceInto(record, slice, target, targetOffset);
        }
        return any;
    }

    /**
     * {@link #mergeInto} for the built-in block alone, summed in locals ({@link #addToTotals}) and written to
     * the target once: the cells' loads are then independent of one another, where merging each into the
     * target would chain every load behind the previous slice's stores.
     */
    private boolean mergeBuiltinsInto(
        final int record, final long firstSlice, final int count, final MutableDirectBuffer target, final int targetOffset)
    {
        startTotals(0, 0, Long.MAX_VALUE, Long.MIN_VALUE);
        addToTotals(record, firstSlice, count);
        return mergeTotalsInto(target, targetOffset);
    }

    /** @return false, writing nothing, if the totals hold no element. */
    private boolean mergeTotalsInto(final MutableDirectBuffer target, final int targetOffset)
    {
        if (totalCount == 0)
        {
            return false;
        }
        AccumulatorLayout.mergeBuiltins(target, targetOffset, totalCount, totalSum, totalMin, totalMax);
        return true;
    }

    private void startTotals(final long count, final long sum, final long min, final long max)
    {
        totalCount = count;
        totalSum = sum;
        totalMin = min;
        totalMax = max;
    }

    /** Adds the built-in blocks of the key's slices [firstSlice, firstSlice + count) to the totals. */
    private void addToTotals(final int record, final long firstSlice, final int count)
    {
        final UnsafeBuffer cells = records.buffer();
        final long base = base(record);
        long total = totalCount;
        long sum = totalSum;
        long min = totalMin;
        long max = totalMax;
        for (long slice = firstSlice, endSlice = firstSlice + count; slice < endSlice; slice++)
        {
            UnsafeBuffer source = cells;
            int offset = liveRingCell(base, record, slice);
            if (offset == NOT_IN_RING)
            {
                final int found = overflowEntry(record, slice);
                if (found == OffHeapTable.NOT_FOUND)
                {
                    continue;
                }
                source = overflow.buffer();
                offset = overflow.valueOffset(found);
            }
            total += source.getLong(offset + AccumulatorLayout.COUNT_OFFSET);
            sum += source.getLong(offset + AccumulatorLayout.SUM_OFFSET);
            min = Math.min(min, source.getLong(offset + AccumulatorLayout.MIN_OFFSET));
            max = Math.max(max, source.getLong(offset + AccumulatorLayout.MAX_OFFSET));
        }
        startTotals(total, sum, min, max);
    }

    /**
     * Merges the window of slices [firstSlice, firstSlice + count) into the target, as a firing in the
     * key's chain does: through the suffixes when the store keeps them (see the class comment), which
     * this updates; otherwise slice by slice.
     *
     * @return true if any of the slices exists.
     */
    boolean mergeWindow(
        final int record, final long firstSlice, final int count, final MutableDirectBuffer target, final int targetOffset)
    {
        if (suffixCells == 0)
        {
            return mergeInto(record, firstSlice, count, target, targetOffset);
        }
        final UnsafeBuffer cells = records.buffer();
        final int header = records.offset(record);
        final long endSlice = firstSlice + count;
        final long split = cells.getLong(header + SPLIT);
        final long backEnd = cells.getLong(header + BACK_END);
        if (split == NO_SUFFIXES || firstSlice < cells.getLong(header + SUFFIX_LOW) || firstSlice >= split ||
            split > endSlice || backEnd > endSlice)
        {
            rebuildSuffixes(record, firstSlice, endSlice);
        }
        else
        {
            for (long slice = backEnd; slice < endSlice; slice++)
            {
                mergeSliceInto(record, slice, cells, header + BACK_CELL);
            }
            cells.putLong(header + BACK_END, endSlice);
        }
        layout.merge(target, targetOffset, cells, suffixCell(record, firstSlice));
        layout.merge(target, targetOffset, cells, header + BACK_CELL);
        return target.getLong(targetOffset + AccumulatorLayout.COUNT_OFFSET) != 0;
    }

    /**
     * A slice a firing may have merged already has changed (an element behind the watermark): the next
     * firing merges afresh, without the suffixes or the running total.
     */
    void forgetPartialMerges(final int record)
    {
        if (suffixCells != 0)
        {
            records.buffer().putLong(records.offset(record) + SPLIT, NO_SUFFIXES);
        }
        records.buffer().putInt(records.offset(record) + RUNNING, 0);
    }

    /**
     * Merges the window [firstSlice, firstSlice + count) into the target, as a firing in the key's chain
     * does, then frees the slices before {@code nextFirstSlice} as {@link #freeRingSlicesBefore} does: what a
     * chain firing without lateness does, in one step, so that windows of the built-in aggregates need not
     * read every slice each time.
     *
     * <p>Consecutive windows share all but a slide's worth of slices. So after merging a window, the store
     * takes the slices about to be freed back out of its totals (count and sum exactly, as long arithmetic
     * wraps both ways alike) and keeps the rest, the next window less its newest slices, as a running total
     * in the freed cell of the last slice freed, whose count stays 0: no cell more per key. The next
     * firing adds its newest slices to it instead of merging all. A minimum or maximum held by a slice
     * taken out cannot be taken back out, so then the next firing merges every slice; so does any firing
     * that does not follow on (the chain moved, a cell reused, a slice in the overflow table, an element
     * behind the watermark, which {@link #forgetPartialMerges} reports).
     *
     * @return true if any of the window's slices exists.
     */
    boolean fireAndFree(
        final int record, final long firstSlice, final int count, final long nextFirstSlice,
        final MutableDirectBuffer target, final int targetOffset)
    {
        if (!keepsRunningTotals)
        {
            final boolean any = mergeWindow(record, firstSlice, count, target, targetOffset);
            freeRingSlicesBefore(record, nextFirstSlice);
            return any;
        }
        final UnsafeBuffer cells = records.buffer();
        final int header = records.offset(record);
        final long base = cells.getLong(header + BASE);
        final long endSlice = firstSlice + count;
        final boolean inRing = cells.getInt(header + OVERFLOW_SLICES) == 0 && base <= firstSlice && endSlice <= base + ringSlices;
        final boolean any;
        // The running total's cell is still the freed one if the ring has not moved over it since.
        if (inRing && base < firstSlice && cells.getInt(header + RUNNING) != 0 && cells.getLong(header + FREED_BELOW) == firstSlice)
        {
            final int running = ringCell(record, firstSlice - 1);
            startTotals(cells.getLong(header + RUNNING_COUNT), cells.getLong(running + AccumulatorLayout.SUM_OFFSET),
                cells.getLong(running + AccumulatorLayout.MIN_OFFSET), cells.getLong(running + AccumulatorLayout.MAX_OFFSET));
            final long newest = Math.max(firstSlice, endSlice - (nextFirstSlice - firstSlice));
            addToTotals(record, newest, (int)(endSlice - newest));
            any = mergeTotalsInto(target, targetOffset);
        }
        else
        {
            any = mergeBuiltinsInto(record, firstSlice, count, target, targetOffset);
        }
        long total = totalCount;
        long sum = totalSum;
        long min = totalMin;
        long max = totalMax;

        // Take the slices about to be freed out of the totals: what is left is the next window's older part.
        boolean keep = inRing && nextFirstSlice > firstSlice && nextFirstSlice <= endSlice;
        for (long slice = firstSlice, end = Math.min(nextFirstSlice, endSlice); keep && slice < end; slice++)
        {
            final int cell = ringCell(record, slice);
            final long sliceCount = cells.getLong(cell + AccumulatorLayout.COUNT_OFFSET);
            if (sliceCount != 0)
            {
                total -= sliceCount;
                sum -= cells.getLong(cell + AccumulatorLayout.SUM_OFFSET);
                keep = cells.getLong(cell + AccumulatorLayout.MIN_OFFSET) > min && cells.getLong(cell + AccumulatorLayout.MAX_OFFSET) < max;
            }
        }
        freeRingSlicesBefore(record, nextFirstSlice);
        if (keep)
        {
            if (total == 0)
            {
                sum = 0;
                min = Long.MAX_VALUE;
                max = Long.MIN_VALUE;
            }
            // The cell of the last slice freed: free now (count 0), and in the ring until a slice a ring
            // length later moves the ring over it, which a later firing sees in the base.
            final int running = ringCell(record, nextFirstSlice - 1);
            cells.putLong(running + AccumulatorLayout.SUM_OFFSET, sum);
            cells.putLong(running + AccumulatorLayout.MIN_OFFSET, min);
            cells.putLong(running + AccumulatorLayout.MAX_OFFSET, max);
            cells.putLong(header + RUNNING_COUNT, total);
        }
        cells.putInt(header + RUNNING, keep ? 1 : 0);
        return any;
    }

    /** Frees one slice; the key's record goes too once it holds nothing and no chain is pending. */
    boolean remove(final int keyTag, final long keyId, final long slice)
    {
        final int entry = keys.find(keyId, 0, keyTag);
        if (entry == OffHeapTable.NOT_FOUND)
        {
            return false;
        }
        final UnsafeBuffer cells = records.buffer();
        final int record = keys.aux(entry);
        final int cellOffset = ringCell(record, slice);
        boolean removed = false;
        if (covers(base(record), slice) && cells.getLong(cellOffset + AccumulatorLayout.COUNT_OFFSET) != 0)
        {
            cells.putLong(cellOffset + AccumulatorLayout.COUNT_OFFSET, 0);
            addToHeaderInt(record, CELLS_IN_USE, -1);
            removed = true;
        }
        else if (cells.getInt(records.offset(record) + OVERFLOW_SLICES) != 0)
        {
            final int found = overflow.find(keyId, slice, keyTag);
            if (found != OffHeapTable.NOT_FOUND)
            {
                overflow.removeAt(found);
                addToHeaderInt(record, OVERFLOW_SLICES, -1);
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
     * fired window's oldest slices can never be read again (overflow slices keep their own cleanup
     * timers). Only the slices from where the last call stopped are read, and the ring stays where it is
     * (see the class comment): a later slice past its end moves it over the cells freed here.
     */
    void freeRingSlicesBefore(final int record, final long endSlice)
    {
        final UnsafeBuffer cells = records.buffer();
        final int header = records.offset(record);
        final long base = cells.getLong(header + BASE);
        final long freedBelow = cells.getLong(header + FREED_BELOW);
        if (endSlice <= freedBelow)
        {
            return;
        }
        int freed = 0;
        for (long slice = Math.max(base, freedBelow), end = Math.min(endSlice, base + ringSlices); slice < end; slice++)
        {
            final int cellOffset = ringCell(record, slice);
            if (cells.getLong(cellOffset + AccumulatorLayout.COUNT_OFFSET) != 0)
            {
                cells.putLong(cellOffset + AccumulatorLayout.COUNT_OFFSET, 0);
                freed++;
            }
        }
        if (freed != 0)
        {
            addToHeaderInt(record, CELLS_IN_USE, -freed);
            liveSlices -= freed;
        }
        cells.putLong(header + FREED_BELOW, endSlice);
    }

    /** @return {lowest, highest} slice index the key holds (ring and overflow), or null when it holds none. */
    long[] sliceRange(final int record)
    {
        final UnsafeBuffer cells = records.buffer();
        final long base = base(record);
        final long[] range = {Long.MAX_VALUE, Long.MIN_VALUE};
        for (long slice = base; slice < base + ringSlices; slice++)
        {
            if (cells.getLong(ringCell(record, slice) + AccumulatorLayout.COUNT_OFFSET) != 0)
            {
                range[0] = Math.min(range[0], slice);
                range[1] = Math.max(range[1], slice);
            }
        }
        final int header = records.offset(record);
        if (cells.getInt(header + OVERFLOW_SLICES) != 0)
        {
            final long keyId = cells.getLong(header + KEY_ID);
            final int keyTag = cells.getInt(header + KEY_TAG);
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

    long chainNextEnd(final int record)
    {
        return records.buffer().getLong(records.offset(record) + CHAIN_NEXT_END);
    }

    void chainNextEnd(final int record, final long windowEnd)
    {
        records.buffer().putLong(records.offset(record) + CHAIN_NEXT_END, windowEnd);
    }

    long maxSliceStart(final int record)
    {
        return records.buffer().getLong(records.offset(record) + MAX_SLICE_START);
    }

    void maxSliceStart(final int record, final long sliceStart)
    {
        records.buffer().putLong(records.offset(record) + MAX_SLICE_START, sliceStart);
    }

    /** Ends the key's chain, and frees the record if it holds no slice either. */
    void endChain(final int record)
    {
        records.buffer().putInt(records.offset(record) + RUNNING, 0);
        chainNextEnd(record, NO_CHAIN);
        maxSliceStart(record, Long.MIN_VALUE);
        releaseIfEmpty(record);
    }

    /**
     * Visits every key with a pending fire chain, in record number order: the order a checkpoint restores,
     * so a firing that walks the keys this way emits in the same order after a recovery. The visitor may
     * fire and end chains (which may free records) but not add keys.
     */
    void forEachChain(final ChainVisitor visitor)
    {
        final UnsafeBuffer cells = records.buffer();
        for (int record = 0, limit = records.recordLimit(); record < limit; record++)
        {
            final int header = records.offset(record);
            final int keyTag = cells.getInt(header + KEY_TAG);
            final long chainNextEnd = cells.getLong(header + CHAIN_NEXT_END);
            if (keyTag != 0 && chainNextEnd != NO_CHAIN)
            {
                visitor.visit(record, keyTag, cells.getLong(header + KEY_ID), chainNextEnd);
            }
        }
    }

    /**
     * How many records a {@link #forEachChain} walk reads: every number handed out so far, freed ones
     * included (the arena does not compact, so after a crowd of keys has gone this stays high).
     */
    int chainWalkLength()
    {
        return records.recordLimit();
    }

    int liveSlices()
    {
        return liveSlices;
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
     * The index, then the records by number with the arena's free list (so that the index's record numbers,
     * and the order {@link #forEachChain} walks, hold after a restore), then the overflow table.
     */
    void saveTo(final StateWriter out)
    {
        out.section(SECTION).putInt(liveSlices).putInt(records.strideBytes()).putInt(ringSlices).putInt(suffixCells);
        keys.saveTo(out);
        records.saveTo(out);
        overflow.saveTo(out);
    }

    void restoreFrom(final StateReader in)
    {
        in.expectSection(SECTION, "a sliding window's slice store");
        liveSlices = in.getInt();
        in.expectInt(records.strideBytes(), "the slice record size (aggregates)");
        in.expectInt(ringSlices, "the slices kept per key");
        in.expectInt(suffixCells, "the suffix cells per key");
        keys.restoreFrom(in);
        records.restoreFrom(in);
        overflow.restoreFrom(in);
    }

    public void close()
    {
        keys.close();
        records.close();
        overflow.close();
    }

    /** A key's pending fire chain, as {@link #forEachChain} finds it. */
    interface ChainVisitor
    {
        void visit(int record, int keyTag, long keyId, long chainNextEnd);
    }

    /** @return the new key's record. */
    private int newKey(final int keyTag, final long keyId, final long slice)
    {
        final int record = records.allocateRecord();
        keys.aux(keys.insert(keyId, 0, keyTag), record);
        final UnsafeBuffer cells = records.buffer();
        final int header = records.offset(record);
        // Leave room below for out-of-order slices; the ring moves up over empty cells as time passes.
        cells.putLong(header + BASE, slice - ringMask);
        cells.putLong(header + CHAIN_NEXT_END, NO_CHAIN);
        cells.putLong(header + MAX_SLICE_START, Long.MIN_VALUE);
        cells.putLong(header + FREED_BELOW, Long.MIN_VALUE);
        cells.putLong(header + KEY_ID, keyId);
        cells.putInt(header + KEY_TAG, keyTag);
        if (suffixCells != 0)
        {
            cells.putLong(header + SPLIT, NO_SUFFIXES);
        }
        return record;
    }

    /** Suffixes over the window [firstSlice, endSlice), split at its end, and an empty back. */
    private void rebuildSuffixes(final int record, final long firstSlice, final long endSlice)
    {
        final UnsafeBuffer cells = records.buffer();
        int previous = -1;
        for (long slice = endSlice - 1; slice >= firstSlice; slice--)
        {
            final int suffix = suffixCell(record, slice);
            layout.clear(cells, suffix);
            if (previous >= 0)
            {
                layout.merge(cells, suffix, cells, previous);
            }
            mergeSliceInto(record, slice, cells, suffix);
            previous = suffix;
        }
        final int header = records.offset(record);
        layout.clear(cells, header + BACK_CELL);
        cells.putLong(header + SUFFIX_LOW, firstSlice);
        cells.putLong(header + SPLIT, endSlice);
        cells.putLong(header + BACK_END, endSlice);
    }

    private int suffixCell(final int record, final long slice)
    {
        return records.cellOffset(record, ringSlices + ((int)slice & suffixMask));
    }

    private int ringCell(final int record, final long slice)
    {
        return records.cellOffset(record, (int)slice & ringMask);
    }

    /**
     * Merges one slice, from the ring or the overflow table, into the target if the key holds it.
     *
     * @return true if it does.
     */
    private boolean mergeSliceInto(final int record, final long slice, final MutableDirectBuffer target, final int targetOffset)
    {
        final int cellOffset = liveRingCell(base(record), record, slice);
        if (cellOffset != NOT_IN_RING)
        {
            layout.merge(target, targetOffset, records.buffer(), cellOffset);
            return true;
        }
        final int found = overflowEntry(record, slice);
        if (found != OffHeapTable.NOT_FOUND)
        {
            layout.merge(target, targetOffset, overflow.buffer(), overflow.valueOffset(found));
            return true;
        }
        return false;
    }

    /** @return the offset of the slice's ring cell if the ring holds the slice, else {@link #NOT_IN_RING}. */
    private int liveRingCell(final long base, final int record, final long slice)
    {
        final int cellOffset = ringCell(record, slice);
        return covers(base, slice) && records.buffer().getLong(cellOffset + AccumulatorLayout.COUNT_OFFSET) != 0 ?
            cellOffset : NOT_IN_RING;
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

    /** The slice index the key's ring starts at: it covers [base, base + ring slices). */
    private long base(final int record)
    {
        return records.buffer().getLong(records.offset(record) + BASE);
    }

    private void addToHeaderInt(final int record, final int field, final int delta)
    {
        final UnsafeBuffer cells = records.buffer();
        final int at = records.offset(record) + field;
        cells.putInt(at, cells.getInt(at) + delta);
    }

    private boolean covers(final long base, final long slice)
    {
        final long distance = slice - base;
        return distance >= 0 && distance < ringSlices;
    }

    /**
     * Moves the ring so that it covers the slice, if every cell that would leave its range is empty: known
     * to be for slices a firing has freed, read for the others.
     */
    private boolean moveRingOver(final int record, final long slice)
    {
        final UnsafeBuffer cells = records.buffer();
        final int header = records.offset(record);
        final long base = cells.getLong(header + BASE);
        final long newBase = slice > base ? slice - ringMask : slice;
        final long moved = Math.abs(newBase - base);
        if (cells.getInt(header + CELLS_IN_USE) != 0)
        {
            if (moved >= ringSlices)
            {
                return false;
            }
            // Moving up uncovers [base, newBase); moving down uncovers [newBase + R, base + R).
            final long firstUncovered = newBase > base ? Math.max(base, cells.getLong(header + FREED_BELOW)) : newBase + ringSlices;
            for (long uncovered = firstUncovered, end = newBase > base ? newBase : base + ringSlices; uncovered < end; uncovered++)
            {
                if (cells.getLong(ringCell(record, uncovered) + AccumulatorLayout.COUNT_OFFSET) != 0)
                {
                    return false;
                }
            }
        }
        cells.putLong(header + BASE, newBase);
        return true;
    }

    /** Frees the record, and the key's index entry, once it holds no slice and no chain is pending. */
    private void releaseIfEmpty(final int record)
    {
        final UnsafeBuffer cells = records.buffer();
        final int header = records.offset(record);
        if (cells.getInt(header + CELLS_IN_USE) == 0 && cells.getInt(header + OVERFLOW_SLICES) == 0 &&
            cells.getLong(header + CHAIN_NEXT_END) == NO_CHAIN)
        {
            keys.removeAt(keys.find(cells.getLong(header + KEY_ID), 0, cells.getInt(header + KEY_TAG)));
            cells.putInt(header + KEY_TAG, 0);
            records.freeRecord(record);
        }
    }
}
