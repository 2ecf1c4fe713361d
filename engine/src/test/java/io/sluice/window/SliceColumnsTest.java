package io.sluice.window;

import io.sluice.Aggregates;
import io.sluice.testing.SavedState;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The slice columns under the sliding operator: where a slice lives (ring or overflow, for its whole
 * life), the firing walk's running totals, and the bookkeeping that frees keys and renumbers them.
 */
class SliceColumnsTest
{
    private static final int TAG = KeyTags.LONG;
    private final AccumulatorLayout layout = new AccumulatorLayout(Aggregates.standard());
    private final UnsafeBuffer merged = new UnsafeBuffer(new byte[layout.bytes()]);

    @Test
    void aSliceTheRingDoesNotCoverGoesToOverflowAndStaysThereAsTheRingComesOverIt()
    {
        try (SliceColumns store = new SliceColumns(layout, 4, 8))
        {
            store.placeRing(10); // covers 10..13
            final int key = store.recordOrCreate(TAG, 7);
            store.add(key, 11, 5);
            store.add(key, 15, 3); // beyond the ring
            assertEquals(1, store.liveRingCells());
            assertEquals(1, store.overflowSlices());
            assertTrue(store.hasOverflow(key));

            store.clearRing(key, 10, 12);
            store.moveLowTo(12); // now covers 12..15, so 15 too: it must still be found in overflow
            store.add(key, 15, 4);
            assertEquals(0, store.liveRingCells());
            assertEquals(1, store.overflowSlices());
            assertEquals(List.of(2L, 7L, 3L, 4L), merge(store, key, 15, 16));

            store.clearOverflowBelow(16);
            assertEquals(0, store.liveSlices());
            assertEquals(0, store.liveKeys(), "the record goes with its last slice");
        }
    }

    @Test
    void theRingMovesUpOnlyOverEmptiedColumnsAndAnywhereOnlyWhileEmpty()
    {
        try (SliceColumns store = new SliceColumns(layout, 4, 8))
        {
            store.placeRing(0);
            final int key = store.recordOrCreate(TAG, 1);
            store.add(key, 1, 9);
            assertThrows(IllegalStateException.class, () -> store.moveLowTo(2), "slice 1 is still live");
            assertThrows(IllegalStateException.class, () -> store.placeRing(100), "the ring holds a cell");
            store.moveLowTo(1);
            assertEquals(1, store.low());
            assertEquals(Long.MAX_VALUE, store.lowestSliceFrom(2));
            assertEquals(1, store.lowestSliceFrom(Long.MIN_VALUE));
            assertTrue(store.holdsAnyIn(0, 2));
            assertFalse(store.holdsAnyIn(2, 5));
        }
    }

    @Test
    void theRunningTotalKeepsExactExtremesWhileTheSlicesHoldingThemLeave()
    {
        try (SliceColumns store = new SliceColumns(layout, 8, 8))
        {
            // Windows of 3 slices sliding by 1, over slices whose extremes keep leaving from the back.
            final int key = keyHolding(store,
                new long[][] {{0, 5}, {1, 1}, {2, 4}, {3, 2}, {4, 9}, {4, 9}, {5, 3}, {6, 1}, {7, -4}});
            final List<List<Long>> windows = new ArrayList<>();
            final SliceColumns.WindowTotals sink = collectInto(windows);
            for (long end = 3; end <= 8; end++)
            {
                store.fireWithRunningTotals(end, end + 1, end - 3, end, end - 2, sink);
                store.moveLowTo(end - 2);
            }
            assertEquals(List.of(
                List.of(3L, 10L, 1L, 5L), List.of(3L, 7L, 1L, 4L), List.of(4L, 24L, 2L, 9L),
                List.of(4L, 23L, 2L, 9L), List.of(4L, 22L, 1L, 9L), List.of(3L, 0L, -4L, 3L)), windows);
            // What the walk kept for the next window agrees with a merge afresh of its slices.
            assertEquals(List.of(2L, -3L, -4L, 1L), merge(store, key, 6, 8));
        }
    }

    @Test
    void aFiringTakesCountAndSumFromTheRunningTotalAndTheExtremesFromTheBacksFirstCell()
    {
        try (SliceColumns store = new SliceColumns(layout, 8, 8))
        {
            final int key = keyHolding(store, new long[][] {{0, 1}, {1, 5}, {2, 9}});
            final List<List<Long>> windows = new ArrayList<>();
            final SliceColumns.WindowTotals sink = collectInto(windows);
            store.fireWithRunningTotals(3, 4, 0, 3, 1, sink);
            store.moveLowTo(1);
            assertEquals(List.of(3L, 15L, 1L, 9L), windows.get(0));

            // Slices 1 and 2 are now the back: slice 1's cell carries the extremes of both. Changed behind the
            // walk's back (what forgetRunning exists for), slice 1 shows where the next firing read what.
            store.add(key, 1, 100);
            store.add(key, 3, 2);
            store.fireWithRunningTotals(4, 5, 1, 4, 2, sink);
            assertEquals(List.of(3L, 16L, 2L, 100L), windows.get(1), "count and sum without the 100, the maximum with it");
        }
    }

    @Test
    void aRunningTotalIsUsedOnlyForTheWindowItNames()
    {
        try (SliceColumns store = new SliceColumns(layout, 8, 8))
        {
            final int key = keyHolding(store, new long[][] {{0, 1}, {1, 5}, {2, 9}, {1, 4}});
            final List<List<Long>> windows = new ArrayList<>();
            final SliceColumns.WindowTotals sink = collectInto(windows);
            store.fireWithRunningTotals(3, 4, 0, 3, 1, sink);
            store.moveLowTo(1);
            // Kept for window end 4 and slice 1 changes behind the walk's back: forgetting is the caller's job.
            store.add(key, 1, 100);
            store.forgetRunning(key);
            store.add(key, 3, 2);
            store.fireWithRunningTotals(4, 5, 1, 4, 2, sink);
            assertEquals(List.of(5L, 120L, 2L, 100L), windows.get(1));
            // A window end the running total does not name is summed afresh too.
            store.moveLowTo(2);
            store.fireWithRunningTotals(6, 7, 3, 6, 4, sink);
            assertEquals(List.of(1L, 2L, 2L, 2L), windows.get(2));
        }
    }

    @Test
    void windowsShorterThanTwoSlidesAreSummedAfreshEveryTime()
    {
        try (SliceColumns store = new SliceColumns(layout, 8, 8))
        {
            // Windows of 3 slices sliding by 2: the back would not outlast a slide.
            final int key = keyHolding(store, new long[][] {{0, 4}, {1, 6}, {2, 8}, {3, 1}, {4, 3}});
            final List<List<Long>> windows = new ArrayList<>();
            final SliceColumns.WindowTotals sink = collectInto(windows);
            store.fireWithRunningTotals(3, 5, 0, 3, 2, sink);
            store.moveLowTo(2);
            store.add(key, 2, 100); // no forgetRunning: nothing was kept to forget
            store.fireWithRunningTotals(5, 7, 2, 5, 4, sink);
            assertEquals(List.of(List.of(3L, 18L, 4L, 8L), List.of(4L, 112L, 1L, 100L)), windows);
        }
    }

    @Test
    void compactionRenumbersTheLiveRecordsInOrderAndKeepsTheirSlicesAndIndex()
    {
        try (SliceColumns store = new SliceColumns(layout, 4, 8))
        {
            store.placeRing(0);
            final int keys = SliceColumns.MIN_RECORDS_TO_COMPACT * 2;
            for (int key = 0; key < keys; key++)
            {
                store.add(store.recordOrCreate(TAG, key), key % 2, key);
            }
            // Free all but every tenth key: a tenth of the numbers stay live.
            for (int key = 0; key < keys; key++)
            {
                if (key % 10 != 0)
                {
                    final int record = store.record(TAG, key);
                    store.clearRing(record, 0, 4);
                    assertTrue(store.releaseIfEmpty(record));
                }
            }
            assertEquals(keys, store.recordLimit());
            final int key30Before = store.record(TAG, 30);
            assertTrue(store.isRecordOf(key30Before, TAG, 30));
            assertFalse(store.isRecordOf(store.record(TAG, 10), TAG, 30), "another key's record");
            assertFalse(store.isRecordOf(31, TAG, 31), "a freed record");
            assertTrue(store.compactIfSparse());
            assertFalse(store.isRecordOf(key30Before, TAG, 30), "renumbered: its old number is another key's now");
            assertTrue(store.isRecordOf(3, TAG, 30), "the fourth live key");
            assertFalse(store.isRecordOf(-1, TAG, 30));
            assertFalse(store.isRecordOf(3, TAG + 1, 30), "same id, another key type");
            assertEquals((keys + 9) / 10, store.recordLimit());
            long previousKey = -1;
            for (int record = 0; record < store.recordLimit(); record++)
            {
                assertTrue(store.keyId(record) > previousKey, "order kept");
                previousKey = store.keyId(record);
                assertEquals(record, store.record(TAG, previousKey), "the index follows the move");
                assertEquals(List.of(1L, previousKey, previousKey, previousKey), merge(store, record, 0, 2));
            }
            assertFalse(store.compactIfSparse(), "dense now");
            // A new key takes the next number, zeroed.
            final int fresh = store.recordOrCreate(TAG, 1_000_000);
            assertEquals(store.recordLimit() - 1, fresh);
            assertEquals(List.of(0L, 0L, Long.MAX_VALUE, Long.MIN_VALUE), merge(store, fresh, 0, 4));

            // Each record's cell count moved with it: a moved record holds its cell, and the number a record moved
            // from (key 2 040's, 2 040, now the 1 836th new number) is handed out holding none.
            for (int record = 0; record < fresh; record++)
            {
                assertFalse(store.releaseIfEmpty(record), "record " + record + " still holds its slice");
            }
            int movedFrom = fresh;
            while (movedFrom < 2_040)
            {
                movedFrom = store.recordOrCreate(TAG, 2_000_000 + movedFrom);
            }
            assertTrue(store.releaseIfEmpty(movedFrom), "a number moved from holds nothing");
        }
    }

    @Test
    void aRestoredStoreRebuildsItsCountsAndCarriesOn()
    {
        try (SliceColumns store = new SliceColumns(layout, 4, 8); SliceColumns restored = new SliceColumns(layout, 4, 8))
        {
            store.placeRing(-2);
            final int a = store.recordOrCreate(TAG, 1);
            store.add(a, -2, 4);
            store.add(a, 1, 6);
            store.add(a, 9, 1); // overflow
            final int b = store.recordOrCreate(TAG, 2);
            store.add(b, -1, 3);

            restored.restoreFrom(SavedState.readerOf(store::saveTo));
            assertEquals(store.liveRingCells(), restored.liveRingCells());
            assertEquals(1, restored.overflowSlices());
            assertEquals(-2, restored.low());
            assertTrue(restored.holdsAnyIn(-1, 0));
            restored.clearRing(restored.record(TAG, 2), -2, 2);
            assertTrue(restored.releaseIfEmpty(restored.record(TAG, 2)));
            restored.clearRing(restored.record(TAG, 1), -2, 2);
            assertFalse(restored.releaseIfEmpty(restored.record(TAG, 1)), "slice 9 is still in overflow");
            restored.clearOverflowBelow(10);
            assertEquals(0, restored.liveKeys());
        }
    }

    /** Places the ring at slice 0 and gives key 3 the {slice, value} pairs, in order. @return its record. */
    private static int keyHolding(final SliceColumns store, final long[][] sliceValues)
    {
        store.placeRing(0);
        final int key = store.recordOrCreate(TAG, 3);
        for (final long[] sliceValue : sliceValues)
        {
            store.add(key, sliceValue[0], sliceValue[1]);
        }
        return key;
    }

    /** A firing walk's windows, as count, sum, min, max. */
    private static SliceColumns.WindowTotals collectInto(final List<List<Long>> windows)
    {
        return (keyTag, keyId, count, sum, min, max) -> windows.add(List.of(count, sum, min, max));
    }

    /** count, sum, min, max of the key's slices [from, until). */
    private List<Long> merge(final SliceColumns store, final int record, final long from, final long until)
    {
        layout.clear(merged, 0);
        store.mergeInto(record, from, until, merged, 0);
        return List.of(merged.getLong(AccumulatorLayout.COUNT_OFFSET), merged.getLong(AccumulatorLayout.SUM_OFFSET),
            merged.getLong(AccumulatorLayout.MIN_OFFSET), merged.getLong(AccumulatorLayout.MAX_OFFSET));
    }
}
