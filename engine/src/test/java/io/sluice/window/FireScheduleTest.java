package io.sluice.window;

import io.sluice.Windows;
import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fire schedule counts new windows in fields for the two hot indexes and settles them into the per-index
 * counts when a third turns hot or the counts are read; listing is one bound. Against a plain model (a sorted
 * map of counts and the bound), on random streams of new windows in the present, older and far indexes,
 * firings, listings and checkpoints.
 */
class FireScheduleTest
{
    static LongStream seeds()
    {
        return LongStream.range(0, 100);
    }

    private static FireSchedule newSchedule()
    {
        return new FireSchedule(new SliceGrid(Windows.tumbling(Duration.ofMillis(10))));
    }

    @Test
    void countsWindowsAcrossThreeIndexesTakingTurnsAsTheHotOnes()
    {
        final FireSchedule schedule = newSchedule();
        final long[] created = {5, 4, 5, 5, 4, 6, 4, 5, 6, 6, 3, 5};
        for (final long index : created)
        {
            assertFalse(schedule.windowCreated(index), "nothing is listed yet");
        }
        assertEquals(created.length, schedule.unlistedWindows());
        final long[][] expected = {{3, 1}, {4, 3}, {5, 5}, {6, 3}};
        for (final long[] indexAndCount : expected)
        {
            assertEquals(indexAndCount[0], schedule.earliestIndex());
            assertEquals(indexAndCount[1], schedule.earliestCount(), "windows at index " + indexAndCount[0]);
            assertEquals(indexAndCount[0] * 10 + 9, schedule.earliestFireTime());
            schedule.removeEarliest();
        }
        assertTrue(schedule.isEmpty());
        assertEquals(0, schedule.unlistedWindows());
    }

    @Test
    void anIndexThatTurnsUpBelowTheListedBoundIsListedAndOneAboveItIsNot()
    {
        final FireSchedule schedule = newSchedule();
        schedule.windowCreated(10);
        schedule.windowCreated(12);
        schedule.listAll();
        assertEquals(0, schedule.unlistedWindows());
        assertTrue(schedule.windowCreated(11), "below the newest index listed: its window needs a timer");
        assertTrue(schedule.windowCreated(12), "a listed index");
        assertFalse(schedule.windowCreated(13), "above it");
        assertFalse(schedule.isUnlisted(11));
        assertTrue(schedule.isUnlisted(13));
        assertFalse(schedule.isUnlisted(14), "not pending");
        assertEquals(1, schedule.unlistedWindows());
        assertTrue(schedule.earliestListed());
    }

    @Test
    void aCheckpointOfAnotherFormIsRefused()
    {
        final StateWriter out = new StateWriter(64);
        out.section(0x5C4ED01E).putInt(0); // the form before the listed bound: a flag per index
        final FireSchedule schedule = newSchedule();
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> schedule.restoreFrom(new StateReader(out.buffer(), 0, out.length(), "test")));
        assertTrue(refused.getMessage().contains("a window fire schedule"), refused.getMessage());
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void agreesWithAPlainModel(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        FireSchedule schedule = newSchedule();
        final TreeMap<Long, Integer> counts = new TreeMap<>();
        long listedThrough = Long.MIN_VALUE;
        long present = random.nextLong(-1000, 1000);
        long fired = present - 5; // windows are created only at indexes that have not fired
        for (int op = 0; op < 5_000; op++)
        {
            final int choice = random.nextInt(100);
            if (choice < 70)
            {
                final long index = choice < 60 ? present - random.nextInt((int)Math.min(3, present - fired)) :
                    present + 1 + random.nextInt(choice < 65 ? 2 : 1_000_000);
                present = Math.max(present, index);
                counts.merge(index, 1, Integer::sum);
                assertEquals(index <= listedThrough, schedule.windowCreated(index), "listed, index " + index);
            }
            else if (choice < 85 && !counts.isEmpty())
            {
                final Map.Entry<Long, Integer> earliest = counts.pollFirstEntry();
                assertEquals(earliest.getKey(), schedule.earliestIndex());
                assertEquals(earliest.getValue(), schedule.earliestCount(), "count at index " + earliest.getKey());
                assertEquals(earliest.getKey() <= listedThrough, schedule.earliestListed());
                schedule.removeEarliest();
                fired = earliest.getKey();
                present = Math.max(present, fired + 1);
            }
            else if (choice < 88 && !counts.isEmpty())
            {
                schedule.listAll();
                listedThrough = Math.max(listedThrough, counts.lastKey());
            }
            else if (choice < 92)
            {
                final StateWriter out = new StateWriter(64);
                schedule.saveTo(out);
                schedule = newSchedule();
                schedule.restoreFrom(new StateReader(out.buffer(), 0, out.length(), "test"));
            }
            else
            {
                final long index = present - random.nextInt(8);
                assertEquals(index > listedThrough && counts.containsKey(index), schedule.isUnlisted(index), "unlisted, index " + index);
            }
            int unlisted = 0;
            for (final Map.Entry<Long, Integer> pending : counts.entrySet())
            {
                unlisted += pending.getKey() > listedThrough ? pending.getValue() : 0;
            }
            assertEquals(unlisted, schedule.unlistedWindows(), "seed " + seed + ", op " + op);
            assertEquals(counts.isEmpty(), schedule.isEmpty());
        }
    }
}
