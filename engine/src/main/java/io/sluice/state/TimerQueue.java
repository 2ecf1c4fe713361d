package io.sluice.state;

import java.util.Arrays;

/**
 * Event-time timers as a binary min-heap over parallel primitive arrays: no boxing, no node objects.
 * Ordered by time, then by kind, so that at one instant a window fires before it is cleaned up.
 * Arrays grow by doubling, which happens only while the live timer count reaches a new high.
 *
 * <p>Duplicates are allowed: the owner of a timer validates it against its state when it pops (a
 * window that merged or moved leaves a stale timer behind, which is cheaper than finding and deleting
 * it from the heap).
 */
public final class TimerQueue
{
    private long[] times;
    private long[] keys;
    private long[] auxes;
    private int[] metas;
    private int size;

    public TimerQueue(final int initialCapacity)
    {
        final int capacity = Math.max(16, initialCapacity);
        times = new long[capacity];
        keys = new long[capacity];
        auxes = new long[capacity];
        metas = new int[capacity];
    }

    public int size()
    {
        return size;
    }

    public boolean isEmpty()
    {
        return size == 0;
    }

    /** Time of the earliest timer; only valid when not empty. */
    public long peekTime()
    {
        return times[0];
    }

    public long peekKey()
    {
        return keys[0];
    }

    public long peekAux()
    {
        return auxes[0];
    }

    public int peekKind()
    {
        return metas[0] & 0xFF;
    }

    public int peekTag()
    {
        return metas[0] >>> 8;
    }

    /**
     * @param kind a small ordinal (0..255); lower kinds pop first at equal times.
     * @param tag  a caller-defined small int stored alongside (e.g. key kind).
     */
    public void add(final long time, final int kind, final long key, final int tag, final long aux)
    {
        if (size == times.length)
        {
            grow();
        }
        final int meta = (tag << 8) | (kind & 0xFF);
        int index = size++;
        while (index > 0)
        {
            final int parent = (index - 1) >>> 1;
            if (!less(time, meta, times[parent], metas[parent]))
            {
                break;
            }
            move(parent, index);
            index = parent;
        }
        set(index, time, key, aux, meta);
    }

    /** Removes the earliest timer; read it with the peek methods first. */
    public void poll()
    {
        final int last = --size;
        if (last == 0)
        {
            return;
        }
        final long time = times[last];
        final long key = keys[last];
        final long aux = auxes[last];
        final int meta = metas[last];
        int index = 0;
        final int half = last >>> 1;
        while (index < half)
        {
            int child = (index << 1) + 1;
            final int right = child + 1;
            if (right < last && less(times[right], metas[right], times[child], metas[child]))
            {
                child = right;
            }
            if (!less(times[child], metas[child], time, meta))
            {
                break;
            }
            move(child, index);
            index = child;
        }
        set(index, time, key, aux, meta);
    }

    public void clear()
    {
        size = 0;
    }

    /** Visits every pending timer in heap (not time) order: for snapshots and tests. */
    public void forEach(final TimerVisitor visitor)
    {
        for (int i = 0; i < size; i++)
        {
            visitor.visit(times[i], metas[i] & 0xFF, keys[i], metas[i] >>> 8, auxes[i]);
        }
    }

    @FunctionalInterface
    public interface TimerVisitor
    {
        void visit(long time, int kind, long key, int tag, long aux);
    }

    private static boolean less(final long timeA, final int metaA, final long timeB, final int metaB)
    {
        return timeA < timeB || (timeA == timeB && (metaA & 0xFF) < (metaB & 0xFF));
    }

    private void move(final int from, final int to)
    {
        times[to] = times[from];
        keys[to] = keys[from];
        auxes[to] = auxes[from];
        metas[to] = metas[from];
    }

    private void set(final int index, final long time, final long key, final long aux, final int meta)
    {
        times[index] = time;
        keys[index] = key;
        auxes[index] = aux;
        metas[index] = meta;
    }

    private void grow()
    {
        final int capacity = times.length << 1;
        times = Arrays.copyOf(times, capacity);
        keys = Arrays.copyOf(keys, capacity);
        auxes = Arrays.copyOf(auxes, capacity);
        metas = Arrays.copyOf(metas, capacity);
    }
}
