package io.sluice.window;

import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;
import io.sluice.WindowSpec;
import io.sluice.state.BucketTimerQueue;
import io.sluice.state.DirectMemory;
import io.sluice.state.OffHeapTable;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Sliding windows over slices (panes) of width gcd(size, slide), so that an event costs one state update
 * whatever the number of windows it belongs to; a window is the merge of its size / width slices when it
 * fires. A key's slices sit together in one record ({@link KeySliceStore}).
 *
 * <p>Firing follows Flink's {@code WindowOperator} exactly: a window fires when the watermark reaches
 * end - 1 if it holds anything; an event is dropped to the late output only when every window it belongs
 * to is late ({@code end - 1 + lateness <= watermark}); an accepted event for a window that has fired but
 * is not late re-fires that window at once, numbered 1, 2... Slicing is equivalent because an event is
 * added to every non-late window containing it, and a late window never fires again, so adding it to
 * the slice cannot change any output.
 *
 * <p>An element ahead of the watermark whose slice is one of the few just ahead of it goes to that slice
 * in {@link OpenSlices}, one probe of a (key, slice) table; when the watermark passes the slice's end,
 * before any window fires, the slice moves into the key's record in the {@link KeySliceStore}, where the
 * windows are merged from. Other elements go to the store directly.
 *
 * <p>Per key, one "fire chain" walks the window ends in order while the key has slices that reach them;
 * the key record holds the chain's next end and the key's newest slice. A {@link FireSchedule} counts the
 * chains waiting at each end, so that an end most keys wait at fires by one walk of the records in number
 * order, with no timer per key; an end that turns out sparse is listed, which gives every waiting chain a
 * timer, as with tumbling windows. An out-of-order slice that needs an earlier window pulls the chain
 * back and leaves the later count (and timer) stale; either way of firing checks the chain's next end,
 * so a stale one fires nothing. With allowed lateness, each slice is
 * freed by a timer at the lateness horizon of the last window containing it; without, a firing frees the
 * slices no later window needs (slices in the overflow table keep their timers), and the store keeps what
 * the next window shares with it as a running total ({@link KeySliceStore#fireAndFree}).
 */
public final class SlidingWindowOperator implements WindowOperator
{
    private static final int FIRE = 0;
    private static final int CLEANUP_FIRING_COUNT = 1;
    private static final int CLEANUP_SLICE = 2;
    /** Walk the records to fire a window end once the keys due there are at least 1 / this of the records walked. */
    private static final int SWEEP_WHEN_DUE_OF_WALKED = 2;

    private final SliceGrid grid;
    private final long latenessMs;
    private final AccumulatorLayout layout;
    private final Output output;
    private final KeySliceStore store;
    private final OpenSlices open;
    private final BucketTimerQueue timers;
    private final FiringCounter firings;
    private final FireSchedule schedule;
    private final KeySliceStore.ChainVisitor fireIfDueInSweep = this::fireIfDueInSweep;
    private final KeySliceStore.ChainVisitor listChain = this::listChain;
    private final OffHeapTable.EntryVisitor handOverSlice = this::handOverSlice;
    private final DirectMemory scratchMemory;
    private final UnsafeBuffer scratch;
    /** The window end a walk of the records is firing. */
    private long sweepWindowEnd;

    public SlidingWindowOperator(
        final WindowSpec window, final long allowedLatenessMs, final Output output, final int expectedKeys)
    {
        this(window, allowedLatenessMs, output, expectedKeys, defaultRingSlices(window, allowedLatenessMs),
            KeySliceStore.suffixesFor(new SliceGrid(window).slicesPerWindow));
    }

    /**
     * @param ringSlices  slice cells kept in each key's record; the rest overflow (small values test that path).
     * @param suffixCells 0 to merge a firing window slice by slice, else the suffix cells of the two-stacks
     *                    merge ({@link KeySliceStore}); tests force either on any window.
     */
    SlidingWindowOperator(
        final WindowSpec window, final long allowedLatenessMs, final Output output, final int expectedKeys,
        final int ringSlices, final int suffixCells)
    {
        this.grid = new SliceGrid(window);
        this.latenessMs = allowedLatenessMs;
        this.output = output;
        this.layout = output.layout();
        this.store = new KeySliceStore(layout, ringSlices, suffixCells, expectedKeys);
        this.open = new OpenSlices(grid, layout, expectedKeys);
        this.timers = new BucketTimerQueue(expectedKeys * 2);
        this.firings = new FiringCounter(latenessMs, expectedKeys, timers, CLEANUP_FIRING_COUNT);
        this.schedule = new FireSchedule(grid);
        this.scratchMemory = new DirectMemory(layout.bytes());
        this.scratch = scratchMemory.buffer();
    }

    /** Enough cells for the slices a key has live at once: a window's worth, plus those kept for lateness. */
    static int defaultRingSlices(final WindowSpec window, final long allowedLatenessMs)
    {
        final SliceGrid grid = new SliceGrid(window);
        return KeySliceStore.ringSlicesFor(grid.slicesPerWindow + SliceGrid.ceilDiv(allowedLatenessMs, grid.sliceMs));
    }

    /**
     * The common case first, kept small: an event ahead of the watermark lies in no window that has fired
     * or is late, so unless it opens a slice it is one update.
     */
    public void onElement(
        final int keyTag, final long keyId, final long eventTimeMs, final long value, final int partition, final long watermarkMs)
    {
        final SliceGrid grid = this.grid;
        grid.locate(eventTimeMs);
        if (eventTimeMs > watermarkMs && grid.lastEnd() > grid.sliceStart())
        {
            if (open.add(keyTag, keyId, grid.sliceIndex(), value))
            {
                return;
            }
            final int added = store.add(keyTag, keyId, grid.sliceIndex(), value);
            if (added != KeySliceStore.ADDED)
            {
                onSliceOpened(keyTag, keyId, added, watermarkMs);
            }
            return;
        }
        onElementAtOrBehindWatermark(keyTag, keyId, eventTimeMs, value, partition, watermarkMs);
    }

    /** An event at or behind the watermark (late, or in a slice a firing may have merged already), or in a gap between windows. */
    private void onElementAtOrBehindWatermark(
        final int keyTag, final long keyId, final long eventTimeMs, final long value, final int partition, final long watermarkMs)
    {
        final SliceGrid grid = this.grid;
        final long sliceStart = grid.sliceStart();
        final long lastEnd = grid.lastEnd();
        if (lastEnd <= sliceStart)
        {
            // A gap between windows (slide > size): no window takes the event. Flink sends it to the late
            // output only when its timestamp is late, and otherwise drops it; we count those drops.
            if (eventTimeMs + latenessMs <= watermarkMs)
            {
                output.late(keyTag, keyId, eventTimeMs, value, partition, watermarkMs);
            }
            else
            {
                output.outsideWindows();
            }
            return;
        }
        if (lastEnd - 1 + latenessMs <= watermarkMs)
        {
            output.late(keyTag, keyId, eventTimeMs, value, partition, watermarkMs);
            return;
        }

        final int added = store.add(keyTag, keyId, grid.sliceIndex(), value);
        // At or behind the watermark, so possibly in a slice a firing has already merged: only then can the
        // suffixes be stale (see KeySliceStore), and an element ahead of the watermark never pays this.
        store.forgetPartialMerges(store.lastRecord());
        if (added != KeySliceStore.ADDED)
        {
            onSliceOpened(keyTag, keyId, added, watermarkMs);
        }

        if (latenessMs > 0 && grid.firstEnd() - 1 <= watermarkMs)
        {
            fireLateWindows(keyTag, keyId, grid.firstEnd(), lastEnd, watermarkMs);
        }
    }

    /** The located slice was just created for the key in the store (store.add said how): its cleanup and its fire chain. */
    private void onSliceOpened(final int keyTag, final long keyId, final int added, final long watermarkMs)
    {
        final long lastEnd = grid.lastEnd();
        if (latenessMs > 0 || added == KeySliceStore.CREATED_IN_OVERFLOW)
        {
            timers.add(lastEnd - 1 + latenessMs, CLEANUP_SLICE, keyId, keyTag, grid.sliceIndex());
        }
        joinFireChain(store.lastRecord(), keyTag, keyId, grid.sliceStart(), lastEnd, watermarkMs);
    }

    /**
     * An open slice the watermark has just passed the end of, into the store. None of its windows has
     * fired (see {@link OpenSlices}), so its chain joins at the first of them, which the firing that
     * follows in this watermark reaches.
     */
    private void handOverSlice(final int entry)
    {
        final OpenSlices open = this.open;
        final int keyTag = open.keyTag(entry);
        final long keyId = open.keyId(entry);
        final long slice = open.slice(entry);
        final int added = store.mergeSlice(keyTag, keyId, slice, open.buffer(), open.cellOffset(entry));
        if (added != KeySliceStore.ADDED)
        {
            // The slices one walk hands over nearly all share an index, and the grid keeps the last two it
            // located: their window ends mostly cost no division.
            grid.locate(grid.sliceStartOf(slice));
            onSliceOpened(keyTag, keyId, added, Long.MIN_VALUE);
        }
    }

    public void onWatermark(final long watermarkMs)
    {
        final BucketTimerQueue timers = this.timers;
        final FireSchedule schedule = this.schedule;
        // Slices first: a window fires once the watermark passes its end, and so its last slice's end.
        boolean freed = open.advance(watermarkMs, handOverSlice);
        while (true)
        {
            if (schedule.firesBefore(timers, watermarkMs))
            {
                fireEarliestEnd();
                continue;
            }
            if (timers.isEmpty() || timers.peekTime() > watermarkMs)
            {
                break;
            }
            final int kind = timers.peekKind();
            final long keyId = timers.peekKey();
            final int keyTag = timers.peekTag();
            final long aux = timers.peekAux();
            timers.poll();
            switch (kind)
            {
                case CLEANUP_SLICE:
                    freed |= store.remove(keyTag, keyId, aux);
                    break;
                case CLEANUP_FIRING_COUNT:
                    firings.forget(keyTag, keyId, aux);
                    break;
                default:
                    throw new IllegalStateException("a fire timer outside the fire schedule, for window end " + aux);
            }
        }
        if (freed)
        {
            store.shrinkIfSparse();
            open.shrinkIfSparse();
        }
    }

    /** The key's windows that still hold slices and are not past their lateness, merged as a firing would. */
    public void visitWindows(final int keyTag, final long keyId, final long watermarkMs, final WindowVisitor visitor)
    {
        final int record = store.record(keyTag, keyId);
        final long[] range = record == KeySliceStore.NO_RECORD ? null : store.sliceRange(record);
        long lowest = range == null ? Long.MAX_VALUE : range[0];
        long highest = range == null ? Long.MIN_VALUE : range[1];
        for (long slice = open.openFrom(); slice < open.openEnd(); slice++)
        {
            if (open.find(keyTag, keyId, slice) != OffHeapTable.NOT_FOUND)
            {
                lowest = Math.min(lowest, slice);
                highest = Math.max(highest, slice);
            }
        }
        if (lowest > highest)
        {
            return;
        }
        final long lastEnd = grid.lastWindowEnd(grid.sliceStartOf(highest));
        for (long end = grid.firstWindowEnd(grid.sliceStartOf(lowest)); end <= lastEnd; end += grid.slideMs)
        {
            if (end - 1 + latenessMs > watermarkMs)
            {
                final long start = end - grid.sizeMs;
                final long firstSlice = grid.sliceIndex(start);
                layout.clear(scratch, 0);
                final boolean inStore = record != KeySliceStore.NO_RECORD &&
                    store.mergeInto(record, firstSlice, grid.slicesPerWindow, scratch, 0);
                if (mergeOpenSlicesInto(keyTag, keyId, firstSlice, scratch) | inStore)
                {
                    visitor.visit(start, end, scratch, 0);
                }
            }
        }
    }

    /** Merges the key's open slices among [firstSlice, firstSlice + slices per window). @return true if there are any. */
    private boolean mergeOpenSlicesInto(final int keyTag, final long keyId, final long firstSlice, final UnsafeBuffer target)
    {
        boolean any = false;
        final long endSlice = Math.min(firstSlice + grid.slicesPerWindow, open.openEnd());
        for (long slice = Math.max(firstSlice, open.openFrom()); slice < endSlice; slice++)
        {
            final int entry = open.find(keyTag, keyId, slice);
            if (entry != OffHeapTable.NOT_FOUND)
            {
                layout.merge(target, 0, open.buffer(), open.cellOffset(entry));
                any = true;
            }
        }
        return any;
    }

    public int liveEntries()
    {
        return store.liveSlices() + open.size();
    }

    /** Keys with a record in the slice store, for tests: each key's goes once it holds no slice and no chain. */
    int liveKeys()
    {
        return store.liveKeys();
    }

    /** Chains waiting at unlisted window ends are counted as timers: they are pending all the same. */
    public int pendingTimers()
    {
        return timers.size() + schedule.unlistedWindows();
    }

    public void saveTo(final StateWriter out)
    {
        out.section(0x511D1402);
        store.saveTo(out);
        open.saveTo(out);
        timers.saveTo(out);
        schedule.saveTo(out);
        firings.saveTo(out);
    }

    public void restoreFrom(final StateReader in)
    {
        in.expectSection(0x511D1402, "a sliding window operator");
        store.restoreFrom(in);
        open.restoreFrom(in);
        timers.restoreFrom(in);
        schedule.restoreFrom(in);
        firings.restoreFrom(in);
    }

    public void close()
    {
        store.close();
        open.close();
        firings.close();
        scratchMemory.close();
    }

    private void joinFireChain(
        final int record, final int keyTag, final long keyId, final long sliceStart, final long lastEnd, final long watermarkMs)
    {
        // The first window containing the slice that has not reached its firing time yet.
        long end = grid.firstEnd();
        if (end - 1 <= watermarkMs)
        {
            end += SliceGrid.ceilDiv(watermarkMs + 2 - end, grid.slideMs) * grid.slideMs;
            if (end > lastEnd)
            {
                return;
            }
        }
        if (sliceStart > store.maxSliceStart(record))
        {
            store.maxSliceStart(record, sliceStart);
        }
        if (end < store.chainNextEnd(record))
        {
            store.chainNextEnd(record, end);
            scheduleFire(keyTag, keyId, end);
        }
    }

    /** The key's chain now waits at this window end: counted there, with a timer if the end is listed. */
    private void scheduleFire(final int keyTag, final long keyId, final long windowEnd)
    {
        if (schedule.windowCreated(grid.firstSliceOfWindow(windowEnd)))
        {
            timers.add(windowEnd - 1, FIRE, keyId, keyTag, windowEnd);
        }
    }

    /**
     * Whether to fire a window end by walking the records rather than looking up each due key: when the
     * keys due are a good share of the records the walk reads, as when most keys are active, a walk in
     * record order reads headers and cell columns forward where lookups would each miss the cache at
     * random. Freed records count as read, so a walk never costs more than a few lookups per due key.
     */
    private boolean sweepPays(final int dueKeys)
    {
        return (long)dueKeys * SWEEP_WHEN_DUE_OF_WALKED >= store.chainWalkLength();
    }

    /**
     * Fires the earliest pending window end: by a walk of the records if its keys are a good share of the
     * records walked, else through their timers, listing it (and every other pending end) first if it is not yet.
     * A count may include keys whose chain was pulled back to an earlier end since; both ways check each
     * key's chain, so such a key fires once, where its chain is.
     */
    private void fireEarliestEnd()
    {
        final FireSchedule schedule = this.schedule;
        final long windowEnd = grid.sliceStartOf(schedule.earliestIndex()) + grid.sizeMs;
        final boolean listed = schedule.earliestListed();
        if (sweepPays(schedule.earliestCount()))
        {
            schedule.removeEarliest();
            if (listed && hasFireTimersAt(windowEnd))
            {
                timers.pollInstant(); // the walk reaches every key they name
            }
            sweepWindowEnd = windowEnd;
            store.forEachChain(fireIfDueInSweep);
            return;
        }
        if (!listed)
        {
            listPendingChains();
        }
        schedule.removeEarliest();
        if (hasFireTimersAt(windowEnd))
        {
            final BucketTimerQueue timers = this.timers;
            for (int due = timers.peekInstantSize(); due > 0; due--)
            {
                final long keyId = timers.peekKey();
                final int keyTag = timers.peekTag();
                timers.poll();
                fireChain(keyTag, keyId, windowEnd);
            }
        }
    }

    /**
     * Whether the timers' head is this end's fire timers. A listed end should always have some (each chain
     * waiting there got one), but its count can include chains pulled back since, so this is checked, not
     * assumed: firing an end is then a no-op rather than a poll of some other instant's timers.
     */
    private boolean hasFireTimersAt(final long windowEnd)
    {
        return !timers.isEmpty() && timers.peekTime() == windowEnd - 1 && timers.peekKind() == FIRE;
    }

    private void fireIfDueInSweep(final int record, final int keyTag, final long keyId, final long chainNextEnd)
    {
        if (chainNextEnd == sweepWindowEnd)
        {
            fireChainAt(record, keyTag, keyId, chainNextEnd);
        }
    }

    /**
     * Gives every chain waiting at an unlisted end its fire timer, in record order, and marks those ends
     * listed: one walk, paid when a sparse end is due, and no more often than ends are (see {@link FireSchedule}).
     */
    private void listPendingChains()
    {
        store.forEachChain(listChain);
        schedule.listAll();
    }

    private void listChain(final int record, final int keyTag, final long keyId, final long chainNextEnd)
    {
        if (schedule.isUnlisted(grid.sliceIndex(chainNextEnd - grid.sizeMs)))
        {
            timers.add(chainNextEnd - 1, FIRE, keyId, keyTag, chainNextEnd);
        }
    }

    /** Fires the key's window ending here if its chain waits here, as a fire timer names it. */
    private void fireChain(final int keyTag, final long keyId, final long windowEnd)
    {
        final int record = store.record(keyTag, keyId);
        if (record != KeySliceStore.NO_RECORD && store.chainNextEnd(record) == windowEnd)
        {
            fireChainAt(record, keyTag, keyId, windowEnd);
        }
        // else stale: the chain was pulled back past this end and has already moved on
    }

    /** Fires the window ending where the key's chain waits, and moves the chain on or ends it. */
    private void fireChainAt(final int record, final int keyTag, final long keyId, final long windowEnd)
    {
        final long nextEnd = windowEnd + grid.slideMs;
        final long firstSlice = grid.firstSliceOfWindow(windowEnd);
        layout.clear(scratch, 0);
        // Without lateness, later windows start at nextEnd - size or after and nothing re-fires: older slices
        // are dead, and the store frees them as it merges (keeping what the next window shares, see fireAndFree).
        final boolean any = latenessMs == 0 ?
            store.fireAndFree(record, firstSlice, grid.slicesPerWindow, grid.firstSliceOfWindow(nextEnd), scratch, 0) :
            store.mergeWindow(record, firstSlice, grid.slicesPerWindow, scratch, 0);
        if (any)
        {
            emitMerged(keyTag, keyId, windowEnd);
        }
        if (store.maxSliceStart(record) >= nextEnd - grid.sizeMs)
        {
            store.chainNextEnd(record, nextEnd);
            scheduleFire(keyTag, keyId, nextEnd);
        }
        else
        {
            store.endChain(record);
        }
    }

    private void fireLateWindows(
        final int keyTag, final long keyId, final long firstEnd, final long lastEnd, final long watermarkMs)
    {
        for (long end = firstEnd; end <= lastEnd && end - 1 <= watermarkMs; end += grid.slideMs)
        {
            if (end - 1 + latenessMs > watermarkMs)
            {
                fireAgain(store.lastRecord(), keyTag, keyId, end);
            }
        }
    }

    /**
     * A window fired again by an element within its lateness: merged slice by slice, since the suffixes and
     * the running total follow the chain only.
     */
    private void fireAgain(final int record, final int keyTag, final long keyId, final long windowEnd)
    {
        layout.clear(scratch, 0);
        if (store.mergeInto(record, grid.firstSliceOfWindow(windowEnd), grid.slicesPerWindow, scratch, 0))
        {
            emitMerged(keyTag, keyId, windowEnd);
        }
    }

    /** The window ending here, as merged into the scratch accumulator. */
    private void emitMerged(final int keyTag, final long keyId, final long windowEnd)
    {
        output.result(keyTag, keyId, windowEnd - grid.sizeMs, windowEnd, scratch, 0, firings.next(keyTag, keyId, windowEnd));
    }
}
