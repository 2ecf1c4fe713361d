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
        }
    }
}
