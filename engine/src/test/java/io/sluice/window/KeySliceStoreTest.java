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
