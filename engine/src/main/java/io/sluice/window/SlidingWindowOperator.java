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
 * <p>Per key, one "fire chain" timer walks the window ends in order while the key has slices that reach
 * them; the key record holds the chain's next end and the key's newest slice. An out-of-order slice that
 * needs an earlier window pulls the chain back and leaves the later timer stale; stale timers are
 * recognised when they pop (their end is not the chain's next end). With allowed lateness, each slice is
 * freed by a timer at the lateness horizon of the last window containing it; without, a firing frees the
 * slices no later window needs (slices in the overflow table keep their timers).
 */
public final class SlidingWindowOperator implements WindowOperator
{
    private static final int FIRE = 0;
    private static final int CLEANUP_FIRING_COUNT = 1;
    private static final int CLEANUP_SLICE = 2;

    private final SliceGrid grid;
    private final long latenessMs;
    private final AccumulatorLayout layout;
    private final Output output;
    private final KeySliceStore store;
    private final BucketTimerQueue timers;
    private final FiringCounter firings;
    private final DirectMemory scratchMemory;
    private final UnsafeBuffer scratch;

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
        this.timers = new BucketTimerQueue(expectedKeys * 2);
        this.firings = new FiringCounter(latenessMs, expectedKeys, timers, CLEANUP_FIRING_COUNT);
        this.scratchMemory = new DirectMemory(layout.bytes());
        this.scratch = scratchMemory.buffer();
    }

    /** Enough cells for the slices a key has live at once: a window's worth, plus those kept for lateness. */
    static int defaultRingSlices(final WindowSpec window, final long allowedLatenessMs)
    {
        final SliceGrid grid = new SliceGrid(window);
        return KeySliceStore.ringSlicesFor(grid.slicesPerWindow + SliceGrid.ceilDiv(allowedLatenessMs, grid.sliceMs));
    }

    public void onElement(
        final int keyTag, final long keyId, final long eventTimeMs, final long value, final int partition, final long watermarkMs)
    {
        final SliceGrid grid = this.grid;
        grid.locate(eventTimeMs);
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

        final long slice = grid.sliceIndex();
        final int added = store.add(keyTag, keyId, slice, value);
        if (eventTimeMs <= watermarkMs)
        {
            // Behind the watermark, so possibly in a slice a firing has already merged: only then can the
            // suffixes be stale (see KeySliceStore), and an element ahead of the watermark never pays this.
            store.invalidateSuffixes(store.lastRecord());
        }
        if (added != KeySliceStore.ADDED)
        {
            if (latenessMs > 0 || added == KeySliceStore.CREATED_IN_OVERFLOW)
            {
                timers.add(lastEnd - 1 + latenessMs, CLEANUP_SLICE, keyId, keyTag, slice);
            }
            joinFireChain(store.lastRecord(), keyTag, keyId, sliceStart, lastEnd, watermarkMs);
        }

        if (latenessMs > 0 && grid.firstEnd() - 1 <= watermarkMs)
        {
            fireLateWindows(keyTag, keyId, grid.firstEnd(), lastEnd, watermarkMs);
        }
    }

    public void onWatermark(final long watermarkMs)
    {
        final BucketTimerQueue timers = this.timers;
        boolean freed = false;
        while (!timers.isEmpty() && timers.peekTime() <= watermarkMs)
        {
            final int kind = timers.peekKind();
            final long keyId = timers.peekKey();
            final int keyTag = timers.peekTag();
            final long aux = timers.peekAux();
            timers.poll();
            switch (kind)
            {
                case FIRE:
                    onFireTimer(keyTag, keyId, aux);
                    break;
                case CLEANUP_SLICE:
                    freed |= store.remove(keyTag, keyId, aux);
                    break;
                default:
                    firings.forget(keyTag, keyId, aux);
                    break;
            }
        }
        if (freed)
        {
            store.shrinkIfSparse();
        }
    }

    /** The key's windows that still hold slices and are not past their lateness, merged as a firing would. */
    public void visitWindows(final int keyTag, final long keyId, final long watermarkMs, final WindowVisitor visitor)
    {
        final int record = store.record(keyTag, keyId);
        final long[] range = record == OffHeapTable.NOT_FOUND ? null : store.sliceRange(record);
        if (range == null)
        {
            return;
        }
        final long lastEnd = grid.lastWindowEnd(grid.sliceStartOf(range[1]));
        for (long end = grid.firstWindowEnd(grid.sliceStartOf(range[0])); end <= lastEnd; end += grid.slideMs)
        {
            if (end - 1 + latenessMs > watermarkMs)
            {
                final long start = end - grid.sizeMs;
                layout.clear(scratch, 0);
                if (store.mergeInto(record, grid.sliceIndex(start), grid.slicesPerWindow, scratch, 0))
                {
                    visitor.visit(start, end, scratch, 0);
                }
            }
        }
    }

    public int liveEntries()
    {
        return store.liveSlices();
    }

    public int pendingTimers()
    {
        return timers.size();
    }

    public void saveTo(final StateWriter out)
    {
        out.section(0x511D1400);
        store.saveTo(out);
        timers.saveTo(out);
        firings.saveTo(out);
    }

    public void restoreFrom(final StateReader in)
    {
        in.expectSection(0x511D1400, "a sliding window operator");
        store.restoreFrom(in);
        timers.restoreFrom(in);
        firings.restoreFrom(in);
    }

    public void close()
    {
        store.close();
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
            timers.add(end - 1, FIRE, keyId, keyTag, end);
        }
    }

    private void onFireTimer(final int keyTag, final long keyId, final long windowEnd)
    {
        final int record = store.record(keyTag, keyId);
        if (record == OffHeapTable.NOT_FOUND || store.chainNextEnd(record) != windowEnd)
        {
            return; // stale: the chain was pulled back past this end and has already moved on
        }

        fireWindow(record, keyTag, keyId, windowEnd, true);

        final long nextEnd = windowEnd + grid.slideMs;
        if (latenessMs == 0)
        {
            // Later windows start at nextEnd - size or after and nothing re-fires: older slices are dead.
            store.freeRingSlicesBefore(record, grid.sliceIndex(nextEnd - grid.sizeMs));
        }
        if (store.maxSliceStart(record) >= nextEnd - grid.sizeMs)
        {
            store.chainNextEnd(record, nextEnd);
            timers.add(nextEnd - 1, FIRE, keyId, keyTag, nextEnd);
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
                fireWindow(store.lastRecord(), keyTag, keyId, end, false);
            }
        }
    }

    /**
     * @param inChain true for the chain's next window, merged through the store's suffixes; false for a window
     *                fired again by an element within its lateness, merged slice by slice (the suffixes follow
     *                the chain only).
     */
    private void fireWindow(final int record, final int keyTag, final long keyId, final long windowEnd, final boolean inChain)
    {
        final long windowStart = windowEnd - grid.sizeMs;
        final long firstSlice = grid.sliceIndex(windowStart);
        layout.clear(scratch, 0);
        if (inChain ? store.mergeWindow(record, firstSlice, grid.slicesPerWindow, scratch, 0) :
            store.mergeInto(record, firstSlice, grid.slicesPerWindow, scratch, 0))
        {
            output.result(keyTag, keyId, windowStart, windowEnd, scratch, 0, firings.next(keyTag, keyId, windowEnd));
        }
    }
}
