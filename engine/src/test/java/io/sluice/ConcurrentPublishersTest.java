package io.sluice;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Several threads publishing at once through a small ring, which wraps thousands of times: every event
 * arrives whole. Text keys of different lengths are copied into neighbouring slots' char ranges by
 * different threads at the same moment, so a slot spilling into another, or a slot read before its
 * publisher finished, shows up as a wrong key, count or sum.
 */
class ConcurrentPublishersTest
{
    private static final int THREADS = 4;
    private static final int EVENTS_PER_THREAD = 40_000;

    @Test
    void everyEventFromEveryThreadIsCountedUnderItsOwnKey() throws Exception
    {
        final Map<String, long[]> expected = new TreeMap<>();
        for (int t = 0; t < THREADS; t++)
        {
            for (int i = 0; i < EVENTS_PER_THREAD; i++)
            {
                final long[] countAndSum = expected.computeIfAbsent(keyName(t, i), k -> new long[2]);
                countAndSum[0]++;
                countAndSum[1] += value(t, i);
            }
        }

        final Map<String, long[]> actual = new ConcurrentHashMap<>();
        final CountDownLatch start = new CountDownLatch(1);
        try (Sluice sluice = Sluice.builder().shards(2).ringSize(256).maxKeyLength(24)
            .pipeline("p", p -> p.window(Windows.tumbling(Duration.ofSeconds(1)))
                .onResult(r -> actual.merge((r.isLongKey() ? "long " : "text ") + r.key(), new long[] {r.count(), r.sum()},
                    (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]})))
            .start())
        {
            final int pipeline = sluice.pipelineId("p");
            final Thread[] publishers = new Thread[THREADS];
            for (int t = 0; t < THREADS; t++)
            {
                final int thread = t;
                publishers[t] = new Thread(() ->
                {
                    awaitQuietly(start);
                    for (int i = 0; i < EVENTS_PER_THREAD; i++)
                    {
                        final long time = i % 1_000; // one window per key: the counts add up over the whole run
                        if (isTextKey(i))
                        {
                            sluice.publish(pipeline, thread, time, textKey(thread, i), value(thread, i), Sluice.NO_POSITION);
                        }
                        else
                        {
                            while (!sluice.tryPublish(pipeline, thread, time, longKey(thread, i), value(thread, i)))
                            {
                                Thread.onSpinWait();
                            }
                        }
                    }
                }, "publisher-" + t);
                publishers[t].start();
            }
            start.countDown();
            for (final Thread publisher : publishers)
            {
                publisher.join();
            }
        }

        assertEquals(expected.size(), actual.size(), "keys");
        final Map<String, String> differences = new HashMap<>();
        expected.forEach((key, countAndSum) ->
        {
            final long[] got = actual.get(key);
            if (got == null || got[0] != countAndSum[0] || got[1] != countAndSum[1])
            {
                differences.put(key, "expected " + countAndSum[0] + "/" + countAndSum[1] + ", got " +
                    (got == null ? "nothing" : got[0] + "/" + got[1]));
            }
        });
        assertEquals(Map.of(), differences);
    }

    private static boolean isTextKey(final int i)
    {
        return i % 3 == 0;
    }

    /** Keys of 5 to 21 chars, distinct per thread. */
    private static String textKey(final int thread, final int i)
    {
        return "t" + thread + "-" + "x".repeat(i % 17) + "-" + (i % 50);
    }

    private static long longKey(final int thread, final int i)
    {
        return thread * 1_000L + i % 50;
    }

    private static String keyName(final int thread, final int i)
    {
        return isTextKey(i) ? "text " + textKey(thread, i) : "long " + longKey(thread, i);
    }

    private static long value(final int thread, final int i)
    {
        return (long)thread << 40 | i;
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
