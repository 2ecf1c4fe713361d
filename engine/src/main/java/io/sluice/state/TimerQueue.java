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
public final class TimerQueue implements Timers
{
    // One entry = 4 longs side by side, so that a heap level's two children share cache lines:
    // [time][key][aux][meta = tag << 8 | kind]
    private static final int STRIDE = 4;
    private static final int TIME = 0;
    private static final int KEY = 1;
    private static final int AUX = 2;
    private static final int META = 3;

    private long[] entries;
    private int size;

    public TimerQueue(final int initialCapacity)
    {
        entries = new long[Math.max(16, initialCapacity) * STRIDE];
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
        return entries[TIME];
    }

    public long peekKey()
    {
        return entries[KEY];
    }

    public long peekAux()
    {
        return entries[AUX];
    }

    public int peekKind()
    {
        return (int)entries[META] & 0xFF;
    }

    public int peekTag()
    {
        return (int)(entries[META] >>> 8);
    }

    /**
     * @param kind a small ordinal (0..255); lower kinds pop first at equal times.
     * @param tag  a caller-defined small int stored alongside (e.g. key kind).
     */
    public void add(final long time, final int kind, final long key, final int tag, final long aux)
    {
        if ((size + 1) * STRIDE > entries.length)
        {
            entries = Arrays.copyOf(entries, entries.length << 1);
        }
        final long[] entries = this.entries;
        final long meta = ((long)tag << 8) | (kind & 0xFF);
        int index = size++;
        while (index > 0)
        {
            final int parent = (index - 1) >>> 1;
            if (!less(time, meta, entries[parent * STRIDE + TIME], entries[parent * STRIDE + META]))
            {
                break;
            }
            move(entries, parent, index);
            index = parent;
        }
        set(entries, index, time, key, aux, meta);
    }

    /** Removes the earliest timer; read it with the peek methods first. */
    public void poll()
    {
        final long[] entries = this.entries;
        final int last = --size;
        if (last == 0)
        {
            return;
        }
        final int lastAt = last * STRIDE;
        final long time = entries[lastAt + TIME];
        final long key = entries[lastAt + KEY];
        final long aux = entries[lastAt + AUX];
        final long meta = entries[lastAt + META];
        int index = 0;
        final int half = last >>> 1;
        while (index < half)
        {
            int child = (index << 1) + 1;
            final int right = child + 1;
            if (right < last && less(entries[right * STRIDE + TIME], entries[right * STRIDE + META],
                entries[child * STRIDE + TIME], entries[child * STRIDE + META]))
            {
                child = right;
            }
            if (!less(entries[child * STRIDE + TIME], entries[child * STRIDE + META], time, meta))
            {
                break;
            }
            move(entries, child, index);
            index = child;
        }
        set(entries, index, time, key, aux, meta);
    }

    public void saveTo(final StateWriter out)
    {
        out.section(0x7133E500).putInt(size).putLongs(entries, size * STRIDE);
    }

    public void restoreFrom(final StateReader in)
    {
        in.expectSection(0x7133E500, "a timer queue");
        final int savedSize = in.getInt();
        if (savedSize < 0 || in.peekCount() != savedSize * STRIDE)
        {
            throw new IllegalStateException("checkpoint holds an inconsistent timer queue of " + savedSize + " timers");
        }
        entries = in.getLongs(Math.max(16, savedSize * 2) * STRIDE);
        size = savedSize;
    }

    private static boolean less(final long timeA, final long metaA, final long timeB, final long metaB)
    {
        return timeA < timeB || (timeA == timeB && (metaA & 0xFF) < (metaB & 0xFF));
    }

    private static void move(final long[] entries, final int from, final int to)
    {
        System.arraycopy(entries, from * STRIDE, entries, to * STRIDE, STRIDE);
    }

    private static void set(final long[] entries, final int index, final long time, final long key, final long aux, final long meta)
    {
        final int at = index * STRIDE;
        entries[at + TIME] = time;
        entries[at + KEY] = key;
        entries[at + AUX] = aux;
        entries[at + META] = meta;
    }
}
