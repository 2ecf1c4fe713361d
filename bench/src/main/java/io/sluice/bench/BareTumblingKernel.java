package io.sluice.bench;

import java.util.Arrays;
import java.util.function.LongUnaryOperator;

/**
 * The tumbling-window algorithm with nothing around it: the floor this machine sets for the engine's
 * tumbling figure. {@link TumblingCeilingBenchmark} runs it on {@link OperatorLap}'s events beside the
 * engine's operator, so that the operator's cost can be read as "the bare algorithm plus the engine"
 * on a machine whose speed swings from one minute to the next.
 *
 * <p>It does the same work as the operator on those events: one 1 s window per key and grid index in an
 * open-addressing table (linear probing, home = hash of the key plus the index, one 64-byte slot of
 * key, index, count, sum, min, max), a window fired when the watermark reaches its end - 1 and freed by
 * backward-shift deletion, late events counted. What it leaves out is what the engine adds: key kinds,
 * lateness and re-firing, firing numbers and sequences, checkpointable state, listeners, any window but
 * a 1 s tumbling one. A test holds it to the operator's results, so the two cannot drift apart.
 *
 * <pre>
 *   slot (8 longs): key + 1 (0 = empty) | index | count | sum | min | max | - | -
 * </pre>
 */
public final class BareTumblingKernel implements LongUnaryOperator
{
    private static final long SIZE_MS = 1000;
    private static final int SLOT_LONGS = 8;
    private static final long NONE = Long.MIN_VALUE;

    private final long[] events;
    private long[] slots;
    private int mask;
    private int shift;
    private long watermarkMs = Long.MIN_VALUE;
    private long maxTimeMs = Long.MIN_VALUE;
    private long timeShiftMs;
    private int cursor;
    private int maxSize;
    private int size;
    private long earliestIndex = NONE;
    // The window located last: consecutive events mostly share it.
    private long locatedStart = Long.MAX_VALUE;
    private long locatedIndex;
    private long consumed;

    public BareTumblingKernel(final int keyCount)
    {
        events = OperatorLap.events(keyCount);
        allocate(Integer.highestOneBit(Math.max(16, keyCount * 2) - 1) << 1); // as the operator's table starts
    }

    /**
     * Runs the next {@code count} events, as {@link OperatorLap#run} does. The loop is a copy of that one,
     * not shared with it: a shared driver would reach the window code through a virtual call, which is
     * part of what the engine adds and the bare algorithm must not have.
     */
    public void run(final long count)
    {
        final long[] events = this.events;
        for (long n = 0; n < count; n++)
        {
            final int i = cursor * 3;
            final long t = events[i] + timeShiftMs;
            onElement(t, events[i + 1], events[i + 2]);
            if (t > maxTimeMs)
            {
                maxTimeMs = t;
                final long watermark = t - OperatorLap.BOUND_MS - 1;
                if (watermark > watermarkMs)
                {
                    watermarkMs = watermark;
                    fireUpTo(watermark);
                }
            }
            if (++cursor == OperatorLap.EVENTS)
            {
                cursor = 0;
                timeShiftMs += OperatorLap.EVENTS / 100 + OperatorLap.BOUND_MS * 2;
            }
        }
    }

    /** @return the nanoseconds the next {@code count} events took. */
    public long applyAsLong(final long count)
    {
        final long started = System.nanoTime();
        run(count);
        return System.nanoTime() - started;
    }

    /** The sums of the fired windows plus the late values: what {@link OperatorLap}'s default listeners add up. */
    public long consumed()
    {
        return consumed;
    }

    private void onElement(final long timeMs, final long key, final long value)
    {
        if (timeMs < locatedStart || timeMs >= locatedStart + SIZE_MS)
        {
            locatedIndex = Math.floorDiv(timeMs, SIZE_MS);
            locatedStart = locatedIndex * SIZE_MS;
        }
        if (locatedStart + SIZE_MS - 1 <= watermarkMs)
        {
            consumed += value; // late
            return;
        }
        final long index = locatedIndex;
        final long[] slots = this.slots;
        int slot = home(key, index);
        while (true)
        {
            final int at = slot * SLOT_LONGS;
            final long slotKey = slots[at];
            if (slotKey == 0)
            {
                if (size >= maxSize)
                {
                    grow(); // as the operator's table does, past 60% full; then probe the grown table
                    onElement(timeMs, key, value);
                    return;
                }
                size++;
                slots[at] = key + 1;
                slots[at + 1] = index;
                slots[at + 2] = 1;
                slots[at + 3] = value;
                slots[at + 4] = value;
                slots[at + 5] = value;
                if (earliestIndex == NONE || index < earliestIndex)
                {
                    earliestIndex = index;
                }
                return;
            }
            if (slotKey == key + 1 && slots[at + 1] == index)
            {
                slots[at + 2]++;
                slots[at + 3] += value;
                slots[at + 4] = Math.min(slots[at + 4], value);
                slots[at + 5] = Math.max(slots[at + 5], value);
                return;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Fires every window whose end - 1 the watermark has reached, earliest index first, by walks of the table. */
    private void fireUpTo(final long watermarkMs)
    {
        final long[] slots = this.slots;
        while (earliestIndex != NONE && earliestIndex * SIZE_MS + SIZE_MS - 1 <= watermarkMs)
        {
            final long index = earliestIndex;
            long next = NONE;
            int slot = 0;
            while (slot <= mask)
            {
                final int at = slot * SLOT_LONGS;
                if (slots[at] != 0)
                {
                    final long slotIndex = slots[at + 1];
                    if (slotIndex == index)
                    {
                        consumed += slots[at + 3];
                        removeAt(slot);
                        continue; // a later entry may have moved into this slot
                    }
                    if (next == NONE || slotIndex < next)
                    {
                        next = slotIndex;
                    }
                }
                slot++;
            }
            earliestIndex = next;
        }
    }

    private void removeAt(final int removed)
    {
        final long[] slots = this.slots;
        int hole = removed;
        int slot = hole;
        while (true)
        {
            slot = (slot + 1) & mask;
            final int at = slot * SLOT_LONGS;
            if (slots[at] == 0)
            {
                break;
            }
            final int home = home(slots[at] - 1, slots[at + 1]);
            final boolean homeBetween = hole <= slot ? (hole < home && home <= slot) : (hole < home || home <= slot);
            if (!homeBetween)
            {
                System.arraycopy(slots, at, slots, hole * SLOT_LONGS, SLOT_LONGS);
                hole = slot;
            }
        }
        Arrays.fill(slots, hole * SLOT_LONGS, hole * SLOT_LONGS + SLOT_LONGS, 0L);
        size--;
    }

    private void allocate(final int capacity)
    {
        slots = new long[capacity * SLOT_LONGS];
        mask = capacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
        maxSize = capacity * 60 / 100;
    }

    private void grow()
    {
        final long[] old = slots;
        allocate((mask + 1) << 1);
        for (int at = 0; at < old.length; at += SLOT_LONGS)
        {
            if (old[at] != 0)
            {
                int slot = home(old[at] - 1, old[at + 1]);
                while (slots[slot * SLOT_LONGS] != 0)
                {
                    slot = (slot + 1) & mask;
                }
                System.arraycopy(old, at, slots, slot * SLOT_LONGS, SLOT_LONGS);
            }
        }
    }

    private int home(final long key, final long index)
    {
        long h = key * 0xD6E8FEB86659FD93L;
        h ^= h >>> 32;
        return ((int)((h * 0x9E3779B97F4A7C15L) >>> shift) + (int)index) & mask;
    }
}
