package io.sluice.time;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The tracker against a model that recomputes Flink's rule from scratch after every step: the watermark is
 * the minimum over the partitions seen and not idle of (max event time - bound - 1), never moving back.
 */
class WatermarkTrackerTest
{
    private static final long BOUND_MS = 50;

    @Test
    void anEventBelowThePartitionMaximumLeavesTheWatermark()
    {
        final WatermarkTracker tracker = new WatermarkTracker(BOUND_MS, 0, 0);
        assertEquals(1_000 - BOUND_MS - 1, tracker.onEvent(0, 1_000, 0));
        assertEquals(1_000 - BOUND_MS - 1, tracker.onEvent(0, 400, 1));
        assertEquals(1_000 - BOUND_MS - 1, tracker.onEvent(0, 1_000, 2));
        // a second partition behind the first holds the watermark where it stands (it never goes back)
        assertEquals(1_000 - BOUND_MS - 1, tracker.onEvent(1, 10, 3));
        assertEquals(1_000 - BOUND_MS - 1, tracker.onEvent(1, 1_100, 4));
        // now the slower partition 1 decides
        assertEquals(1_100 - BOUND_MS - 1, tracker.onEvent(0, 1_200, 5));
    }

    static LongStream seeds()
    {
        return LongStream.range(0, 300);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void matchesTheModelOnRandomEventsAndTicks(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final long idleTimeoutMs = random.nextBoolean() ? 0 : 1 + random.nextInt(5);
        final int declared = random.nextInt(3);
        final int partitions = 1 + random.nextInt(4);
        final WatermarkTracker tracker = new WatermarkTracker(BOUND_MS, idleTimeoutMs, declared);
        final Model model = new Model(idleTimeoutMs * 1_000_000L, declared);
        long nowNs = random.nextLong(1L << 40);
        for (int step = 0; step < 400; step++)
        {
            nowNs += random.nextInt(3) * 1_000_000L;
            final String where = "seed " + seed + " step " + step;
            if (random.nextInt(8) == 0)
            {
                assertEquals(model.onTick(nowNs), tracker.onTick(nowNs), where + " (tick)");
            }
            else
            {
                final int partition = random.nextInt(partitions);
                final long eventTimeMs = step * 10L - 500 + random.nextInt(300);
                assertEquals(model.onEvent(partition, eventTimeMs, nowNs), tracker.onEvent(partition, eventTimeMs, nowNs), where);
            }
        }
    }

    /** Deliberately naive: every step rescans every partition. */
    private static final class Model
    {
        private static final int PARTITIONS = 8;
        private final long idleTimeoutNs;
        private final boolean[] seen = new boolean[PARTITIONS];
        private final long[] maxMs = new long[PARTITIONS];
        private final long[] lastEventNs = new long[PARTITIONS];
        private boolean started;
        private long watermarkMs = Long.MIN_VALUE;

        Model(final long idleTimeoutNs, final int declared)
        {
            this.idleTimeoutNs = idleTimeoutNs;
            for (int p = 0; p < declared; p++)
            {
                seen[p] = true;
                maxMs[p] = Long.MIN_VALUE + BOUND_MS + 1;
            }
        }

        long onEvent(final int partition, final long eventTimeMs, final long nowNs)
        {
            start(nowNs);
            maxMs[partition] = seen[partition] ? Math.max(maxMs[partition], eventTimeMs) : eventTimeMs;
            seen[partition] = true;
            lastEventNs[partition] = nowNs;
            return recompute(nowNs);
        }

        long onTick(final long nowNs)
        {
            start(nowNs);
            return recompute(nowNs);
        }

        private void start(final long nowNs)
        {
            if (!started)
            {
                started = true;
                java.util.Arrays.fill(lastEventNs, nowNs);
            }
        }

        private long recompute(final long nowNs)
        {
            long min = Long.MAX_VALUE;
            for (int p = 0; p < PARTITIONS; p++)
            {
                final boolean idle = idleTimeoutNs > 0 && nowNs - lastEventNs[p] >= idleTimeoutNs;
                if (seen[p] && !idle)
                {
                    min = Math.min(min, maxMs[p] - BOUND_MS - 1);
                }
            }
            if (min != Long.MAX_VALUE && min > watermarkMs)
            {
                watermarkMs = min;
            }
            return watermarkMs;
        }
    }
}
