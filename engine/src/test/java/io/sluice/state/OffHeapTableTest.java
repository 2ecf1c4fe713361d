package io.sluice.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OffHeapTableTest
{
    private record Key(long key1, long key2, int tag)
    {
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void shouldBehaveLikeHashMapUnderRandomInsertsAndRemoves(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final Map<Key, Long> reference = new HashMap<>();
        try (OffHeapTable table = new OffHeapTable(8, 16))
        {
            for (int op = 0; op < 200_000; op++)
            {
                // A small key space forces collisions, long probe chains and backward shifts.
                final Key key = new Key(random.nextLong(-300, 300), random.nextLong(0, 4) * 1000, 1 + random.nextInt(2));
                final int entry = table.find(key.key1(), key.key2(), key.tag());
                assertEquals(reference.containsKey(key), entry != OffHeapTable.NOT_FOUND, "presence of " + key);
                if (entry != OffHeapTable.NOT_FOUND)
                {
                    assertEquals(reference.get(key), table.buffer().getLong(table.valueOffset(entry)));
                    if (random.nextBoolean())
                    {
                        table.removeAt(entry);
                        reference.remove(key);
                    }
                }
                else
                {
                    final long value = random.nextLong();
                    final int created = table.insert(key.key1(), key.key2(), key.tag());
                    table.buffer().putLong(table.valueOffset(created), value);
                    reference.put(key, value);
                }
                if (op % 50_000 == 0)
                {
                    table.shrinkIfSparse();
                }
                assertEquals(reference.size(), table.size());
            }
            final List<Key> visited = new ArrayList<>();
            table.forEach(offset -> visited.add(new Key(table.key1(offset), table.key2(offset), table.tag(offset))));
            assertEquals(reference.size(), visited.size());
            assertEquals(reference.keySet(), new java.util.HashSet<>(visited));
        }
    }

    /**
     * findOrInsert against a map: it finds what is there and inserts what is not, with a zeroed value,
     * also when the insert grows the table (a 16-slot table fills many times over) and among removals.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void findOrInsertFindsWhatIsThereAndInsertsWhatIsNot(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final Map<Key, Long> reference = new HashMap<>();
        try (OffHeapTable table = new OffHeapTable(8, 16))
        {
            for (int op = 0; op < 200_000; op++)
            {
                final Key key = new Key(random.nextLong(-300, 300), random.nextLong(0, 4), 1 + random.nextInt(2));
                final int result = table.findOrInsert(key.key1(), key.key2(), key.tag());
                final Long known = reference.get(key);
                if (known != null)
                {
                    assertTrue(result >= 0, "found " + key);
                    assertEquals(known, table.buffer().getLong(table.valueOffset(result)));
                    if (random.nextInt(3) == 0)
                    {
                        table.removeAt(result);
                        reference.remove(key);
                    }
                }
                else
                {
                    assertTrue(result < 0, "inserted " + key);
                    final int created = OffHeapTable.insertedOffset(result);
                    assertEquals(key, new Key(table.key1(created), table.key2(created), table.tag(created)));
                    assertEquals(0L, table.buffer().getLong(table.valueOffset(created)));
                    assertEquals(0, table.aux(created));
                    assertEquals(created, table.find(key.key1(), key.key2(), key.tag()));
                    final long value = random.nextLong() | 1; // never 0, so a missed zeroing shows
                    table.buffer().putLong(table.valueOffset(created), value);
                    reference.put(key, value);
                }
                assertEquals(reference.size(), table.size());
            }
            for (final Map.Entry<Key, Long> entry : reference.entrySet())
            {
                final Key key = entry.getKey();
                final int found = table.findOrInsert(key.key1(), key.key2(), key.tag());
                assertTrue(found >= 0, "still there: " + key);
                assertEquals(entry.getValue(), table.buffer().getLong(table.valueOffset(found)));
            }
            assertEquals(reference.size(), table.size());
        }
    }

    @Test
    void findOrInsertGrowsTheTableAtItsThresholdAndTheNewEntryIsWhereItSays()
    {
        try (OffHeapTable table = new OffHeapTable(8, 16))
        {
            // 60 % of 16 slots: the tenth entry would pass the threshold, so it doubles the table first.
            for (int key = 1; key <= 9; key++)
            {
                table.findOrInsert(key, 0, 1);
            }
            assertEquals(16, table.capacity());
            final int tenth = OffHeapTable.insertedOffset(table.findOrInsert(10, 0, 1));
            assertEquals(32, table.capacity());
            assertEquals(tenth, table.find(10, 0, 1));
            for (int key = 1; key <= 10; key++)
            {
                assertTrue(table.findOrInsert(key, 0, 1) >= 0, "key " + key + " is found after the growth");
            }
            assertEquals(10, table.size());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void removingAllEntriesOfOneKey2LeavesEveryOtherEntryReachable(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final Map<Key, Long> reference = new HashMap<>();
        // Up to 90% full, so that clusters are long and some wrap round the end of the table.
        try (OffHeapTable table = new OffHeapTable(8, 16, 90))
        {
            for (int round = 0; round < 3_000; round++)
            {
                for (int n = random.nextInt(40); n > 0; n--)
                {
                    final Key key = new Key(random.nextLong(-60, 60), random.nextLong(0, 4), 1 + random.nextInt(2));
                    if (!reference.containsKey(key))
                    {
                        final long value = random.nextLong();
                        table.buffer().putLong(table.valueOffset(table.insert(key.key1(), key.key2(), key.tag())), value);
                        reference.put(key, value);
                    }
                }
                // One key2, or a range of them (possibly empty).
                final boolean one = random.nextBoolean();
                final long from = random.nextLong(0, 5);
                final long until = one ? from + 1 : random.nextLong(from, 6);
                final List<Integer> visitedOffsets = new ArrayList<>();
                final Map<Key, Long> visited = new HashMap<>();
                final OffHeapTable.EntryVisitor visitor = offset ->
                {
                    visitedOffsets.add(offset);
                    visited.put(new Key(table.key1(offset), table.key2(offset), table.tag(offset)),
                        table.buffer().getLong(table.valueOffset(offset)));
                };
                final int removed = one ? table.removeAllWithKey2(from, visitor) : table.removeAllWithKey2In(from, until, visitor);

                final Map<Key, Long> expected = new HashMap<>();
                reference.forEach((key, value) ->
                {
                    if (key.key2() >= from && key.key2() < until)
                    {
                        expected.put(key, value);
                    }
                });
                assertEquals(expected, visited, "round " + round + ": the entries of key2 in [" + from + ", " + until + ")");
                assertEquals(expected.size(), removed);
                assertTrue(onceRoundInSlotOrder(visitedOffsets), "visited in slot order, once round from some slot: " + visitedOffsets);
                reference.keySet().removeAll(expected.keySet());
                assertEquals(reference.size(), table.size());
                for (final Map.Entry<Key, Long> live : reference.entrySet())
                {
                    final Key key = live.getKey();
                    final int entry = table.find(key.key1(), key.key2(), key.tag());
                    assertNotEquals(OffHeapTable.NOT_FOUND, entry, "round " + round + ": " + key + " lost its way");
                    assertEquals(live.getValue(), table.buffer().getLong(table.valueOffset(entry)));
                }
                for (final Key gone : expected.keySet())
                {
                    assertEquals(OffHeapTable.NOT_FOUND, table.find(gone.key1(), gone.key2(), gone.tag()));
                }
            }
        }
    }

    @Test
    void removingAllWithAKey2NoEntryHasChangesNothing()
    {
        try (OffHeapTable table = new OffHeapTable(8, 16))
        {
            final int entry = table.insert(7, 1, 1);
            table.buffer().putLong(table.valueOffset(entry), 42);
            assertEquals(0, table.removeAllWithKey2(2, offset -> { throw new AssertionError("visited " + offset); }));
            assertEquals(1, table.size());
            assertEquals(entry, table.find(7, 1, 1));
        }
    }

    @Test
    void shouldGrowAndShrinkBackKeepingEveryEntry()
    {
        try (OffHeapTable table = new OffHeapTable(32, 16))
        {
            final int initialCapacity = table.capacity();
            int grownCapacity = 0;
            for (long k = 0; k < 100_000; k++)
            {
                final int entry = table.insert(k, -k, 1);
                table.buffer().putLong(table.valueOffset(entry) + 24, k * 3);
                table.aux(entry, (int)k);
            }
            assertNotEquals(initialCapacity, table.capacity());
            grownCapacity = table.capacity();
            for (long k = 0; k < 100_000; k++)
            {
                final int entry = table.find(k, -k, 1);
                assertEquals(k * 3, table.buffer().getLong(table.valueOffset(entry) + 24));
                assertEquals((int)k, table.aux(entry));
                if (k >= 10)
                {
                    table.removeAt(entry);
                }
            }
            table.shrinkIfSparse();
            assertEquals(grownCapacity, table.capacity(), "full since the last look: it keeps its room");
            table.shrinkIfSparse();
            assertEquals(10, table.size());
            assertEquals(262_144, grownCapacity);
            assertEquals(32, table.capacity(), "shrinks to the smallest power of two at <= 25% load");
            for (long k = 0; k < 10; k++)
            {
                assertEquals(k * 3, table.buffer().getLong(table.valueOffset(table.find(k, -k, 1)) + 24));
            }
        }
    }

    @Test
    void shouldKeepItsCapacityWhenItFillsAndEmptiesBetweenLooks()
    {
        // As a sliding window's open slices at 1 000 keys: 1 400 entries before a hand-over, 400 after it.
        try (OffHeapTable table = new OffHeapTable(32, 2_000))
        {
            long key = 0;
            long firstRemaining = 0;
            long grownAddress = 0;
            for (int cycle = 0; cycle < 6; cycle++)
            {
                while (table.size() < 1_400)
                {
                    table.insert(key++, 0, 1);
                }
                assertEquals(4_096, table.capacity(), "grown past the initial 2 048 at 60 % load");
                if (cycle == 0)
                {
                    grownAddress = table.buffer().addressOffset();
                }
                assertEquals(grownAddress, table.buffer().addressOffset(), "no rehash after the first growth, cycle " + cycle);
                while (table.size() > 400)
                {
                    table.removeAt(table.find(firstRemaining++, 0, 1));
                }
                table.shrinkIfSparse();
                assertEquals(4_096, table.capacity(), "cycle " + cycle);
            }
            table.shrinkIfSparse();
            assertEquals(2_048, table.capacity(), "sparse from one look to the next: back to the initial capacity");
            for (long k = firstRemaining; k < key; k++)
            {
                assertNotEquals(OffHeapTable.NOT_FOUND, table.find(k, 0, 1));
            }
        }
    }

    @Test
    void shouldKeepEntryAtOneCacheLineForBuiltInAggregates()
    {
        try (OffHeapTable table = new OffHeapTable(io.sluice.window.AccumulatorLayout.BUILTIN_BYTES, 16))
        {
            assertEquals(64, table.strideBytes(), "56 bytes of key and accumulator, padded to one line");
        }
    }

    @Test
    void shouldPadOnlyEntriesThatWouldStraddleACacheLine()
    {
        assertEquals(32, OffHeapTable.strideFor(8), "small entries stay packed");
        assertEquals(64, OffHeapTable.strideFor(25));
        assertEquals(64, OffHeapTable.strideFor(40));
        assertEquals(72, OffHeapTable.strideFor(48), "over a line: packed to 8");
    }

    @Test
    void shouldRejectReservedTag()
    {
        try (OffHeapTable table = new OffHeapTable(0, 16))
        {
            assertThrows(IllegalArgumentException.class, () -> table.insert(1, 1, 0));
            assertThrows(IllegalArgumentException.class, () -> table.findOrInsert(1, 1, 0));
            assertEquals(0, table.size());
        }
    }

    @Test
    void snapshotHoldsLiveEntriesOnlyAndRestoresTheExactLayout()
    {
        final SplittableRandom random = new SplittableRandom(17);
        try (OffHeapTable table = new OffHeapTable(32, 16);
             OffHeapTable restored = new OffHeapTable(32, 16))
        {
            final List<long[]> live = new ArrayList<>();
            for (int op = 0; op < 20_000; op++)
            {
                if (live.isEmpty() || random.nextInt(3) != 0)
                {
                    final long[] key = {random.nextLong(), random.nextInt(50), 1 + random.nextInt(2)};
                    if (table.find(key[0], key[1], (int)key[2]) == OffHeapTable.NOT_FOUND)
                    {
                        final int entry = table.insert(key[0], key[1], (int)key[2]);
                        table.buffer().putLong(table.valueOffset(entry), key[0] ^ key[1]);
                        live.add(key);
                    }
                }
                else
                {
                    final long[] key = live.remove(random.nextInt(live.size()));
                    table.removeAt(table.find(key[0], key[1], (int)key[2]));
                }
            }
            final StateWriter out = new StateWriter(64);
            table.saveTo(out);
            assertEquals(5 * 4 + live.size() * (4L + table.strideBytes()), out.length(), "live entries only, each with its slot");

            restored.restoreFrom(new StateReader(out.buffer(), 0, out.length(), "test"));
            assertEquals(table.size(), restored.size());
            assertEquals(table.capacity(), restored.capacity());
            for (int i = 0; i < table.capacity() * table.strideBytes(); i += 8)
            {
                assertEquals(table.buffer().getLong(i), restored.buffer().getLong(i), "byte " + i + " of the layout");
            }
            for (final long[] key : live)
            {
                final int entry = restored.find(key[0], key[1], (int)key[2]);
                assertEquals(key[0] ^ key[1], restored.buffer().getLong(restored.valueOffset(entry)));
            }
            final StateWriter again = new StateWriter(64);
            restored.saveTo(again);
            assertEquals(out.length(), again.length(), "a restored table snapshots the same");
            out.close();
            again.close();
        }
    }

    @Test
    void aTableRestoredBetweenItsPeakAndItsNextLookShrinksAsTheFirstWouldHave()
    {
        try (OffHeapTable table = new OffHeapTable(32, 2_000);
             OffHeapTable restored = new OffHeapTable(32, 2_000))
        {
            for (long k = 0; k < 1_400; k++)
            {
                table.insert(k, 0, 1);
            }
            table.shrinkIfSparse(); // the peak it goes by is now 1 400
            for (long k = 0; k < 1_000; k++)
            {
                table.removeAt(table.find(k, 0, 1));
            }
            final StateWriter out = new StateWriter(64);
            table.saveTo(out);
            restored.restoreFrom(new StateReader(out.buffer(), 0, out.length(), "test"));
            out.close();

            table.shrinkIfSparse();
            restored.shrinkIfSparse();
            assertEquals(4_096, table.capacity(), "1 400 entries held since the last look: no shrink");
            assertEquals(table.capacity(), restored.capacity(), "the restored table decides the same");
            table.shrinkIfSparse();
            restored.shrinkIfSparse();
            assertEquals(2_048, table.capacity());
            assertEquals(table.capacity(), restored.capacity());
        }
    }

    @Test
    void snapshotWithTwoEntriesInOneSlotIsRefused()
    {
        try (OffHeapTable table = new OffHeapTable(8, 16);
             OffHeapTable restored = new OffHeapTable(8, 16))
        {
            table.insert(1, 0, 1);
            table.insert(2, 0, 1);
            final StateWriter out = new StateWriter(64);
            table.saveTo(out);
            // The second entry's slot number sits right after the first entry: make it the first's.
            final int firstSlotAt = 20;
            final int secondSlotAt = firstSlotAt + 4 + table.strideBytes();
            ((org.agrona.MutableDirectBuffer)out.buffer()).putInt(secondSlotAt, out.buffer().getInt(firstSlotAt));
            final IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> restored.restoreFrom(new StateReader(out.buffer(), 0, out.length(), "test")));
            assertTrue(refused.getMessage().contains("inconsistent table"), refused.getMessage());
            out.close();
        }
    }

    /** Whether the offsets rise throughout, or rise to one drop and then, still rising, stay below the first. */
    private static boolean onceRoundInSlotOrder(final List<Integer> offsets)
    {
        int drops = 0;
        for (int i = 1; i < offsets.size(); i++)
        {
            if (offsets.get(i) <= offsets.get(i - 1))
            {
                drops++;
            }
        }
        return drops == 0 || (drops == 1 && offsets.get(offsets.size() - 1) < offsets.get(0));
    }
}
