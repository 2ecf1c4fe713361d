package io.sluice.state;


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

    static java.util.stream.Stream<Timers> queues()
    {
        return java.util.stream.Stream.of(new TimerQueue(4), new BucketTimerQueue(4));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("queues")
    void shouldPopInTimeThenKindOrderLikeAPriorityQueue(final Timers queue)
    {
        final SplittableRandom random = new SplittableRandom(17);
        final PriorityQueue<Timer> reference = new PriorityQueue<>();
        for (int op = 0; op < 300_000; op++)
        {
            if (reference.isEmpty() || random.nextInt(3) != 0)
            {
                // Few distinct instants, as window timers have, so instants fill, drain and are reused.
                final Timer t = new Timer(random.nextLong(-50, 50) * 20, random.nextInt(3), random.nextLong(), random.nextInt(3),
                    random.nextLong());
                queue.add(t.time, t.kind, t.key, t.tag, t.aux);
                reference.add(t);
            }
            else
            {
                // Timers at one (time, kind) may pop in any order: what pops must be one of them.
                final Timer earliest = reference.peek();
                assertEquals(earliest.time, queue.peekTime());
                assertEquals(earliest.kind, queue.peekKind());
                final Timer popped = new Timer(queue.peekTime(), queue.peekKind(), queue.peekKey(), queue.peekTag(), queue.peekAux());
                assertTrue(reference.remove(popped), "popped a timer that was added: " + popped);
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
