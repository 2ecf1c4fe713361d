package io.sluice.window;

import io.sluice.state.OffHeapTable;
import io.sluice.state.StateReader;
import io.sluice.testing.SavedState;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link SessionList} against a sorted map per key, under random inserts (before the first session, between
 * two, after the last) and removals (the first, with or without a second to move up, or a later one), in a
 * table sized for one key, so that moving a session in or out of the key's entry often rehashes the table
 * under it; and through a save and restore now and then.
 */
class SessionListTest
{
    private static final int TAG = 1;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken link loops, not fails
    void keepsEachKeysSessionsInOrderWithTheirValues(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final Map<Long, TreeMap<Long, long[]>> model = new TreeMap<>(); // key -> start -> {end, accumulator, firings}
        SessionList sessions = new SessionList(Long.BYTES, 1);
        try
        {
            for (int step = 0; step < 20_000; step++)
            {
                final long key = random.nextInt(12);
                final TreeMap<Long, long[]> list = model.computeIfAbsent(key, k -> new TreeMap<>());
                if (list.isEmpty() || (list.size() < 10 && random.nextInt(100) < 55)) // lists of up to 10
                {
                    final long start = random.nextLong(-1000, 1000);
                    if (!list.containsKey(start))
                    {
                        final Long previous = list.lowerKey(start);
                        final Long next = list.higherKey(start);
                        final long[] session = {start + 1 + random.nextInt(50), random.nextLong(), random.nextInt(5)};
                        final int entry = sessions.insert(TAG, key, previous == null ? SessionList.NONE : previous, start,
                            session[0], next == null ? SessionList.NONE : next);
                        assertEquals(0, sessions.firings(entry));
                        assertEquals(0, sessions.buffer().getLong(sessions.accumulatorOffset(entry)));
                        sessions.buffer().putLong(sessions.accumulatorOffset(entry), session[1]);
                        sessions.firings(entry, (int)session[2]);
                        list.put(start, session);
                    }
                }
                else
                {
                    final List<Long> starts = new ArrayList<>(list.keySet());
                    final long start = starts.get(random.nextInt(starts.size()));
                    sessions.remove(TAG, key, sessions.find(TAG, key, start));
                    list.remove(start);
                }
                if (random.nextInt(2000) == 0)
                {
                    sessions = savedAndRestored(sessions);
                }
                assertMatches(model, sessions, "seed " + seed + " step " + step);
            }
        }
        finally
        {
            sessions.close();
        }
    }

    private static void assertMatches(final Map<Long, TreeMap<Long, long[]>> model, final SessionList sessions, final String where)
    {
        int total = 0;
        for (final Map.Entry<Long, TreeMap<Long, long[]>> key : model.entrySet())
        {
            final List<String> expected = new ArrayList<>();
            for (final Map.Entry<Long, long[]> session : key.getValue().entrySet())
            {
                expected.add(session.getKey() + "," + session.getValue()[0] + "," + session.getValue()[1] + "," +
                    session.getValue()[2]);
            }
            final List<String> actual = new ArrayList<>();
            for (int entry = sessions.first(TAG, key.getKey()); entry != OffHeapTable.NOT_FOUND;
                entry = sessions.following(TAG, key.getKey(), entry))
            {
                actual.add(sessions.start(entry) + "," + sessions.end(entry) + "," +
                    sessions.buffer().getLong(sessions.accumulatorOffset(entry)) + "," + sessions.firings(entry));
                assertEquals(entry, sessions.find(TAG, key.getKey(), sessions.start(entry)), where + ": find by start");
            }
            assertEquals(expected, actual, where + ", key " + key.getKey());
            total += expected.size();
        }
        assertEquals(total, sessions.size(), where + ": sessions in the table");
    }

    private static SessionList savedAndRestored(final SessionList sessions)
    {
        final StateReader saved = SavedState.readerOf(sessions::saveTo);
        sessions.close();
        final SessionList restored = new SessionList(Long.BYTES, 1);
        restored.restoreFrom(saved);
        return restored;
    }
}
