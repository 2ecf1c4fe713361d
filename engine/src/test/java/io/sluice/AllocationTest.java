package io.sluice;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Zero allocation per event in steady state on the whole hot path: publish, sequencer, shard, window
 * update, firing, late output. Measured with the JVM's per-thread allocation counters on the publishing
 * thread and every engine thread, in eight rounds over 2.4 M events, after a warm-up that reaches the
 * steady key set, state capacity and timer capacity.
 */
class AllocationTest
{
    private static final int KEYS = 2_000;
    private static final int WARM_UP_EVENTS = 1_500_000;
    private static final int ROUNDS = 8;
    private static final int EVENTS_PER_ROUND = 300_000;

    @Test
    void shouldAllocateNothingPerEventInSteadyState()
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final String[] textKeys = new String[KEYS];
        for (int i = 0; i < KEYS; i++)
        {
            textKeys[i] = "key-" + i;
        }
        final long[] sink = new long[1];
        final Sluice sluice = Sluice.builder()
            .shards(2)
            .ringSize(1 << 12)
            .pipeline("tumbling", p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(50)))
                .window(Windows.tumbling(Duration.ofMillis(100)))
                .allowedLateness(Duration.ofMillis(20))
                .onResult(r -> sink[0] += r.sum() + r.key().length() + r.firing())
                .onLate(l -> sink[0] += l.value()))
            .pipeline("sliding", p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(50)))
                .window(Windows.sliding(Duration.ofMillis(400), Duration.ofMillis(100)))
                .onResult(r -> sink[0] += r.max()))
            .pipeline("session", p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(50)))
                .window(Windows.session(Duration.ofMillis(30)))
                .allowedLateness(Duration.ofMillis(10))
                .onResult(r -> sink[0] += r.count()))
            .start();
        final int[] ids = {sluice.pipelineId("tumbling"), sluice.pipelineId("sliding"), sluice.pipelineId("session")};
        final SplittableRandom random = new SplittableRandom(3);

        final long[] clock = {0};
        publish(sluice, ids, textKeys, random, clock, WARM_UP_EVENTS);
        sluice.flush();

        final Thread[] engineThreads = sluice.engineThreads();
        final long[][] engineBytes = new long[ROUNDS][];
        final long[] publisherBytes = new long[ROUNDS];
        final long[] gcs = new long[ROUNDS];
        for (int round = 0; round < ROUNDS; round++)
        {
            final long[] before = allocated(threads, engineThreads);
            final long gcsBefore = gcCount();
            final long publisherBefore = threads.getCurrentThreadAllocatedBytes();
            publish(sluice, ids, textKeys, random, clock, EVENTS_PER_ROUND);
            sluice.flush();
            publisherBytes[round] = threads.getCurrentThreadAllocatedBytes() - publisherBefore;
            final long[] after = allocated(threads, engineThreads);
            gcs[round] = gcCount() - gcsBefore;
            engineBytes[round] = new long[engineThreads.length];
            for (int t = 0; t < engineThreads.length; t++)
            {
                engineBytes[round][t] = after[t] - before[t];
            }
        }
        final long resultsSeen = sluice.resultCount("tumbling") + sluice.resultCount("sliding") + sluice.resultCount("session");
        final long late = sluice.lateCount("tumbling");
        sluice.close();

        long totalBytes = 0;
        int roundsWithAllocation = 0;
        final StringBuilder report = new StringBuilder();
        for (int round = 0; round < ROUNDS; round++)
        {
            long roundBytes = publisherBytes[round];
            report.append(String.format("%n  round %d: publisher %d B", round, publisherBytes[round]));
            for (int t = 0; t < engineThreads.length; t++)
            {
                roundBytes += engineBytes[round][t];
                report.append(", ").append(engineThreads[t].getName()).append(' ').append(engineBytes[round][t]).append(" B");
            }
            report.append(", GCs ").append(gcs[round]);
            totalBytes += roundBytes;
            roundsWithAllocation += roundBytes == 0 ? 0 : 1;
        }
        final long measuredEvents = (long)ROUNDS * EVENTS_PER_ROUND;
        System.out.printf("allocation over %,d events (results %,d, late %,d):%s%n", measuredEvents, resultsSeen, late, report);

        assertTrue(late > 0, "the late path was exercised");
        assertEquals(0, totalBytes / measuredEvents, "bytes per event over all measured rounds:" + report);
        // A cost paid per event, however rare the event (one object per 100 000 events is 3 per round),
        // shows up in every round. Under C2 up to half the rounds may hold a one-off allocation of the JVM's
        // (e.g. a first park after a saturated warm-up: 56 B seen once; on a loaded machine once 72 B and
        // 56 B on a shard and 168 B on the publisher, in two rounds; once a 56 B park and a 568 B one-off
        // that straddled two rounds, three of four, under C2 only): half the rounds clean still rule out any
        // cost per event. Under C1 only (the build's second run
        // of this test, strict), nothing is removed by escape analysis and no round may allocate: that run
        // found the sequencer's clock allocating an Instant per duty cycle, which C2 usually, not always,
        // removed (CI once saw 310 KB in one window).
        final int tolerated = Boolean.getBoolean("sluice.allocation.strict") ? 0 : ROUNDS / 2;
        assertTrue(roundsWithAllocation <= tolerated, roundsWithAllocation + " of " + ROUNDS + " rounds allocated:" + report);
    }

    private static void publish(
        final Sluice sluice, final int[] ids, final String[] keys, final SplittableRandom random, final long[] clock, final int events)
    {
        for (int i = 0; i < events; i++)
        {
            if ((i & 7) == 0)
            {
                clock[0]++;
            }
            long t = clock[0] - random.nextInt(60);
            if (random.nextInt(500) == 0)
            {
                t -= 500; // late
            }
            final int k = random.nextInt(keys.length);
            final int pipeline = ids[i % 3];
            if ((i & 1) == 0)
            {
                sluice.publish(pipeline, 0, t, keys[k], i);
            }
            else
            {
                sluice.publish(pipeline, 0, t, (long)k, i);
            }
        }
    }

    private static long gcCount()
    {
        long count = 0;
        for (final java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            count += gc.getCollectionCount();
        }
        return count;
    }

    private static long[] allocated(final com.sun.management.ThreadMXBean mx, final Thread[] threads)
    {
        final long[] bytes = new long[threads.length];
        for (int i = 0; i < threads.length; i++)
        {
            bytes[i] = mx.getThreadAllocatedBytes(threads[i].getId());
        }
        return bytes;
    }
}
