package io.sluice.window;

import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;
import io.sluice.WindowSpec;
import io.sluice.state.BucketTimerQueue;
import io.sluice.state.OffHeapTable;

/**
 * Tumbling windows: one accumulator per (key, window) in an off-heap table; firing by window index.
 *
 * <p>Firing follows Flink's {@code WindowOperator} exactly: a window fires when the watermark reaches
 * end - 1 if it holds anything; an event whose window is late ({@code end - 1 + lateness <= watermark})
 * goes to the late output; an accepted event for a window that has fired re-fires it at once, numbered
 * 1, 2... Without lateness the fire frees the window, otherwise a cleanup timer does at the lateness
 * horizon. The table's home slot adds the window's grid index to the key's hash, so a key's
 * consecutive windows are neighbours.
 *
 * <p>All windows of one grid index end together, so a {@link FireSchedule} counts them per index and an
 * index fires by one walk of the table while it holds a good share of the live windows; a window then
 * needs no timer of its own. A sparse index is fired by lookups through per-window timers, which the
 * schedule asks for only once an index has turned out sparse ({@link #listPendingWindows}).
 */
public final class TumblingWindowOperator implements WindowOperator
{
    private static final int FIRE = 0;
    private static final int CLEANUP_FIRING_COUNT = 1;
    private static final int CLEANUP_WINDOW = 2;
    /** Walk the table to fire an instant once its due windows are at least 1 / this of the live ones. */
    private static final int SWEEP_WHEN_DUE_OF_LIVE = 2;

    private final SliceGrid grid;
    private final long latenessMs;
    private final AccumulatorLayout layout;
    private final Output output;
    private final OffHeapTable windows;
    private final BucketTimerQueue timers;
    private final FiringCounter firings;
    private final FireSchedule schedule;
    // Made once: a walk that fires an index passes it to the table for every window, allocating nothing.
    private final OffHeapTable.EntryVisitor emitEntry = this::emitAt;

    public TumblingWindowOperator(
        final WindowSpec window, final long allowedLatenessMs, final Output output, final int expectedKeys)
    {
        this.grid = new SliceGrid(window);
        if (grid.slicesPerWindow != 1)
        {
            throw new IllegalArgumentException("not a tumbling window: " + window);
        }
        this.latenessMs = allowedLatenessMs;
        this.output = output;
        this.layout = output.layout();
        this.windows = new OffHeapTable(layout.bytes(), expectedKeys * 2);
        this.timers = new BucketTimerQueue(expectedKeys * 2);
        this.firings = new FiringCounter(latenessMs, expectedKeys, timers, CLEANUP_FIRING_COUNT);
        this.schedule = new FireSchedule(grid);
    }

    /**
     * A window that has not fired yet (so an event for it cannot be late either) is one probe of the table,
     * which finds or opens it, and one update: the late and re-firing cases are left to a method of their own.
     * That keeps this method's compiled code under the size up to which the JIT inlines a method that is
     * already compiled (InlineSmallCode, 2 500 bytes on x86-64), so a caller's loop can take it in whole;
     * a find and then an insert, with a probe loop each, put it over.
     */
    public void onElement(
        final int keyTag, final long keyId, final long eventTimeMs, final long value, final int partition, final long watermarkMs)
    {
        final SliceGrid grid = this.grid;
        grid.locate(eventTimeMs);
        final long end = grid.lastEnd();
        if (end - 1 > watermarkMs)
        {
            final OffHeapTable windows = this.windows;
            final long index = grid.sliceIndex();
            final int entry = windows.findOrInsert(keyId, index, keyTag);
            if (entry >= 0)
            {
                layout.add(windows.buffer(), windows.valueOffset(entry), value);
                return;
            }
            layout.first(windows.buffer(), windows.valueOffset(OffHeapTable.insertedOffset(entry)), value);
            if (schedule.windowCreated(index))
            {
                timers.add(end - 1, FIRE, keyId, keyTag, index);
            }
            if (latenessMs > 0)
            {
                timers.add(end - 1 + latenessMs, CLEANUP_WINDOW, keyId, keyTag, index);
            }
            return;
        }
        onElementForFiredWindow(keyTag, keyId, eventTimeMs, value, partition, watermarkMs);
    }

    /**
     * An event for a window the watermark has reached the end of: late past the lateness, else added to the
     * window (opened again if it was empty) and re-fired at once.
     */
    private void onElementForFiredWindow(
        final int keyTag, final long keyId, final long eventTimeMs, final long value, final int partition, final long watermarkMs)
    {
        final long end = grid.lastEnd();
        if (end - 1 + latenessMs <= watermarkMs)
        {
            output.late(keyTag, keyId, eventTimeMs, value, partition, watermarkMs);
            return;
        }
        final long index = grid.sliceIndex();
        final int entry = windows.findOrInsert(keyId, index, keyTag);
        if (entry >= 0)
        {
            layout.add(windows.buffer(), windows.valueOffset(entry), value);
        }
        else
        {
            // Past its firing time, so not in the fire schedule; within the lateness, which is therefore positive.
            layout.first(windows.buffer(), windows.valueOffset(OffHeapTable.insertedOffset(entry)), value);
            timers.add(end - 1 + latenessMs, CLEANUP_WINDOW, keyId, keyTag, index);
        }
        fire(keyTag, keyId, index);
    }

    public void onWatermark(final long watermarkMs)
    {
        final BucketTimerQueue timers = this.timers;
        final FireSchedule schedule = this.schedule;
        boolean freed = false;
        while (true)
        {
            if (schedule.firesBefore(timers, watermarkMs))
            {
                freed |= fireEarliestIndex();
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
                case CLEANUP_WINDOW:
                    final int late = windows.find(keyId, aux, keyTag);
                    if (late != OffHeapTable.NOT_FOUND)
                    {
                        windows.removeAt(late);
                        freed = true;
                    }
                    break;
                case CLEANUP_FIRING_COUNT:
                    firings.forget(keyTag, keyId, aux);
                    break;
                default:
                    throw new IllegalStateException("a fire timer outside the fire schedule, for window index " + aux);
            }
        }
        if (freed)
        {
            windows.shrinkIfSparse();
        }
    }

    /** Scans the table for the key's windows: a status query's cost, paid on the shard thread. */
    public void visitWindows(final int keyTag, final long keyId, final long watermarkMs, final WindowVisitor visitor)
    {
        final java.util.List<Long> indexes = new java.util.ArrayList<>();
        windows.forEach(entry ->
        {
            if (windows.key1(entry) == keyId && windows.tag(entry) == keyTag)
            {
                indexes.add(windows.key2(entry));
            }
        });
        indexes.sort(null);
        for (final long index : indexes)
        {
            final long start = grid.sliceStartOf(index);
            final long end = start + grid.sizeMs;
            if (end - 1 + latenessMs > watermarkMs)
            {
                final int entry = windows.find(keyId, index, keyTag);
                visitor.visit(start, end, windows.buffer(), windows.valueOffset(entry));
            }
        }
    }

    public int liveEntries()
    {
        return windows.size();
    }

    /** Fire timers of windows in unlisted indexes are counted as if they existed: they are pending all the same. */
    public int pendingTimers()
    {
        return timers.size() + schedule.unlistedWindows();
    }

    public void saveTo(final StateWriter out)
    {
        out.section(0x7B3B1E01);
        windows.saveTo(out);
        timers.saveTo(out);
        schedule.saveTo(out);
        firings.saveTo(out);
    }

    public void restoreFrom(final StateReader in)
    {
        in.expectSection(0x7B3B1E01, "a tumbling window operator");
        windows.restoreFrom(in);
        timers.restoreFrom(in);
        schedule.restoreFrom(in);
        firings.restoreFrom(in);
    }

    public void close()
    {
        windows.close();
        firings.close();
    }

    /**
     * Whether to fire an instant by walking the table rather than looking up each due key: when the due
     * windows are a good share of all the live ones, as when most keys are active, a walk in slot order
     * reads the table forward line by line where the lookups would each miss the cache at random.
     */
    private boolean sweepPays(final int dueWindows)
    {
        return (long)dueWindows * SWEEP_WHEN_DUE_OF_LIVE >= windows.size();
    }

    /**
     * Fires the earliest pending index: by a walk of the table if it holds a good share of the live windows,
     * else through its windows' timers, listing it (and every other pending index) first if it is not yet.
     *
     * @return whether any window was freed.
     */
    private boolean fireEarliestIndex()
    {
        final FireSchedule schedule = this.schedule;
        final long index = schedule.earliestIndex();
        if (sweepPays(schedule.earliestCount()))
        {
            if (schedule.earliestListed())
            {
                requireFireTimersAtHead(index);
                timers.pollInstant();
            }
            schedule.removeEarliest();
            return fireInSlotOrder(index);
        }
        if (!schedule.earliestListed())
        {
            listPendingWindows();
        }
        schedule.removeEarliest();
        requireFireTimersAtHead(index);
        final BucketTimerQueue timers = this.timers;
        boolean freed = false;
        for (int due = timers.peekInstantSize(); due > 0; due--)
        {
            final long keyId = timers.peekKey();
            final int keyTag = timers.peekTag();
            timers.poll();
            final int entry = fire(keyTag, keyId, index);
            if (entry != OffHeapTable.NOT_FOUND && latenessMs == 0)
            {
                windows.removeAt(entry); // nothing can reach this window again
                freed = true;
            }
        }
        return freed;
    }

    /** A listed index's fire timers are the earliest instant when it fires: nothing due sorts before them. */
    private void requireFireTimersAtHead(final long index)
    {
        if (timers.isEmpty() || timers.peekTime() != schedule.fireTimeOf(index) || timers.peekKind() != FIRE)
        {
            throw new IllegalStateException("the fire timers of window index " + index + " are not the earliest timers");
        }
    }

    /**
     * Gives every window of every unlisted pending index its fire timer, in slot order, and marks those
     * indexes listed. One walk of the table, paid when a sparse index is due: an index is listed at most
     * once, and a walk lists every index pending at the time, so walks are no more frequent than indexes.
     */
    private void listPendingWindows()
    {
        final OffHeapTable windows = this.windows;
        for (int slot = windows.nextOccupiedSlot(0); slot != OffHeapTable.NOT_FOUND; slot = windows.nextOccupiedSlot(slot + 1))
        {
            final int entry = windows.entryAt(slot);
            final long index = windows.key2(entry);
            if (schedule.isUnlisted(index))
            {
                timers.add(schedule.fireTimeOf(index), FIRE, windows.key1(entry), windows.tag(entry), index);
            }
        }
        schedule.listAll();
    }

    /**
     * Fires every window with this grid index, in the table's walk order: exactly the windows the schedule counts,
     * because a window created before its firing time is counted there and no other window has that index
     * then. Without lateness nothing can reach them again, so they are removed in the same pass.
     *
     * @return whether any window was freed.
     */
    private boolean fireInSlotOrder(final long index)
    {
        final OffHeapTable windows = this.windows;
        if (latenessMs == 0)
        {
            return windows.removeAllWithKey2(index, emitEntry) > 0;
        }
        for (int slot = windows.nextOccupiedSlot(0); slot != OffHeapTable.NOT_FOUND; slot = windows.nextOccupiedSlot(slot + 1))
        {
            final int entry = windows.entryAt(slot);
            if (windows.key2(entry) == index)
            {
                emitAt(entry);
            }
        }
        return false;
    }

    /** Emits the window with this grid index. @return its entry, or NOT_FOUND if it holds nothing. */
    private int fire(final int keyTag, final long keyId, final long index)
    {
        final int entry = windows.find(keyId, index, keyTag);
        if (entry != OffHeapTable.NOT_FOUND)
        {
            emit(keyTag, keyId, index, entry);
        }
        return entry;
    }

    private void emitAt(final int entry)
    {
        emit(windows.tag(entry), windows.key1(entry), windows.key2(entry), entry);
    }

    private void emit(final int keyTag, final long keyId, final long index, final int entry)
    {
        final long start = grid.sliceStartOf(index);
        final long end = start + grid.sizeMs;
        output.result(keyTag, keyId, start, end, windows.buffer(), windows.valueOffset(entry), firings.next(keyTag, keyId, end));
    }
}
