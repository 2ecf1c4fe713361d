package io.sluice.window;

import io.sluice.WindowSpec;
import io.sluice.state.OffHeapTable;
import io.sluice.state.BucketTimerQueue;
import io.sluice.state.DirectMemory;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Tumbling and sliding windows over slices (panes), so that an event costs one state update whatever
 * the number of windows it belongs to.
 *
 * <pre>
 *   slice width w = gcd(size, slide); windows are [e - size, e) for ends e on the slide grid
 *
 *   time ──►  |  s0  |  s1  |  s2  |  s3  |  s4  |       one accumulator per (key, slice)
 *             [------ window e1 ------)
 *                    [------ window e2 ------)          a window = merge of its size / w slices
 * </pre>
 *
 * Firing follows Flink's {@code WindowOperator} exactly: a window fires when the watermark reaches
 * end - 1 if it holds anything; an event is dropped to the late output only when every window it
 * belongs to is late ({@code end - 1 + lateness <= watermark}); an accepted event for a window that
 * has fired but is not late re-fires that window at once, numbered 1, 2... Slicing is equivalent
 * because an event is added to every non-late window containing it, and a late window never fires
 * again, so adding it to the slice cannot change any output.
 *
 * <p>Sliding windows: per key, one "fire chain" timer walks the window ends in order while the key has
 * slices that reach them; a key record holds the chain's next end and the key's newest slice. An
 * out-of-order slice that needs an earlier window pulls the chain back and leaves the later timer stale;
 * stale timers are recognised when they pop (their end is not the chain's next end). Tumbling windows
 * (one slice per window) need no chain: each slice has its own fire timer. Slices are freed by a cleanup
 * timer at the lateness horizon of the last window containing them, or, for tumbling windows without
 * lateness, by the fire itself.
 */
public final class SlicingWindowOperator implements WindowOperator
{
    private static final int FIRE = 0;
    private static final int CLEANUP_FIRING_COUNT = 1;
    private static final int CLEANUP_SLICE = 2;

    private static final int CHAIN_NEXT_END_OFFSET = 0;
    private static final int CHAIN_MAX_SLICE_OFFSET = 8;
    private static final int CHAIN_RECORD_BYTES = 16;

    private final long sizeMs;
    private final long slideMs;
    private final long offsetMs;
    private final long sliceMs;
    private final long latenessMs;
    private final AccumulatorLayout layout;
    private final Output output;
    private final OffHeapTable slices;
    private final OffHeapTable chains;
    private final OffHeapTable firingCounts;
    private final BucketTimerQueue timers;
    private final DirectMemory scratchMemory;
    private final UnsafeBuffer scratch;
    private final boolean tumbling;
    // The slice of the last element and its window bounds: consecutive events mostly share a slice,
    // and this saves two divisions per event.
    private long cachedSliceStart = Long.MAX_VALUE;
    private long cachedSliceEnd = Long.MIN_VALUE;
    private long cachedSliceIndex;
    private long cachedFirstEnd;
    private long cachedLastEnd;

    public SlicingWindowOperator(
        final WindowSpec window, final long allowedLatenessMs, final Output output, final int expectedKeys)
    {
        if (window.type() == WindowSpec.Type.SESSION)
        {
            throw new IllegalArgumentException("session windows need SessionWindowOperator");
        }
        this.sizeMs = window.sizeMs();
        this.slideMs = window.slideMs();
        this.offsetMs = window.offsetMs();
        this.sliceMs = gcd(sizeMs, slideMs);
        this.latenessMs = allowedLatenessMs;
        this.tumbling = sliceMs == sizeMs;
        this.output = output;
        this.layout = output.layout();
        final int slicesPerKey = (int)Math.min(64, sizeMs / sliceMs + 1);
        this.slices = new OffHeapTable(layout.bytes(), expectedKeys * slicesPerKey);
        this.chains = new OffHeapTable(CHAIN_RECORD_BYTES, expectedKeys);
        // Fired windows need counting only when they can fire again, i.e. with allowed lateness.
        this.firingCounts = latenessMs > 0 ? new OffHeapTable(0, expectedKeys) : null;
        this.timers = new BucketTimerQueue(expectedKeys * 2);
        this.scratchMemory = new DirectMemory(layout.bytes());
        this.scratch = scratchMemory.buffer();
    }

    public void onElement(
        final int keyTag, final long keyId, final long eventTimeMs, final long value, final int partition, final long watermarkMs)
    {
        if (eventTimeMs < cachedSliceStart || eventTimeMs >= cachedSliceEnd)
        {
            cacheSlice(eventTimeMs - Math.floorMod(eventTimeMs - offsetMs, sliceMs));
        }
        final long sliceStart = cachedSliceStart;
        final long lastEnd = cachedLastEnd;
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

        final long sliceIndex = cachedSliceIndex;
        final int entry = slices.find(keyId, sliceIndex, keyTag);
        if (entry != OffHeapTable.NOT_FOUND)
        {
            layout.add(slices.buffer(), slices.valueOffset(entry), value);
        }
        else
        {
            final int created = slices.insert(keyId, sliceIndex, keyTag);
            layout.first(slices.buffer(), slices.valueOffset(created), value);
            if (tumbling)
            {
                // One window per slice: a timer of its own, no chain needed. Without lateness the fire
                // frees the slice, otherwise a cleanup timer does at the lateness horizon.
                if (lastEnd - 1 > watermarkMs)
                {
                    timers.add(lastEnd - 1, FIRE, keyId, keyTag, lastEnd);
                }
                if (latenessMs > 0)
                {
                    timers.add(lastEnd - 1 + latenessMs, CLEANUP_SLICE, keyId, keyTag, sliceIndex);
                }
            }
            else
            {
                timers.add(lastEnd - 1 + latenessMs, CLEANUP_SLICE, keyId, keyTag, sliceIndex);
                joinFireChain(keyTag, keyId, sliceStart, lastEnd, watermarkMs);
            }
        }

        if (latenessMs > 0 && cachedFirstEnd - 1 <= watermarkMs)
        {
            fireLateWindows(keyTag, keyId, cachedFirstEnd, lastEnd, watermarkMs);
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
                    if (tumbling)
                    {
                        freed |= fireTumbling(keyTag, keyId, aux);
                    }
                    else
                    {
                        onFireTimer(keyTag, keyId, aux);
                    }
                    break;
                case CLEANUP_SLICE:
                    freed |= remove(slices, keyId, aux, keyTag);
                    break;
                default:
                    remove(firingCounts, keyId, aux, keyTag);
                    break;
            }
        }
        if (freed)
        {
            slices.shrinkIfSparse();
        }
    }

    public int liveEntries()
    {
        return slices.size();
    }

    public int pendingTimers()
    {
        return timers.size();
    }

    public void close()
    {
        slices.close();
        chains.close();
        if (firingCounts != null)
        {
            firingCounts.close();
        }
        scratchMemory.close();
    }

    /** A tumbling window's on-time firing; without lateness nothing can reach the slice again, so it goes. */
    private boolean fireTumbling(final int keyTag, final long keyId, final long windowEnd)
    {
        final int entry = fireSingleSlice(keyTag, keyId, windowEnd);
        if (entry != OffHeapTable.NOT_FOUND && latenessMs == 0)
        {
            slices.removeAt(entry);
            return true;
        }
        return false;
    }

    /** Fires a window made of one slice (tumbling). @return the slice's entry, or NOT_FOUND if empty. */
    private int fireSingleSlice(final int keyTag, final long keyId, final long windowEnd)
    {
        final long windowStart = windowEnd - sizeMs;
        final int entry = slices.find(keyId, sliceIndex(windowStart), keyTag);
        if (entry != OffHeapTable.NOT_FOUND)
        {
            final int firing = nextFiring(keyTag, keyId, windowEnd);
            output.result(keyTag, keyId, windowStart, windowEnd, slices.buffer(), slices.valueOffset(entry), firing);
        }
        return entry;
    }

    private void cacheSlice(final long sliceStart)
    {
        cachedSliceStart = sliceStart;
        cachedSliceEnd = sliceStart + sliceMs;
        cachedSliceIndex = sliceIndex(sliceStart);
        cachedFirstEnd = firstWindowEnd(sliceStart);
        cachedLastEnd = lastWindowEnd(sliceStart);
    }

    private void joinFireChain(final int keyTag, final long keyId, final long sliceStart, final long lastEnd, final long watermarkMs)
    {
        // The first window containing the slice that has not reached its firing time yet.
        long end = firstWindowEnd(sliceStart);
        if (end - 1 <= watermarkMs)
        {
            end += ceilDiv(watermarkMs + 2 - end, slideMs) * slideMs;
            if (end > lastEnd)
            {
                return;
            }
        }

        final int record = chains.find(keyId, 0, keyTag);
        if (record == OffHeapTable.NOT_FOUND)
        {
            final int created = chains.insert(keyId, 0, keyTag);
            final int value = chains.valueOffset(created);
            chains.buffer().putLong(value + CHAIN_NEXT_END_OFFSET, end);
            chains.buffer().putLong(value + CHAIN_MAX_SLICE_OFFSET, sliceStart);
            timers.add(end - 1, FIRE, keyId, keyTag, end);
        }
        else
        {
            final int value = chains.valueOffset(record);
            final UnsafeBuffer buffer = chains.buffer();
            if (sliceStart > buffer.getLong(value + CHAIN_MAX_SLICE_OFFSET))
            {
                buffer.putLong(value + CHAIN_MAX_SLICE_OFFSET, sliceStart);
            }
            if (end < buffer.getLong(value + CHAIN_NEXT_END_OFFSET))
            {
                buffer.putLong(value + CHAIN_NEXT_END_OFFSET, end);
                timers.add(end - 1, FIRE, keyId, keyTag, end);
            }
        }
    }

    private void onFireTimer(final int keyTag, final long keyId, final long windowEnd)
    {
        final int record = chains.find(keyId, 0, keyTag);
        if (record == OffHeapTable.NOT_FOUND)
        {
            return;
        }
        final int value = chains.valueOffset(record);
        final UnsafeBuffer buffer = chains.buffer();
        if (buffer.getLong(value + CHAIN_NEXT_END_OFFSET) != windowEnd)
        {
            return; // stale: the chain was pulled back past this end and has already moved on
        }

        fireWindow(keyTag, keyId, windowEnd);

        final long nextEnd = windowEnd + slideMs;
        if (buffer.getLong(value + CHAIN_MAX_SLICE_OFFSET) >= nextEnd - sizeMs)
        {
            buffer.putLong(value + CHAIN_NEXT_END_OFFSET, nextEnd);
            timers.add(nextEnd - 1, FIRE, keyId, keyTag, nextEnd);
        }
        else
        {
            chains.removeAt(record);
        }
    }

    private void fireLateWindows(
        final int keyTag, final long keyId, final long firstEnd, final long lastEnd, final long watermarkMs)
    {
        for (long end = firstEnd; end <= lastEnd && end - 1 <= watermarkMs; end += slideMs)
        {
            if (end - 1 + latenessMs > watermarkMs)
            {
                fireWindow(keyTag, keyId, end);
            }
        }
    }

    private void fireWindow(final int keyTag, final long keyId, final long windowEnd)
    {
        if (tumbling)
        {
            fireSingleSlice(keyTag, keyId, windowEnd);
            return;
        }

        final long windowStart = windowEnd - sizeMs;
        layout.clear(scratch, 0);
        boolean any = false;
        final long firstIndex = sliceIndex(windowStart);
        final long endIndex = firstIndex + sizeMs / sliceMs;
        for (long index = firstIndex; index < endIndex; index++)
        {
            final int entry = slices.find(keyId, index, keyTag);
            if (entry != OffHeapTable.NOT_FOUND)
            {
                layout.merge(scratch, 0, slices.buffer(), slices.valueOffset(entry));
                any = true;
            }
        }
        if (any)
        {
            output.result(keyTag, keyId, windowStart, windowEnd, scratch, 0, nextFiring(keyTag, keyId, windowEnd));
        }
    }

    /** The firing number for this emission of the window; counts are kept until the window is late. */
    private int nextFiring(final int keyTag, final long keyId, final long windowEnd)
    {
        if (firingCounts == null)
        {
            return 0;
        }
        final int entry = firingCounts.find(keyId, windowEnd, keyTag);
        if (entry == OffHeapTable.NOT_FOUND)
        {
            final int created = firingCounts.insert(keyId, windowEnd, keyTag);
            firingCounts.aux(created, 1);
            timers.add(windowEnd - 1 + latenessMs, CLEANUP_FIRING_COUNT, keyId, keyTag, windowEnd);
            return 0;
        }
        final int firing = firingCounts.aux(entry);
        firingCounts.aux(entry, firing + 1);
        return firing;
    }

    /** Slices are keyed by index on the slice grid, so that a key's consecutive slices are neighbours. */
    private long sliceIndex(final long sliceStart)
    {
        return Math.floorDiv(sliceStart - offsetMs, sliceMs);
    }

    private long lastWindowEnd(final long sliceStart)
    {
        return sliceStart - Math.floorMod(sliceStart - offsetMs, slideMs) + sizeMs;
    }

    private long firstWindowEnd(final long sliceStart)
    {
        final long beforeFirst = sliceStart - sizeMs;
        return beforeFirst - Math.floorMod(beforeFirst - offsetMs, slideMs) + slideMs + sizeMs;
    }

    private static boolean remove(final OffHeapTable table, final long key1, final long key2, final int tag)
    {
        final int entry = table.find(key1, key2, tag);
        if (entry != OffHeapTable.NOT_FOUND)
        {
            table.removeAt(entry);
            return true;
        }
        return false;
    }

    private static long ceilDiv(final long dividend, final long divisor)
    {
        return -Math.floorDiv(-dividend, divisor);
    }

    private static long gcd(final long a, final long b)
    {
        return b == 0 ? a : gcd(b, a % b);
    }
}
