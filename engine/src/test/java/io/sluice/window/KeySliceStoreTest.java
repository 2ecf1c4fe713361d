package io.sluice.window;

import io.sluice.Aggregates;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

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
