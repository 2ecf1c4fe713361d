package io.sluice.window;

import io.sluice.Aggregates;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The slice store's bookkeeping between firings and adds, below the sliding operator: what a firing frees,
 * and what the ring does after it.
 */
class KeySliceStoreTest
{
    private static final int KEY_TAG = KeyTags.LONG;
    private final AccumulatorLayout layout = new AccumulatorLayout(Aggregates.standard());
    private final UnsafeBuffer merged = new UnsafeBuffer(ByteBuffer.allocateDirect(64));

    @Test
    void firingsFreeEachSliceOnceAndTheRingMovesOverWhatTheyFreed()
    {
        try (KeySliceStore store = new KeySliceStore(layout, 8, 4))
        {
            for (long slice = 100; slice < 106; slice++)
            {
                store.add(KEY_TAG, 7, slice, slice);
            }
            final int record = store.lastRecord();
            store.freeRingSlicesBefore(record, 103);
            assertEquals(3, store.liveSlices(), "slices 103..105 left");
            store.freeRingSlicesBefore(record, 102); // behind the last call: nothing more to free
            assertEquals(3, store.liveSlices());

            // Past the ring's end (it covers 8 slices from where the key's first slice put it): it moves
            // over the freed cells instead of overflowing.
            for (long slice = 106; slice < 111; slice++)
            {
                assertEquals(KeySliceStore.CREATED_IN_RING, store.add(KEY_TAG, 7, slice, slice), "slice " + slice);
            }
            assertMerged(store, record, 103, 8, 8, 103 + 104 + 105 + 106 + 107 + 108 + 109 + 110);
            store.freeRingSlicesBefore(record, 111);
            assertEquals(0, store.liveSlices());
            assertFalse(store.mergeInto(record, 100, 11, clearedTarget(), 0), "nothing left to merge");
        }
    }

    @Test
    void aSliceCreatedBelowWhatFiringsFreedIsFreedByTheNextFiring()
    {
        try (KeySliceStore store = new KeySliceStore(layout, 8, 4))
        {
            for (long slice = 100; slice < 104; slice++)
            {
                store.add(KEY_TAG, 7, slice, 1);
            }
            final int record = store.lastRecord();
            store.freeRingSlicesBefore(record, 102);
            assertEquals(KeySliceStore.CREATED_IN_RING, store.add(KEY_TAG, 7, 101, 5), "slice 101 again, still in the ring");
            assertMerged(store, record, 101, 3, 3, 5 + 1 + 1);

            store.freeRingSlicesBefore(record, 104);
            assertEquals(0, store.liveSlices(), "slice 101 freed with the others, not left behind");
        }
    }

    @Test
    void aMergedSliceAddsToWhatTheKeyHoldsOrCreatesItWhereAnAddWould()
    {
        try (KeySliceStore store = new KeySliceStore(layout, 4, 4))
        {
            final UnsafeBuffer open = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
            layout.clear(open, 0);
            layout.add(open, 0, 10);
            layout.add(open, 0, -3);

            assertEquals(KeySliceStore.CREATED_IN_RING, store.mergeSlice(KEY_TAG, 7, 50, open, 0), "a new key");
            final int record = store.lastRecord();
            store.add(KEY_TAG, 7, 51, 4);
            assertEquals(KeySliceStore.ADDED, store.mergeSlice(KEY_TAG, 7, 51, open, 0), "onto an element's slice");
            assertMerged(store, record, 50, 2, 5, 7 + 7 + 4);
            assertEquals(2, store.liveSlices());

            // Far past a ring of 4 still in use: the overflow table, as for an element.
            assertEquals(KeySliceStore.CREATED_IN_OVERFLOW, store.mergeSlice(KEY_TAG, 7, 90, open, 0));
            assertEquals(KeySliceStore.ADDED, store.mergeSlice(KEY_TAG, 7, 90, open, 0));
            final UnsafeBuffer target = clearedTarget();
            assertTrue(store.mergeInto(record, 90, 1, target, 0));
            assertEquals(4, target.getLong(AccumulatorLayout.COUNT_OFFSET));
            assertEquals(14, target.getLong(AccumulatorLayout.SUM_OFFSET));
            assertEquals(-3, target.getLong(AccumulatorLayout.MIN_OFFSET));
            assertEquals(10, target.getLong(AccumulatorLayout.MAX_OFFSET));
        }
    }

    /**
     * Chain firings without lateness, against a model of the key's slices: windows of 2 to 15 slices
     * (below the suffixes) sliding by 1 to all of their slices, values with many ties (so that the
     * minimum or maximum often leaves with a slice), elements for slices ahead of the last window fired,
     * elements behind it (which the operator reports through forgetPartialMerges), far-ahead slices that
     * move the ring or overflow it, and firings that skip ends. Each firing must give exactly what
     * merging the model's slices gives, however it got there.
     */
    @Test
    void aFiringMergesExactlyTheWindowWhetherFromTheRunningTotalOrFromEverySlice()
    {
        for (int seed = 0; seed < 300; seed++)
        {
            final SplittableRandom random = new SplittableRandom(seed);
            final int slicesPerWindow = 2 + random.nextInt(14);
            final int step = 1 + random.nextInt(slicesPerWindow);
            final TreeMap<Long, long[]> model = new TreeMap<>();
            try (KeySliceStore store = new KeySliceStore(layout, KeySliceStore.ringSlicesFor(slicesPerWindow), 4))
            {
                long first = random.nextInt(200) - 100;
                for (long slice = first; slice < first + slicesPerWindow; slice++)
                {
                    addBoth(store, model, slice, value(random));
                }
                final int record = store.lastRecord();
                store.chainNextEnd(record, 0); // a pending chain keeps the record while its slices come and go
                for (int firing = 0; firing < 80; firing++)
                {
                    final long end = first + slicesPerWindow;
                    final long nextFirst = first + step;
                    final long[] expected = merge(model, first, end);
                    final UnsafeBuffer target = clearedTarget();
                    final String where = "seed " + seed + ", window [" + first + ", " + end + ") by " + step;
                    assertEquals(expected[0] != 0, store.fireAndFree(record, first, slicesPerWindow, nextFirst, target, 0), where);
                    if (expected[0] != 0)
                    {
                        assertArrayEquals(expected, new long[] {target.getLong(AccumulatorLayout.COUNT_OFFSET),
                            target.getLong(AccumulatorLayout.SUM_OFFSET), target.getLong(AccumulatorLayout.MIN_OFFSET),
                            target.getLong(AccumulatorLayout.MAX_OFFSET)}, where);
                    }
                    // What the operator's cleanup timers do for slices the firing did not free (the overflow table's).
                    for (final long slice : model.headMap(nextFirst).keySet())
                    {
                        store.remove(KEY_TAG, 7, slice);
                    }
                    model.headMap(nextFirst).clear();
                    assertEquals(model.size(), store.liveSlices(), where);

                    first = random.nextInt(8) == 0 ? nextFirst + step * (1 + random.nextInt(3)) : nextFirst;
                    for (int ahead = random.nextInt(3 * step + 1); ahead > 0; ahead--)
                    {
                        // Ahead of every window fired: mostly the next slides, now and then far enough to move the ring.
                        final long slice = end + (random.nextInt(10) == 0 ? random.nextInt(40) : random.nextInt(2 * step));
                        addBoth(store, model, slice, value(random));
                    }
                    if (random.nextInt(6) == 0 && first < end)
                    {
                        addBoth(store, model, first + random.nextInt((int)(end - first)), value(random));
                        store.forgetPartialMerges(record);
                    }
                }
            }
        }
    }

    private static long value(final SplittableRandom random)
    {
        return random.nextInt(20) == 0 ? Long.MAX_VALUE - random.nextInt(3) : random.nextInt(7) - 3;
    }

    private void addBoth(final KeySliceStore store, final TreeMap<Long, long[]> model, final long slice, final long value)
    {
        store.add(KEY_TAG, 7, slice, value);
        final long[] cell = model.computeIfAbsent(slice, s -> new long[] {0, 0, Long.MAX_VALUE, Long.MIN_VALUE});
        cell[0]++;
        cell[1] += value;
        cell[2] = Math.min(cell[2], value);
        cell[3] = Math.max(cell[3], value);
    }

    private static long[] merge(final TreeMap<Long, long[]> model, final long first, final long end)
    {
        final long[] merged = {0, 0, Long.MAX_VALUE, Long.MIN_VALUE};
        for (final long[] cell : model.subMap(first, end).values())
        {
            merged[0] += cell[0];
            merged[1] += cell[1];
            merged[2] = Math.min(merged[2], cell[2]);
            merged[3] = Math.max(merged[3], cell[3]);
        }
        return merged;
    }

    private void assertMerged(
        final KeySliceStore store, final int record, final long firstSlice, final int slices, final long count, final long sum)
    {
        final UnsafeBuffer target = clearedTarget();
        assertTrue(store.mergeInto(record, firstSlice, slices, target, 0));
        assertEquals(count, target.getLong(AccumulatorLayout.COUNT_OFFSET), "count");
        assertEquals(sum, target.getLong(AccumulatorLayout.SUM_OFFSET), "sum");
    }

    private UnsafeBuffer clearedTarget()
    {
        layout.clear(merged, 0);
        return merged;
    }
}
