package io.sluice.state;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bucket queue against a model of what it promises beyond {@link TimerQueueTest}: timers of one instant
 * pop in the order they were added, a whole instant can be dropped at once, and a checkpoint taken at any
 * moment restores a queue that goes on exactly as the original would have.
 */
class BucketTimerQueueTest
{
    private record Timer(long key, int tag, long aux)
    {
    }

    /** (time, kind) packed so that a TreeMap orders instants as the queue must. */
    private static long instant(final long time, final int kind)
    {
        return time * 4 + kind;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void shouldPopEachInstantInAdditionOrderAcrossDropsAndCheckpoints(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final TreeMap<Long, ArrayDeque<Timer>> model = new TreeMap<>();
        BucketTimerQueue queue = new BucketTimerQueue(4);
        int modelSize = 0;
        for (int op = 0; op < 100_000; op++)
        {
            final int choice = random.nextInt(100);
            if (modelSize == 0 || choice < 55)
            {
                // Bursts into a few instants, as window ends are, with an odd one far off now and then, and
                // instants 1024 ms apart, which share the queue's recent-instant slot and must not be mixed up.
                final int spread = random.nextInt(20);
                final long time = spread == 0 ? random.nextLong(-1_000_000, 1_000_000) :
                    spread < 6 ? random.nextLong(-8, 8) * 1024 : random.nextLong(-8, 8) * 1000;
                final int kind = random.nextInt(4);
                final Timer timer = new Timer(random.nextLong(), random.nextInt(1, 5), random.nextLong());
                queue.add(time, kind, timer.key, timer.tag, timer.aux);
                model.computeIfAbsent(instant(time, kind), k -> new ArrayDeque<>()).add(timer);
                modelSize++;
            }
            else if (choice < 95)
            {
                final Map.Entry<Long, ArrayDeque<Timer>> earliest = model.firstEntry();
                assertEquals(instant(queue.peekTime(), queue.peekKind()), earliest.getKey());
                assertEquals(earliest.getValue().size(), queue.peekInstantSize());
                final Timer expected = earliest.getValue().poll();
                assertEquals(expected, new Timer(queue.peekKey(), queue.peekTag(), queue.peekAux()));
                queue.poll();
                modelSize--;
                if (earliest.getValue().isEmpty())
                {
                    model.pollFirstEntry();
                }
            }
            else if (choice < 98)
            {
                modelSize -= model.pollFirstEntry().getValue().size();
                queue.pollInstant();
            }
            else
            {
                queue = restored(saved(queue));
            }
            assertEquals(modelSize, queue.size());
            assertEquals(modelSize == 0, queue.isEmpty());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void shouldSaveTheSameBytesAfterARestore(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final BucketTimerQueue queue = new BucketTimerQueue(16);
        for (int op = 0; op < 20_000; op++)
        {
            if (queue.isEmpty() || random.nextInt(3) != 0)
            {
                queue.add(random.nextLong(-20, 20) * 100, random.nextInt(2), random.nextLong(), 1, random.nextLong());
            }
            else if (random.nextInt(10) == 0)
            {
                queue.pollInstant();
            }
            else
            {
                queue.poll();
            }
        }
        assertFalse(queue.isEmpty());
        final byte[] first = saved(queue);
        assertTrue(java.util.Arrays.equals(first, saved(restored(first))));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 9, 1000})
    void shouldDropAWholeInstantAndReuseItsRoom(final int timersAtInstant)
    {
        final BucketTimerQueue queue = new BucketTimerQueue(4);
        for (int lap = 0; lap < 3; lap++)
        {
            for (int i = 0; i < timersAtInstant; i++)
            {
                queue.add(100 + lap, 0, i, 1, -i);
            }
            queue.add(200 + lap, 0, 42, 2, 43);
            assertEquals(timersAtInstant + 1, queue.size());
            assertEquals(timersAtInstant, queue.peekInstantSize());
            queue.pollInstant();
            assertEquals(1, queue.size());
            assertEquals(200 + lap, queue.peekTime());
            assertEquals(42, queue.peekKey());
            assertEquals(2, queue.peekTag());
            assertEquals(43, queue.peekAux());
            queue.pollInstant();
            assertTrue(queue.isEmpty());
        }
    }

    private static byte[] saved(final BucketTimerQueue queue)
    {
        final StateWriter out = new StateWriter(64);
        queue.saveTo(out);
        final byte[] bytes = new byte[out.length()];
        out.buffer().getBytes(0, bytes);
        out.close();
        return bytes;
    }

    private static BucketTimerQueue restored(final byte[] bytes)
    {
        final BucketTimerQueue queue = new BucketTimerQueue(4);
        queue.restoreFrom(new StateReader(new UnsafeBuffer(bytes), 0, bytes.length, "test"));
        return queue;
    }
}
