package io.sluice.state;

import org.junit.jupiter.api.Test;

import java.util.PriorityQueue;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimerQueueTest
{
    private record Timer(long time, int kind, long key, int tag, long aux) implements Comparable<Timer>
    {
        public int compareTo(final Timer o)
        {
            return time != o.time ? Long.compare(time, o.time) : Integer.compare(kind, o.kind);
        }
    }

    @Test
    void shouldPopInTimeThenKindOrderLikeAPriorityQueue()
    {
        final SplittableRandom random = new SplittableRandom(17);
        final TimerQueue queue = new TimerQueue(4);
        final PriorityQueue<Timer> reference = new PriorityQueue<>();
        for (int op = 0; op < 300_000; op++)
        {
            if (reference.isEmpty() || random.nextInt(3) != 0)
            {
                final Timer t = new Timer(random.nextLong(-1000, 1000), random.nextInt(3), random.nextLong(), random.nextInt(3),
                    random.nextLong());
                queue.add(t.time, t.kind, t.key, t.tag, t.aux);
                reference.add(t);
            }
            else
            {
                final Timer expected = reference.poll();
                assertEquals(expected.time, queue.peekTime());
                assertEquals(expected.kind, queue.peekKind());
                // Equal (time, kind) pairs may pop in either order; check the rest only when unique.
                if (reference.isEmpty() || reference.peek().compareTo(expected) != 0)
                {
                    assertEquals(expected.key, queue.peekKey());
                    assertEquals(expected.tag, queue.peekTag());
                    assertEquals(expected.aux, queue.peekAux());
                }
                queue.poll();
            }
            assertEquals(reference.size(), queue.size());
        }
        long last = Long.MIN_VALUE;
        while (!queue.isEmpty())
        {
            assertTrue(queue.peekTime() >= last);
            last = queue.peekTime();
            queue.poll();
        }
    }
}
