package io.sluice.window;

import io.sluice.WindowSpec;

/**
 * The arithmetic of tumbling and sliding windows cut into slices (panes) of width gcd(size, slide), and
 * the slice of the last element located, because consecutive events mostly share a slice and this saves
 * the divisions per event.
 *
 * <pre>
 *   time ──►  |  s0  |  s1  |  s2  |  s3  |  s4  |       one accumulator per (key, slice)
 *             [------ window e1 ------)
 *                    [------ window e2 ------)          a window = merge of its size / w slices
 * </pre>
 *
 * Slices are named by their index on the grid (floor((start - offset) / w)), so that a key's
 * consecutive slices have consecutive names.
 */
final class SliceGrid
{
    final long sizeMs;
    final long slideMs;
    final long offsetMs;
    final long sliceMs;
    final int slicesPerWindow;

    // The located slice: its bounds, its index, and the first and last ends of the windows containing it.
    private long sliceStart = Long.MAX_VALUE;
    private long sliceEnd = Long.MIN_VALUE;
    private long sliceIndex;
    private long firstEnd;
    private long lastEnd;
    // The slice located before it: disorder makes events alternate between two neighbouring slices
    // around each boundary, and swapping back costs less than the divisions.
    private long otherStart = Long.MAX_VALUE;
    private long otherEnd = Long.MIN_VALUE;
    private long otherIndex;
    private long otherFirstEnd;
    private long otherLastEnd;
    // firstSliceOfWindow's last two answers; Long.MIN_VALUE is no window's end (times are within ±2^62 ms).
    private long memoEnd = Long.MIN_VALUE;
    private long memoFirstSlice;
    private long otherMemoEnd = Long.MIN_VALUE;
    private long otherMemoFirstSlice;

    SliceGrid(final WindowSpec window)
    {
        if (window.type() == WindowSpec.Type.SESSION)
        {
            throw new IllegalArgumentException("session windows are not cut into slices");
        }
        this.sizeMs = window.sizeMs();
        this.slideMs = window.slideMs();
        this.offsetMs = window.offsetMs();
        this.sliceMs = gcd(sizeMs, slideMs);
        this.slicesPerWindow = (int)Math.min(Integer.MAX_VALUE, sizeMs / sliceMs);
    }

    /** Makes the slice holding {@code eventTimeMs} the located one. */
    void locate(final long eventTimeMs)
    {
        if (eventTimeMs < sliceStart || eventTimeMs >= sliceEnd)
        {
            swapWithOther();
            if (eventTimeMs >= sliceStart && eventTimeMs < sliceEnd)
            {
                return;
            }
            relocate(eventTimeMs);
        }
    }

    /**
     * Works the slice out afresh: once per slice boundary, not per event. A method of its own so that the
     * divisions stay out of the callers' compiled code, which the JIT then inlines more readily.
     */
    private void relocate(final long eventTimeMs)
    {
        final long start = eventTimeMs - Math.floorMod(eventTimeMs - offsetMs, sliceMs);
        sliceStart = start;
        sliceEnd = start + sliceMs;
        sliceIndex = sliceIndex(start);
        firstEnd = firstWindowEnd(start);
        lastEnd = lastWindowEnd(start);
    }

    private void swapWithOther()
    {
        final long start = sliceStart, end = sliceEnd, index = sliceIndex, first = firstEnd, last = lastEnd;
        sliceStart = otherStart;
        sliceEnd = otherEnd;
        sliceIndex = otherIndex;
        firstEnd = otherFirstEnd;
        lastEnd = otherLastEnd;
        otherStart = start;
        otherEnd = end;
        otherIndex = index;
        otherFirstEnd = first;
        otherLastEnd = last;
    }

    long sliceStart()
    {
        return sliceStart;
    }

    long sliceIndex()
    {
        return sliceIndex;
    }

    /** The end of the earliest window containing the located slice. */
    long firstEnd()
    {
        return firstEnd;
    }

    /** The end of the latest window containing the located slice; at or before its start when none does. */
    long lastEnd()
    {
        return lastEnd;
    }

    /**
     * The index of the first slice of the window ending here. A firing asks this for the same two ends (the
     * window's and the next one's) key after key, so the last two answers are kept: no division per key.
     */
    long firstSliceOfWindow(final long windowEndMs)
    {
        if (windowEndMs == memoEnd)
        {
            return memoFirstSlice;
        }
        if (windowEndMs == otherMemoEnd)
        {
            return otherMemoFirstSlice;
        }
        otherMemoEnd = memoEnd;
        otherMemoFirstSlice = memoFirstSlice;
        memoEnd = windowEndMs;
        memoFirstSlice = sliceIndex(windowEndMs - sizeMs);
        return memoFirstSlice;
    }

    long sliceIndex(final long sliceStartMs)
    {
        return Math.floorDiv(sliceStartMs - offsetMs, sliceMs);
    }

    long sliceStartOf(final long sliceIndex)
    {
        return sliceIndex * sliceMs + offsetMs;
    }

    long lastWindowEnd(final long sliceStartMs)
    {
        return sliceStartMs - Math.floorMod(sliceStartMs - offsetMs, slideMs) + sizeMs;
    }

    long firstWindowEnd(final long sliceStartMs)
    {
        final long beforeFirst = sliceStartMs - sizeMs;
        return beforeFirst - Math.floorMod(beforeFirst - offsetMs, slideMs) + slideMs + sizeMs;
    }

    static long ceilDiv(final long dividend, final long divisor)
    {
        return -Math.floorDiv(-dividend, divisor);
    }

    private static long gcd(final long a, final long b)
    {
        return b == 0 ? a : gcd(b, a % b);
    }
}
