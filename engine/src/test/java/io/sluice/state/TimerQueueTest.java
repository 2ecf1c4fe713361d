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

    /** The operations both timer queues share, so one reference test covers both. */
    private interface Queue
    {
        void add(long time, int kind, long key, int tag, long aux);

        long peekTime();

        int peekKind();

        long peekKey();

        int peekTag();

        long peekAux();

        void poll();

        int size();

        boolean isEmpty();
    }

    static java.util.stream.Stream<String> queues()
    {
        return java.util.stream.Stream.of("heap", "buckets");
    }

    private static Queue create(final String kind)
    {
        if (kind.equals("heap"))
        {
            final TimerQueue q = new TimerQueue(4);
            return new Queue()
            {
                public void add(final long time, final int kind, final long key, final int tag, final long aux)
                {
                    q.add(time, kind, key, tag, aux);
                }

                public long peekTime()
                {
                    return q.peekTime();
                }

                public int peekKind()
                {
                    return q.peekKind();
                }

                public long peekKey()
                {
                    return q.peekKey();
                }

                public int peekTag()
                {
                    return q.peekTag();
                }

                public long peekAux()
                {
                    return q.peekAux();
                }

                public void poll()
                {
                    q.poll();
                }

                public int size()
                {
                    return q.size();
                }

                public boolean isEmpty()
                {
                    return q.isEmpty();
                }
            };
        }
        final BucketTimerQueue q = new BucketTimerQueue(4);
        return new Queue()
        {
            public void add(final long time, final int kind, final long key, final int tag, final long aux)
            {
                q.add(time, kind, key, tag, aux);
            }

            public long peekTime()
            {
                return q.peekTime();
            }

            public int peekKind()
            {
                return q.peekKind();
            }

            public long peekKey()
            {
                return q.peekKey();
            }

            public int peekTag()
            {
                return q.peekTag();
            }

            public long peekAux()
            {
                return q.peekAux();
            }

            public void poll()
            {
                q.poll();
            }

            public int size()
            {
                return q.size();
            }

            public boolean isEmpty()
            {
                return q.isEmpty();
            }
        };
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("queues")
    void shouldPopInTimeThenKindOrderLikeAPriorityQueue(final String kind)
    {
        final SplittableRandom random = new SplittableRandom(17);
        final Queue queue = create(kind);
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
