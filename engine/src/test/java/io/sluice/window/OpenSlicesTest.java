package io.sluice.window;

import io.sluice.Aggregates;
import io.sluice.Windows;
import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;
import io.sluice.testing.SavedState;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The open slices in front of the sliding operator's slice columns: which slices they take, and that each
 * is handed over whole, once, when the watermark passes its end, and not before.
 */
class OpenSlicesTest
{
    private static final int TAG = KeyTags.LONG;
    private final AccumulatorLayout layout = new AccumulatorLayout(Aggregates.standard());
    // 1 s slices shifted by 300 ms: slice i is [i * 1000 + 300, i * 1000 + 1300).
    private final SliceGrid grid = new SliceGrid(Windows.sliding(Duration.ofSeconds(4), Duration.ofSeconds(1), Duration.ofMillis(300)));

    @Test
    void takesNothingBeforeTheFirstWatermarkNorOutsideTheSlicesJustAheadOfIt()
    {
        try (OpenSlices open = new OpenSlices(grid, layout, 16))
        {
            assertFalse(open.add(TAG, 1, 0, 5), "no watermark yet");
            assertFalse(open.advance(Long.MIN_VALUE, this::fail), "the watermark before any opens nothing");
            assertFalse(open.add(TAG, 1, 0, 5));

            // Watermark -701: its next millisecond, -700, is in slice -1 ([-700, 300)), the first open one.
            assertFalse(open.advance(-701, this::fail));
            assertEquals(-1, open.openFrom());
            assertEquals(-1 + OpenSlices.SPAN, open.openEnd());
            assertFalse(open.add(TAG, 1, -2, 5), "a slice the watermark has passed the end of");
            assertTrue(open.add(TAG, 1, -1, 5));
            assertTrue(open.add(TAG, 1, OpenSlices.SPAN - 2, 5));
            assertFalse(open.add(TAG, 1, OpenSlices.SPAN - 1, 5), "beyond the open span");
            assertEquals(2, open.size());
        }
    }

    @Test
    void handsEachSliceOverWholeAndOnceWhenTheWatermarkPassesItsEnd()
    {
        try (OpenSlices open = new OpenSlices(grid, layout, 16))
        {
            open.advance(0, this::fail); // slice 0 holds 1: open from slice -1
            add(open, 7, -1, -4, 9, 2);
            add(open, 8, -1, 6);
            add(open, 7, 0, 1);
            add(open, 7, 2, 3, 3);

            final List<String> handedOver = new ArrayList<>();
            assertFalse(open.advance(298, entry -> handedOver.add(describe(open, entry))), "slice -1 ends at 300: not passed at 298");
            assertTrue(handedOver.isEmpty());

            assertTrue(open.advance(299, entry -> handedOver.add(describe(open, entry))), "299 is slice -1's end - 1");
            handedOver.sort(null);
            assertEquals(List.of("key 7 slice -1: count 3 sum 7 min -4 max 9", "key 8 slice -1: count 1 sum 6 min 6 max 6"), handedOver);
            assertEquals(2, open.size(), "slices 0 and 2 stay open");

            // A jump past both: one walk hands both over.
            handedOver.clear();
            assertTrue(open.advance(3_299, entry -> handedOver.add(describe(open, entry))));
            handedOver.sort(null);
            assertEquals(List.of("key 7 slice 0: count 1 sum 1 min 1 max 1", "key 7 slice 2: count 2 sum 6 min 3 max 3"), handedOver);
            assertEquals(0, open.size());
            assertEquals(3, open.openFrom());
        }
    }

    @Test
    void theEndOfInputHandsOverEverythingAndThenTakesNothing()
    {
        try (OpenSlices open = new OpenSlices(grid, layout, 16))
        {
            open.advance(-5_000, this::fail);
            for (long key = 0; key < 100; key++)
            {
                add(open, key, -6 + (key % OpenSlices.SPAN), key);
            }
            final int[] handedOver = {0};
            assertTrue(open.advance(Long.MAX_VALUE, entry -> handedOver[0]++));
            assertEquals(100, handedOver[0]);
            assertEquals(0, open.size());
            assertFalse(open.add(TAG, 1, 1_000_000, 1));
            assertFalse(open.advance(Long.MAX_VALUE, this::fail), "nothing left to hand over");
        }
    }

    @Test
    void aRestoredTableHandsOverWhatTheSavedOneWouldHaveInTheSameOrder()
    {
        try (OpenSlices saved = new OpenSlices(grid, layout, 16); OpenSlices restored = new OpenSlices(grid, layout, 16))
        {
            saved.advance(10_000, this::fail);
            for (long key = 0; key < 200; key++)
            {
                add(saved, key * 7919, 9 + (key % 5), key, -key);
            }
            restored.restoreFrom(SavedState.readerOf(saved::saveTo));
            assertEquals(saved.size(), restored.size());
            assertEquals(saved.openFrom(), restored.openFrom());

            for (final OpenSlices open : new OpenSlices[] {saved, restored})
            {
                add(open, 3, 12, 100);
            }
            for (final long watermark : new long[] {10_299, 11_500, 13_299, 20_000})
            {
                final List<String> fromSaved = new ArrayList<>();
                final List<String> fromRestored = new ArrayList<>();
                saved.advance(watermark, entry -> fromSaved.add(describe(saved, entry)));
                restored.advance(watermark, entry -> fromRestored.add(describe(restored, entry)));
                assertEquals(fromSaved, fromRestored, "watermark " + watermark);
            }
            assertEquals(0, restored.size());
        }
    }

    @Test
    void aCheckpointWithASliceOutsideTheOpenRangeIsRefused()
    {
        try (OpenSlices saved = new OpenSlices(grid, layout, 16); OpenSlices restored = new OpenSlices(grid, layout, 16))
        {
            saved.advance(10_000, this::fail);
            add(saved, 1, 10, 1);
            final StateReader reader = SavedState.readerOf(saved::saveTo);
            // The same bytes with the open range moved past the slice: as a damaged checkpoint would say.
            final StateWriter copy = new StateWriter(64);
            saved.saveTo(copy);
            final UnsafeBuffer bytes = new UnsafeBuffer(new byte[copy.length()]);
            bytes.putBytes(0, copy.buffer(), 0, copy.length());
            copy.close();
            bytes.putLong(Integer.BYTES, 11); // openFrom, after the section marker
            final StateReader damaged = new StateReader(bytes, 0, bytes.capacity(), "damaged checkpoint");
            restored.restoreFrom(reader);
            assertEquals(1, restored.size());
            final IllegalStateException refused = assertThrows(IllegalStateException.class, () -> restored.restoreFrom(damaged));
            assertTrue(refused.getMessage().contains("outside the open range"), refused.getMessage());
        }
    }

    private void add(final OpenSlices open, final long key, final long slice, final long... values)
    {
        for (final long value : values)
        {
            assertTrue(open.add(TAG, key, slice, value), "slice " + slice + " open");
        }
    }

    private String describe(final OpenSlices open, final int entry)
    {
        final int cell = open.cellOffset(entry);
        return "key " + open.keyId(entry) + " slice " + open.slice(entry) + ": count " +
            open.buffer().getLong(cell + AccumulatorLayout.COUNT_OFFSET) + " sum " + open.buffer().getLong(cell + AccumulatorLayout.SUM_OFFSET) +
            " min " + open.buffer().getLong(cell + AccumulatorLayout.MIN_OFFSET) + " max " + open.buffer().getLong(cell + AccumulatorLayout.MAX_OFFSET);
    }

    private void fail(final int entry)
    {
        throw new AssertionError("nothing should be handed over");
    }
}
