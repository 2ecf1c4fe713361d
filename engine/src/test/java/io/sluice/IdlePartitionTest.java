package io.sluice;

import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Per-partition watermarks and idleness through the real sequencer and shard agents, driven by hand:
 * duty cycles are called directly and processing time is a clock the test moves. No threads, no sleeps.
 */
class IdlePartitionTest
{
    private static final long MS = 1_000_000L;

    private final CachedNanoClock clock = new CachedNanoClock();
    private final List<String> results = new ArrayList<>();

    private Sluice build(final WatermarkSpec watermarks)
    {
        return Sluice.builder()
            .nanoClock(clock)
            .pipeline("p", p -> p
                .watermarks(watermarks)
                .window(Windows.tumbling(Duration.ofMillis(1000)))
                .onResult(r -> results.add(r.windowStartMs() + "," + r.key() + "," + r.count())))
            .build();
    }

    private static void cycle(final Sluice sluice) throws Exception
    {
        sluice.sequencerAgent().doWork();
        sluice.shardAgent(0).doWork();
    }

    @Test
    void shouldAdvanceWithDiscoveredPartitionsAndNeverGoBack() throws Exception
    {
        try (Sluice sluice = build(Watermarks.boundedOutOfOrderness(Duration.ZERO)))
        {
            sluice.publish(sluice.pipelineId("p"), 0, 500, "a", 1);
            cycle(sluice);
            assertEquals(499, sluice.processor(0).watermarkMs(0), "partition 0 is the only one known");
            sluice.publish(sluice.pipelineId("p"), 1, 100, "b", 1);
            sluice.publish(sluice.pipelineId("p"), 0, 2500, "a", 1);
            cycle(sluice);
            assertEquals(499, sluice.processor(0).watermarkMs(0), "partition 1 (at 99) holds it; it never goes back");
            sluice.publish(sluice.pipelineId("p"), 1, 3000, "b", 1);
            cycle(sluice);
            assertEquals(2499, sluice.processor(0).watermarkMs(0));
        }
    }

    @Test
    void shouldHoldWatermarkAtSlowestDeclaredPartition() throws Exception
    {
        try (Sluice sluice = build(Watermarks.boundedOutOfOrderness(Duration.ZERO).withPartitions(2)))
        {
            sluice.publish(sluice.pipelineId("p"), 0, 500, "a", 1);
            cycle(sluice);
            assertEquals(Long.MIN_VALUE, sluice.processor(0).watermarkMs(0), "partition 1 has not reported");
            sluice.publish(sluice.pipelineId("p"), 1, 100, "b", 1);
            sluice.publish(sluice.pipelineId("p"), 0, 2500, "a", 1);
            cycle(sluice);
            assertEquals(99, sluice.processor(0).watermarkMs(0), "min(p0: 2499, p1: 99)");
            assertEquals(List.of(), results);

            sluice.publish(sluice.pipelineId("p"), 1, 1500, "b", 1);
            cycle(sluice);
            assertEquals(1499, sluice.processor(0).watermarkMs(0));
            assertEquals(List.of("0,a,1", "0,b,1"), sorted(results));
        }
    }

    @Test
    void shouldStopWaitingForIdlePartitionAndWaitAgainWhenItResumes() throws Exception
    {
        try (Sluice sluice = build(Watermarks.boundedOutOfOrderness(Duration.ZERO).withIdleness(Duration.ofMillis(100)).withPartitions(2)))
        {
            final int p = sluice.pipelineId("p");
            clock.update(0);
            sluice.publish(p, 0, 500, "a", 1);
            sluice.publish(p, 1, 100, "b", 1);
            cycle(sluice);
            clock.update(60 * MS);
            sluice.publish(p, 0, 2500, "a", 2);
            cycle(sluice);
            assertEquals(99, sluice.processor(0).watermarkMs(0), "partition 1 still active");

            clock.update(99 * MS);
            cycle(sluice);
            cycle(sluice);
            assertEquals(99, sluice.processor(0).watermarkMs(0), "not idle before the timeout");

            clock.update(100 * MS);
            cycle(sluice); // the sequencer sees the deadline and publishes a tick
            cycle(sluice); // the tick carries the re-evaluated watermark to the shard
            assertEquals(2499, sluice.processor(0).watermarkMs(0), "partition 1 idle: partition 0 alone");
            assertEquals(List.of("0,a,1", "0,b,1"), sorted(results));

            // Partition 1 resumes behind the watermark: it does not pull the watermark back.
            clock.update(110 * MS);
            sluice.publish(p, 1, 2600, "b", 1);
            cycle(sluice);
            assertEquals(2499, sluice.processor(0).watermarkMs(0));
            // ...and it holds it back again while partition 0 runs ahead.
            sluice.publish(p, 0, 9000, "a", 1);
            cycle(sluice);
            assertEquals(2599, sluice.processor(0).watermarkMs(0));
        }
    }

    @Test
    void shouldHoldWatermarkWhenEveryPartitionIsIdle() throws Exception
    {
        try (Sluice sluice = build(Watermarks.boundedOutOfOrderness(Duration.ZERO).withIdleness(Duration.ofMillis(10))))
        {
            clock.update(0);
            sluice.publish(sluice.pipelineId("p"), 0, 500, "a", 1);
            cycle(sluice);
            clock.update(1_000 * MS);
            cycle(sluice);
            cycle(sluice);
            assertEquals(499, sluice.processor(0).watermarkMs(0));
            assertEquals(List.of(), results);
        }
    }

    private static List<String> sorted(final List<String> lines)
    {
        final List<String> copy = new ArrayList<>(lines);
        java.util.Collections.sort(copy);
        return copy;
    }
}
