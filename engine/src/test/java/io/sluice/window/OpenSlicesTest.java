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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The open slices in front of the sliding operator's slice columns: which slices they take, that each is
 * handed over whole, once, when the watermark passes its end, and not before, that a key's record
 * comes back as the hint for its next slice, and when a key's entry goes.
 */
class OpenSlicesTest
{
    private static final int TAG = KeyTags.LONG;
    private final AccumulatorLayout layout = new AccumulatorLayout(Aggregates.standard());
    // 1 s slices shifted by 300 ms: slice i is [i * 1000 + 300, i * 1000 + 1300).
    private final SliceGrid grid = new SliceGrid(Windows.sliding(Duration.ofSeconds(4), Duration.ofSeconds(1), Duration.ofMillis(300)));

    @Test
    void takesNothingBeforeTheFirstWatermarkNorOutsideTheTwoSlicesJustAheadOfIt()
    {
        try (OpenSlices open = new OpenSlices(grid, layout, 16, 2))
        {
            assertFalse(open.add(TAG, 1, 0, 5), "no watermark yet");
            assertFalse(open.advance(Long.MIN_VALUE, this::fail), "the watermark before any opens nothing");
            assertFalse(open.add(TAG, 1, 0, 5));

            // Watermark -701: its next millisecond, -700, is in slice -1 ([-700, 300)), the first open one.
            assertFalse(open.advance(-701, this::fail));
            assertEquals(-1, open.openFrom());
            assertEquals(-1 + 2, open.openEnd());
            assertFalse(open.add(TAG, 1, -2, 5), "a slice the watermark has passed the end of");
            assertTrue(open.add(TAG, 1, -1, 5));
            assertTrue(open.add(TAG, 1, 0, 5));
            assertFalse(open.add(TAG, 1, 1, 5), "beyond the open span");
            assertEquals(2, open.size());
            assertEquals(1, open.keys());
        }
    }

    @Test
    void handsEachSliceOverWholeAndOnceWhenTheWatermarkPassesItsEnd()
    {
        try (OpenSlices open = new OpenSlices(grid, layout, 16, 2))
        {
            open.advance(0, this::fail); // slice 0 holds 1: open from slice -1
            add(open, 7, -1, -4, 9, 2);
            add(open, 8, -1, 6);
            add(open, 7, 0, 1, 5);

            final Receiver receiver = new Receiver();
            assertFalse(open.advance(298, receiver), "slice -1 ends at 300: not passed at 298");
            assertTrue(receiver.handedOver.isEmpty());

            assertTrue(open.advance(299, receiver), "299 is slice -1's end - 1");
            assertEquals(List.of("key 7 slice -1: count 3 sum 7 min -4 max 9", "key 8 slice -1: count 1 sum 6 min 6 max 6"),
                receiver.sorted());
            assertEquals(1, open.size(), "key 7's slice 0 moved up, and stays open");
            assertEquals(0, open.openFrom());
            add(open, 7, 1, 10);

            // A jump past both: one walk hands both over, in slice order for the key.
            receiver.handedOver.clear();
            assertTrue(open.advance(3_299, receiver));
            assertEquals(List.of("key 7 slice 0: count 2 sum 6 min 1 max 5", "key 7 slice 1: count 1 sum 10 min 10 max 10"),
                receiver.handedOver);
            assertEquals(0, open.size());
            assertEquals(3, open.openFrom());
        }
    }

    @Test
    void aKeysRecordComesBackAsTheHintForItsNextSlice()
    {
        try (OpenSlices open = new OpenSlices(grid, layout, 16, 2))
        {
            open.advance(0, this::fail);
            add(open, 7, -1, 1);
            add(open, 8, -1, 1);
            final Map<Long, Integer> hints = new HashMap<>();
            final OpenSlices.SliceReceiver records = (keyTag, keyId, recordHint, slice, buffer, cellOffset) ->
            {
                hints.put(keyId, recordHint);
                return (int)keyId * 100 + (int)slice + 1;
            };
            open.advance(299, records);
            assertEquals(Map.of(7L, -1, 8L, -1), hints, "new entries have no hint");

            add(open, 7, 0, 1);
            add(open, 8, 1, 1);
            hints.clear();
            open.advance(1_299, records);
            assertEquals(Map.of(7L, 700), hints, "slice -1's record for key 7; key 8 has nothing in slice 0");

            hints.clear();
            open.advance(2_299, records);
            assertEquals(Map.of(8L, 800), hints, "key 8 kept its entry, and the hint, through a slice with its second slice only");
        }
    }

    @Test
    void aKeyLosesItsEntryAfterHandOversThatFindItEmptyAndANewOneStartsWithoutAHint()
    {
        try (OpenSlices open = new OpenSlices(grid, layout, 16, 2))
        {
            open.advance(0, this::fail);
            add(open, 7, -1, 1);
            add(open, 8, -1, 1);
            add(open, 8, 0, 1);
            final Receiver receiver = new Receiver();
            assertTrue(open.advance(299, receiver));
            assertEquals(2, open.keys(), "both handed over: both stay");

            assertTrue(open.advance(1_299, receiver), "key 8's slice 0");
            for (int walk = 1; walk < OpenSlices.IDLE_WALKS; walk++)
            {
                assertEquals(2, open.keys(), "key 7 found empty " + walk + " times: it stays");
                open.advance(1_299 + walk * 1_000L, this::fail);
            }
            assertEquals(1, open.keys(), "key 7 found empty " + OpenSlices.IDLE_WALKS + " times: its entry goes");
            open.advance(1_299 + OpenSlices.IDLE_WALKS * 1_000L, this::fail);
            assertEquals(0, open.keys(), "key 8 too, a slice later");
            assertFalse(open.advance(9_299, this::fail), "nothing left to hand over or remove");

            add(open, 7, 9, 1);
            final List<Integer> hints = new ArrayList<>();
            open.advance(10_299, (keyTag, keyId, recordHint, slice, buffer, cellOffset) ->
            {
                hints.add(recordHint);
                return 0;
            });
            assertEquals(List.of(-1), hints);
        }
    }

    @Test
    void idleEntriesGoOnlyOnceTheyAreAnEighthOfTheTable()
    {
        try (OpenSlices open = new OpenSlices(grid, layout, 16, 2))
        {
            open.advance(0, this::fail);
            for (long key = 0; key < 16; key++)
            {
                add(open, key, -1, 1);
            }
            open.advance(299, new Receiver());
            // From now on keys 2 to 15 have an element in every slice, key 1 in the first only; key 0 in none.
            long watermark = 299;
            for (int walk = 0; walk < OpenSlices.IDLE_WALKS + 2; walk++)
            {
                final long slice = grid.sliceIndex(watermark + 1);
                for (long key = walk == 0 ? 1 : 2; key < 16; key++)
                {
                    add(open, key, slice, 1);
                }
                watermark += 1_000;
                open.advance(watermark, new Receiver());
                final int expected = walk < OpenSlices.IDLE_WALKS ? 16 : 14;
                assertEquals(expected, open.keys(), "after walk " + walk +
                    ": key 0 idle alone is one of sixteen, under an eighth; once key 1 is idle too, both go");
            }
        }
    }

    @Test
    void theSpanHoldsEveryElementTheBoundAllowsOrStaysAtTwo()
    {
        final int cell = layout.bytes(); // 32: three cells, the header and the idle count fill two lines
        assertEquals(2, OpenSlices.spanFor(grid, 0, cell), "the slice the watermark is in and the next");
        assertEquals(2, OpenSlices.spanFor(grid, 1_000, cell));
        assertEquals(3, OpenSlices.spanFor(grid, 1_001, cell));
        assertEquals(3, OpenSlices.spanFor(grid, 2_000, cell));
        assertEquals(2, OpenSlices.spanFor(grid, 2_001, cell), "four would take a third line, and hold no more than part");
        assertEquals(2, OpenSlices.spanFor(grid, 3_600_000, cell));
        final SliceGrid fine = new SliceGrid(Windows.sliding(Duration.ofSeconds(2), Duration.ofMillis(50)));
        assertEquals(3, OpenSlices.spanFor(fine, 100, cell));
        assertEquals(2, OpenSlices.spanFor(fine, 200, cell));
        assertEquals(2, OpenSlices.spanFor(grid, 1_001, cell + 8), "a custom aggregate's word: two cells fit");
        assertThrows(IllegalArgumentException.class, () -> new OpenSlices(grid, layout, 16, OpenSlices.MAX_SPAN + 1));
        assertThrows(IllegalArgumentException.class, () -> new OpenSlices(grid, layout, 16, OpenSlices.MIN_SPAN - 1));
    }

    @Test
    void aWiderSpanTakesSlicesFurtherAheadAndMovesThemDownAsTheWatermarkPasses()
    {
        try (OpenSlices open = new OpenSlices(grid, layout, 16, 4))
        {
            open.advance(0, this::fail); // open: slices -1 to 2
            assertEquals(3, open.openEnd());
            add(open, 7, -1, 1);
            add(open, 7, 1, 2, 3);
            add(open, 7, 2, 4);
            assertFalse(open.add(TAG, 7, 3, 1), "beyond the open span");

            final Receiver receiver = new Receiver();
            assertTrue(open.advance(1_299, receiver), "slices -1 and 0 close");
            assertEquals(List.of("key 7 slice -1: count 1 sum 1 min 1 max 1"), receiver.handedOver);
            assertEquals(2, open.size(), "slices 1 and 2, moved down to the first two cells");
            assertEquals(1, open.openFrom());
            add(open, 7, 4, 5);
            add(open, 7, 1, 6);

            receiver.handedOver.clear();
            assertTrue(open.advance(3_299, receiver), "slices 1 and 2 close; 4 stays");
            assertEquals(List.of("key 7 slice 1: count 3 sum 11 min 2 max 6", "key 7 slice 2: count 1 sum 4 min 4 max 4"),
                receiver.handedOver);
            assertEquals(1, open.size());

            receiver.handedOver.clear();
            assertTrue(open.advance(Long.MAX_VALUE, receiver));
            assertEquals(List.of("key 7 slice 4: count 1 sum 5 min 5 max 5"), receiver.handedOver);
            assertEquals(0, open.keys());
        }
    }

    @Test
    void theEndOfInputHandsOverEverythingRemovesEveryKeyAndThenTakesNothing()
    {
        try (OpenSlices open = new OpenSlices(grid, layout, 16, 2))
        {
            open.advance(-5_000, this::fail);
            for (long key = 0; key < 100; key++)
            {
                add(open, key, -6 + (key % 2), key);
            }
            final Receiver receiver = new Receiver();
            assertTrue(open.advance(Long.MAX_VALUE, receiver));
            assertEquals(100, receiver.handedOver.size());
            assertEquals(0, open.size());
            assertEquals(0, open.keys());
            assertFalse(open.add(TAG, 1, 1_000_000, 1));
            assertFalse(open.advance(Long.MAX_VALUE, this::fail), "nothing left to hand over");
        }
    }

    /** Against a plain model: a sorted map per open slice, the same elements and watermarks. */
    @Test
    void handsOverWhatAPlainModelHolds()
    {
        for (int seed = 0; seed < 21; seed++)
        {
            final SplittableRandom random = new SplittableRandom(seed);
            final int span = OpenSlices.MIN_SPAN + seed % 3 * 3; // 2, 5 and 8
            try (OpenSlices open = new OpenSlices(grid, layout, 4, span))
            {
                final TreeMap<Long, TreeMap<Long, long[]>> model = new TreeMap<>(); // slice -> key -> {count, sum, min, max}
                long watermark = -10_000;
                open.advance(watermark, this::fail);
                for (int step = 0; step < 3_000; step++)
                {
                    if (random.nextInt(20) == 0)
                    {
                        watermark += random.nextInt(random.nextInt(8) == 0 ? 4_000 : 600);
                        final long firstOpen = grid.sliceIndex(watermark + 1);
                        final List<String> expected = new ArrayList<>();
                        while (!model.isEmpty() && model.firstKey() < firstOpen)
                        {
                            final Map.Entry<Long, TreeMap<Long, long[]>> slice = model.pollFirstEntry();
                            slice.getValue().forEach((key, a) -> expected.add(
                                "key " + key + " slice " + slice.getKey() + ": count " + a[0] + " sum " + a[1] + " min " + a[2] + " max " + a[3]));
                        }
                        final Receiver receiver = new Receiver();
                        open.advance(watermark, receiver);
                        expected.sort(null);
                        assertEquals(expected, receiver.sorted(), "seed " + seed + " step " + step);
                        assertTrue(open.keys() <= 12, "one entry per key at most");
                        continue;
                    }
                    final long key = random.nextInt(12);
                    final long slice = grid.sliceIndex(watermark + 1) + random.nextInt(span + 1) - (random.nextInt(10) == 0 ? 1 : 0);
                    final long value = random.nextLong(-50, 50);
                    final boolean taken = open.add(TAG, key, slice, value);
                    assertEquals(slice >= open.openFrom() && slice < open.openEnd(), taken, "seed " + seed + " step " + step);
                    if (taken)
                    {
                        final long[] a = model.computeIfAbsent(slice, s -> new TreeMap<>())
                            .computeIfAbsent(key, k -> new long[] {0, 0, Long.MAX_VALUE, Long.MIN_VALUE});
                        a[0]++;
                        a[1] += value;
                        a[2] = Math.min(a[2], value);
                        a[3] = Math.max(a[3], value);
                    }
                    assertEquals(model.values().stream().mapToInt(Map::size).sum(), open.size());
                }
            }
        }
    }

    @Test
    void aRestoredTableHandsOverWhatTheSavedOneWouldHaveInTheSameOrderWithTheSameHints()
    {
        try (OpenSlices saved = new OpenSlices(grid, layout, 16, 2); OpenSlices restored = new OpenSlices(grid, layout, 16, 2))
        {
            saved.advance(10_000, this::fail);
            for (long key = 0; key < 200; key++)
            {
                add(saved, key * 7919, 9 + (key % 2), key, -key);
            }
            saved.advance(10_299, new Receiver()); // slice 9 over: hints for the keys with a slice 10 too
            for (long key = 0; key < 200; key += 3)
            {
                add(saved, key * 7919, 11, key);
            }
            restored.restoreFrom(SavedState.readerOf(saved::saveTo));
            assertEquals(saved.size(), restored.size());
            assertEquals(saved.keys(), restored.keys());
            assertEquals(saved.openFrom(), restored.openFrom());

            for (final OpenSlices open : new OpenSlices[] {saved, restored})
            {
                add(open, 3, 11, 100);
            }
            for (final long watermark : new long[] {11_299, 11_500, 13_299, 20_000})
            {
                final Receiver fromSaved = new Receiver();
                final Receiver fromRestored = new Receiver();
                saved.advance(watermark, fromSaved);
                restored.advance(watermark, fromRestored);
                assertEquals(fromSaved.handedOver, fromRestored.handedOver, "watermark " + watermark);
            }
            assertEquals(0, restored.size());
        }
    }

    @Test
    void aCheckpointHoldingOpenSlicesBeforeAnyWatermarkIsRefused()
    {
        try (OpenSlices saved = new OpenSlices(grid, layout, 16, 2); OpenSlices restored = new OpenSlices(grid, layout, 16, 2))
        {
            saved.advance(10_000, this::fail);
            add(saved, 1, 10, 1);
            final StateReader reader = SavedState.readerOf(saved::saveTo);
            // The same bytes with the open range unset: as a damaged checkpoint would say.
            final StateWriter copy = new StateWriter(64);
            saved.saveTo(copy);
            final UnsafeBuffer bytes = new UnsafeBuffer(new byte[copy.length()]);
            bytes.putBytes(0, copy.buffer(), 0, copy.length());
            copy.close();
            bytes.putLong(Integer.BYTES * 2, Long.MIN_VALUE); // openFrom, after the section marker and the span
            final StateReader damaged = new StateReader(bytes, 0, bytes.capacity(), "damaged checkpoint");
            restored.restoreFrom(reader);
            assertEquals(1, restored.size());
            final IllegalStateException refused = assertThrows(IllegalStateException.class, () -> restored.restoreFrom(damaged));
            assertTrue(refused.getMessage().contains("while none can be open"), refused.getMessage());
        }
    }

    @Test
    void aCheckpointWithAnotherSpanIsRefused()
    {
        try (OpenSlices saved = new OpenSlices(grid, layout, 16, 3); OpenSlices restored = new OpenSlices(grid, layout, 16, 2))
        {
            saved.advance(10_000, this::fail);
            add(saved, 1, 11, 1); // open from slice 9: the third, which a span of two does not hold
            final IllegalStateException refused =
                assertThrows(IllegalStateException.class, () -> restored.restoreFrom(SavedState.readerOf(saved::saveTo)));
            assertTrue(refused.getMessage().contains("the open slices span"), refused.getMessage());
        }
    }

    private void add(final OpenSlices open, final long key, final long slice, final long... values)
    {
        for (final long value : values)
        {
            assertTrue(open.add(TAG, key, slice, value), "slice " + slice + " open");
        }
    }

    /** Describes every slice handed to it, and names each key's record by the key. */
    private static final class Receiver implements OpenSlices.SliceReceiver
    {
        final List<String> handedOver = new ArrayList<>();

        public int handOver(
            final int keyTag, final long keyId, final int recordHint, final long slice, final UnsafeBuffer buffer, final int cellOffset)
        {
            handedOver.add("key " + keyId + " slice " + slice + ": count " +
                buffer.getLong(cellOffset + AccumulatorLayout.COUNT_OFFSET) + " sum " + buffer.getLong(cellOffset + AccumulatorLayout.SUM_OFFSET) +
                " min " + buffer.getLong(cellOffset + AccumulatorLayout.MIN_OFFSET) + " max " + buffer.getLong(cellOffset + AccumulatorLayout.MAX_OFFSET));
            return (int)keyId;
        }

        List<String> sorted()
        {
            final List<String> sorted = new ArrayList<>(handedOver);
            sorted.sort(null);
            return sorted;
        }
    }

    private int fail(final int keyTag, final long keyId, final int recordHint, final long slice, final UnsafeBuffer buffer, final int cellOffset)
    {
        throw new AssertionError("nothing should be handed over");
    }
}
