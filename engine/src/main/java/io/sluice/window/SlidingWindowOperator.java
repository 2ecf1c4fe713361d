package io.sluice.window;

import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;
import io.sluice.WindowSpec;
import io.sluice.state.BucketTimerQueue;
import io.sluice.state.DirectMemory;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Sliding windows over slices (panes) of width gcd(size, slide), so that an event costs one state update
 * whatever the number of windows it belongs to; a window is the merge of its size / width slices when it
 * fires.
 *
 * <p>Firing follows Flink's {@code WindowOperator} exactly: a window fires when the watermark reaches
 * end - 1 if it holds anything; an event is dropped to the late output only when every window it belongs
 * to is late ({@code end - 1 + lateness <= watermark}); an accepted event for a window that has fired but
 * is not late re-fires that window at once, numbered 1, 2... Slicing is equivalent because an event is
 * added to every non-late window containing it, and a late window never fires again, so adding it to
 * the slice cannot change any output.
 *
 * <pre>
 *   element in the open slices ──► the key's open entry ──► watermark passes a slice's end ──► slice columns
 *   any other element ─────────────────────────────────────────────────────────────────────► slice columns
 *   watermark reaches a window end - 1 ──► one walk of the key records: merge, emit, free what is dead
 * </pre>
 *
 * <p>Nearly every element lands in {@link OpenSlices}, one probe of one table of keys, each entry holding
 * the key's open slices: the one the watermark is in and as many after it as the watermark bound reaches.
 * When the watermark passes a slice's end, the slice moves into
 * {@link SliceColumns}, a cell per key in the column of that slice, at the record number the key's entry
 * kept from its previous slice. Every key's windows end together, so a window end fires by one walk of the key
 * records in number order, which reads each column it needs forward: no timer and no lookup per key. A
 * window end that no key holds a slice of is skipped, up to the next slice anyone holds.
 *
 * <p>Without lateness, a slice is dead once the window it is the oldest slice of has fired; the walk
 * frees it there and then, and for the built-in aggregates keeps, in the key's record, the totals of the
 * slices the next window shares with this one: the next firing adds its newest slices to them instead of
 * merging all, and takes the oldest back out: count and sum by subtraction, the minimum and maximum
 * through two stacks ({@link SliceColumns#fireWithRunningTotals}). An element behind the watermark may
 * change a slice the totals include; the next firing then merges afresh. With lateness, slices live
 * until the last window containing them is late, and are freed then by a walk of their own
 * ({@link #retireDead}).
 */
public final class SlidingWindowOperator implements WindowOperator
{
    private static final int CLEANUP_FIRING_COUNT = 1;
    /** No window end placed yet: nothing has been held since the start, or since the end of input. */
    private static final long UNPLACED = Long.MIN_VALUE;

    private final SliceGrid grid;
    private final long latenessMs;
    private final AccumulatorLayout layout;
    private final Output output;
    private final SliceColumns store;
    private final OpenSlices open;
    private final BucketTimerQueue timers;
    private final FiringCounter firings;
    private final boolean runningTotals;
    private final OpenSlices.SliceReceiver handOverSlice = this::handOverSlice;
    private final SliceColumns.WindowTotals emitTotals = this::emitTotals;
    private final DirectMemory scratchMemory;
    private final UnsafeBuffer scratch;
    /** The earliest window end not yet fired, or {@link #UNPLACED}. */
    private long nextFireEnd = UNPLACED;
    /** The window end a running-totals walk is firing. */
    private long firingEnd;

    /**
     * @param watermarkBoundMs how far behind the newest event the watermark runs: elements land up to that
     *                         far ahead of it, and the slices they land in are kept open (see {@link OpenSlices}).
     */
    public SlidingWindowOperator(
        final WindowSpec window, final long allowedLatenessMs, final Output output, final int expectedKeys,
        final long watermarkBoundMs)
    {
        this(window, allowedLatenessMs, output, expectedKeys, defaultRingSlices(window, allowedLatenessMs),
            OpenSlices.spanFor(new SliceGrid(window), watermarkBoundMs, output.layout().bytes()), true);
    }

    /**
     * @param ringSlices    slice columns; slices the ring does not cover overflow (small values test that path).
     * @param openSpan      slices kept open ahead of the watermark, {@link OpenSlices#MIN_SPAN} to {@link OpenSlices#MAX_SPAN}.
     * @param runningTotals false to merge every firing window slice by slice, as custom aggregates and
     *                      lateness always do; tests compare the two.
     */
    SlidingWindowOperator(
        final WindowSpec window, final long allowedLatenessMs, final Output output, final int expectedKeys,
        final int ringSlices, final int openSpan, final boolean runningTotals)
    {
        this.grid = new SliceGrid(window);
        this.latenessMs = allowedLatenessMs;
        this.output = output;
        this.layout = output.layout();
        this.store = new SliceColumns(layout, ringSlices, expectedKeys);
        this.open = new OpenSlices(grid, layout, expectedKeys, openSpan);
        this.timers = new BucketTimerQueue(expectedKeys * 2);
        this.firings = new FiringCounter(latenessMs, expectedKeys, timers, CLEANUP_FIRING_COUNT);
        this.runningTotals = runningTotals && latenessMs == 0 && layout.builtinOnly();
        this.scratchMemory = new DirectMemory(layout.bytes());
        this.scratch = scratchMemory.buffer();
    }

    /** Enough columns for the slices live at once: a window's worth, plus those kept for lateness. */
    static int defaultRingSlices(final WindowSpec window, final long allowedLatenessMs)
    {
        final SliceGrid grid = new SliceGrid(window);
        return SliceColumns.ringSlicesFor(grid.slicesPerWindow + SliceGrid.ceilDiv(allowedLatenessMs, grid.sliceMs));
    }

    /**
     * The common case first, kept small: an event ahead of the watermark lies in no window that has fired
     * or is late, so unless its slice is beyond the open ones it is one update.
     *
     * <p>Small in compiled code too. C2 inlines a method into its caller's loop only while the method's own
     * compiled code is under InlineSmallCode (2 500 bytes on x86-64). This one, with what it inlines, came
     * out at 2.5-2.6 KB, so some JVM starts inlined it and others did not, which moved sliding's rate by
     * about a tenth in {@code WindowRatios}. With the slice arithmetic out of line ({@link SliceGrid}) and a
     * new slice's entry written at raw addresses, it is about 2.3 KB.
     */
    public void onElement(
        final int keyTag, final long keyId, final long eventTimeMs, final long value, final int partition, final long watermarkMs)
    {
        final SliceGrid grid = this.grid;
        grid.locate(eventTimeMs);
        if (eventTimeMs > watermarkMs && grid.lastEnd() > grid.sliceStart())
        {
            if (!open.add(keyTag, keyId, grid.sliceIndex(), value))
            {
                // Ahead of the watermark, so in no window that has fired: the running totals stay right.
                store.add(recordFor(keyTag, keyId, grid.sliceIndex()), grid.sliceIndex(), value);
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

        final int record = recordFor(keyTag, keyId, grid.sliceIndex());
        store.add(record, grid.sliceIndex(), value);
        // At or behind the watermark, so possibly in a slice the running totals include: only then can they
        // be stale, and an element ahead of the watermark never pays this.
        store.forgetRunning(record);

        if (latenessMs > 0 && grid.firstEnd() - 1 <= watermarkMs)
        {
            fireLateWindows(record, keyTag, keyId, grid.firstEnd(), lastEnd, watermarkMs);
        }
    }

    /** The key's record, made as needed; an empty ring is placed around the slice first, a little below it for disorder. */
    private int recordFor(final int keyTag, final long keyId, final long slice)
    {
        return recordFor(keyTag, keyId, slice, SliceColumns.NO_RECORD);
    }

    /** As {@link #recordFor(int, long, long)}, taking the hint if it still is the key's record. */
    private int recordFor(final int keyTag, final long keyId, final long slice, final int hint)
    {
        if (store.liveRingCells() == 0 && !store.inRing(slice))
        {
            store.placeRing(slice - (store.ringSlices() >> 2));
        }
        return store.recordOrCreate(keyTag, keyId, hint);
    }

    /**
     * An open slice the watermark has just passed the end of, into the columns. None of its windows has
     * fired (see {@link OpenSlices}), so the running totals do not include it.
     *
     * @return the key's record, which the open slices keep for the key's next slice.
     */
    private int handOverSlice(
        final int keyTag, final long keyId, final int recordHint, final long slice, final UnsafeBuffer buffer, final int cellOffset)
    {
        final int record = recordFor(keyTag, keyId, slice, recordHint);
        store.merge(record, slice, buffer, cellOffset);
        return record;
    }

    public void onWatermark(final long watermarkMs)
    {
        if (watermarkMs == Long.MIN_VALUE)
        {
            return;
        }
        // Windows ending before the first open slice need nothing from the open slices: fired first, they
        // move the ring on, so that the slices closing now find their columns.
        boolean freed = open.size() > 0 && fireDue(watermarkMs, grid.sliceStartOf(open.openFrom()));
        freed |= open.advance(watermarkMs, handOverSlice);
        freed |= fireDue(watermarkMs, Long.MAX_VALUE);
        freed |= retireDead(watermarkMs);
        final BucketTimerQueue timers = this.timers;
        while (!timers.isEmpty() && timers.peekTime() <= watermarkMs)
        {
            final int kind = timers.peekKind();
            if (kind != CLEANUP_FIRING_COUNT)
            {
                throw new IllegalStateException("a sliding window timer of unknown kind " + kind);
            }
            firings.forget(timers.peekTag(), timers.peekKey(), timers.peekAux());
            timers.poll();
        }
        if (freed)
        {
            store.shrinkIfSparse();
            open.shrinkIfSparse();
        }
        // Whatever freed the records (a firing, a cleanup, an overflow slice's end): two counts to compare.
        store.compactIfSparse();
    }

    /**
     * Fires every window end the watermark has reached, up to {@code untilEnd}, that some key holds a
     * slice of; ends no key holds anything for are skipped, up to the next slice held.
     *
     * @return whether anything was freed.
     */
    private boolean fireDue(final long watermarkMs, final long untilEnd)
    {
        boolean freed = false;
        while (true)
        {
            final long end = nextFireEnd;
            if (end != UNPLACED && (end - 1 > watermarkMs || end > untilEnd))
            {
                return freed;
            }
            final long firstNotDue = firstEndNotLate(watermarkMs, 0);
            final long first = end == UNPLACED ? Long.MIN_VALUE : grid.firstSliceOfWindow(end);
            if (end != UNPLACED && store.holdsAnyIn(first, first + grid.slicesPerWindow))
            {
                freed |= fireEnd(end);
                nextFireEnd = end + grid.slideMs;
                continue;
            }
            // Nothing held for this end: on to the first end of the lowest slice held, here or still open.
            final long lowest = Math.min(store.lowestSliceFrom(first), open.size() > 0 ? open.openFrom() : Long.MAX_VALUE);
            if (lowest == Long.MAX_VALUE)
            {
                // Nothing held at all: an element ahead of the watermark can only be in windows after it.
                nextFireEnd = firstNotDue == Long.MAX_VALUE ? UNPLACED : firstNotDue;
                return freed;
            }
            // No further than the first end not due: an element ahead of the watermark may yet fill the ends between.
            final long next = Math.min(grid.firstWindowEnd(grid.sliceStartOf(lowest)), firstNotDue);
            nextFireEnd = end == UNPLACED ? next : Math.max(end + grid.slideMs, next);
        }
    }

    /** Fires the window ending here for every key holding a slice of it, in record number order. @return whether anything was freed. */
    private boolean fireEnd(final long windowEnd)
    {
        final long first = grid.firstSliceOfWindow(windowEnd);
        final long until = first + grid.slicesPerWindow;
        // Without lateness, the slices before the next window's are dead once this one has fired.
        final long deadUntil = latenessMs == 0 ? grid.firstSliceOfWindow(windowEnd + grid.slideMs) : first;
        final SliceColumns store = this.store;
        boolean freed = false;
        if (runningTotals)
        {
            firingEnd = windowEnd;
            freed = store.fireWithRunningTotals(windowEnd, windowEnd + grid.slideMs, first, until, deadUntil, emitTotals);
        }
        else
        {
            for (int record = 0, limit = store.recordLimit(); record < limit; record++)
            {
                final int keyTag = store.keyTag(record);
                if (keyTag == 0)
                {
                    continue;
                }
                layout.clear(scratch, 0);
                if (store.mergeInto(record, first, until, scratch, 0))
                {
                    emit(keyTag, store.keyId(record), windowEnd);
                }
                if (deadUntil > first)
                {
                    store.clearRing(record, first, deadUntil);
                    freed |= store.releaseIfEmpty(record);
                }
            }
        }
        if (deadUntil > first)
        {
            store.clearOverflowBelow(deadUntil);
            store.moveLowTo(deadUntil);
        }
        return freed;
    }

    /** A key's window as the running-totals walk sums it, for the end {@link #firingEnd}. */
    private void emitTotals(final int keyTag, final long keyId, final long count, final long sum, final long min, final long max)
    {
        AccumulatorLayout.writeBuiltins(scratch, 0, count, sum, min, max);
        emit(keyTag, keyId, firingEnd);
    }

    /**
     * Frees the slices of windows now late, with lateness: every slice before the first window that is
     * neither late nor unfired. Without lateness the firing walk has freed them already.
     *
     * @return whether anything was freed.
     */
    private boolean retireDead(final long watermarkMs)
    {
        long neededEnd = firstEndNotLate(watermarkMs, latenessMs);
        if (nextFireEnd != UNPLACED)
        {
            neededEnd = Math.min(neededEnd, nextFireEnd);
        }
        final long newLow = neededEnd == Long.MAX_VALUE ? Long.MAX_VALUE : grid.firstSliceOfWindow(neededEnd);
        final long low = store.low();
        if (newLow <= low && store.overflowSlices() == 0)
        {
            return false;
        }
        boolean freed = newLow > low && store.holdsAnyIn(low, newLow) && store.clearRingOfAll(low, newLow);
        final int overflowBefore = store.overflowSlices();
        store.clearOverflowBelow(newLow);
        freed |= store.overflowSlices() != overflowBefore;
        if (newLow != Long.MAX_VALUE)
        {
            store.moveLowTo(newLow);
        }
        return freed;
    }

    /**
     * The first window end that is not late with this lateness ({@code end - 1 + lateness > watermark};
     * lateness 0: the first end not due), or Long.MAX_VALUE at the end of input, when every end is.
     */
    private long firstEndNotLate(final long watermarkMs, final long lateMs)
    {
        if (watermarkMs == Long.MAX_VALUE)
        {
            return Long.MAX_VALUE;
        }
        final long timeMs = watermarkMs + 2 - lateMs;
        return timeMs + Math.floorMod(grid.offsetMs + grid.sizeMs - timeMs, grid.slideMs);
    }

    /** The key's windows containing the element's slice that have fired and are not late: fired again, merged afresh. */
    private void fireLateWindows(
        final int record, final int keyTag, final long keyId, final long firstEnd, final long lastEnd, final long watermarkMs)
    {
        for (long end = firstEnd; end <= lastEnd && end - 1 <= watermarkMs; end += grid.slideMs)
        {
            if (end - 1 + latenessMs > watermarkMs)
            {
                final long first = grid.firstSliceOfWindow(end);
                layout.clear(scratch, 0);
                if (store.mergeInto(record, first, first + grid.slicesPerWindow, scratch, 0))
                {
                    emit(keyTag, keyId, end);
                }
            }
        }
    }

    /** The window ending here, as merged into the scratch accumulator. */
    private void emit(final int keyTag, final long keyId, final long windowEnd)
    {
        output.result(keyTag, keyId, windowEnd - grid.sizeMs, windowEnd, scratch, 0, firings.next(keyTag, keyId, windowEnd));
    }

    /** The key's windows that still hold slices and are not past their lateness, merged as a firing would. */
    public void visitWindows(final int keyTag, final long keyId, final long watermarkMs, final WindowVisitor visitor)
    {
        final int record = store.record(keyTag, keyId);
        final long[] range = record == SliceColumns.NO_RECORD ? null : store.sliceRange(record);
        long lowest = range == null ? Long.MAX_VALUE : range[0];
        long highest = range == null ? Long.MIN_VALUE : range[1];
        for (long slice = open.openFrom(); slice < open.openEnd(); slice++)
        {
            if (open.cellOffset(keyTag, keyId, slice) >= 0)
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
                final boolean inStore = record != SliceColumns.NO_RECORD &&
                    store.mergeInto(record, firstSlice, firstSlice + grid.slicesPerWindow, scratch, 0);
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
            final int cell = open.cellOffset(keyTag, keyId, slice);
            if (cell >= 0)
            {
                layout.merge(target, 0, open.buffer(), cell);
                any = true;
            }
        }
        return any;
    }

    public int liveEntries()
    {
        return store.liveSlices() + open.size();
    }

    /** Keys with a record in the slice columns, for tests: each key's goes once it holds no slice. */
    int liveKeys()
    {
        return store.liveKeys();
    }

    public int pendingTimers()
    {
        return timers.size();
    }

    public void saveTo(final StateWriter out)
    {
        out.section(0x511D1403).putLong(nextFireEnd);
        store.saveTo(out);
        open.saveTo(out);
        timers.saveTo(out);
        firings.saveTo(out);
    }

    public void restoreFrom(final StateReader in)
    {
        in.expectSection(0x511D1403, "a sliding window operator");
        nextFireEnd = in.getLong();
        store.restoreFrom(in);
        open.restoreFrom(in);
        timers.restoreFrom(in);
        firings.restoreFrom(in);
    }

    public void close()
    {
        store.close();
        open.close();
        firings.close();
        scratchMemory.close();
    }
}
