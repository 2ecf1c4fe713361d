package io.sluice;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The same input in the same order gives the same multiset of results and late events whatever the
 * shard count, ring size or wait strategy.
 */
class DeterminismTest
{
    private static final int EVENTS = 60_000;

    @Test
    void shouldGiveSameResultsForAnyShardCountAndRingSize()
    {
        final List<String> baseline = run(1, 1 << 14, WaitStrategy.BACKOFF);
        assertEquals(true, baseline.size() > 10_000, "a meaningful amount of output: " + baseline.size());
        for (final int shards : new int[]{2, 4, 8})
        {
            for (final int ringSize : new int[]{2, 64, 4096})
            {
                assertEquals(baseline, run(shards, ringSize, shards == 8 ? WaitStrategy.YIELDING : WaitStrategy.BACKOFF),
                    "shards=" + shards + " ring=" + ringSize);
            }
        }
    }

    @Test
    void shouldGiveSameResultsWithStagesSharingOneThread()
    {
        final List<String> baseline = run(1, 1 << 14, WaitStrategy.BACKOFF);
        for (final int shards : new int[]{1, 3})
        {
            assertEquals(baseline, run(shards, 256, WaitStrategy.BACKOFF, ThreadingMode.SHARED), "shared thread, shards=" + shards);
        }
    }

    private static List<String> run(final int shards, final int ringSize, final WaitStrategy waitStrategy)
    {
        return run(shards, ringSize, waitStrategy, ThreadingMode.DEDICATED);
    }

    private static List<String> run(final int shards, final int ringSize, final WaitStrategy waitStrategy, final ThreadingMode threading)
    {
        final ConcurrentLinkedQueue<String> out = new ConcurrentLinkedQueue<>();
        final Sluice.Builder builder = Sluice.builder().shards(shards).ringSize(ringSize).waitStrategy(waitStrategy).threadingMode(threading);
        final String[] names = {"tumbling", "sliding", "session"};
        final WindowSpec[] windows = {
            Windows.tumbling(Duration.ofMillis(100), Duration.ofMillis(-30)),
            Windows.sliding(Duration.ofMillis(300), Duration.ofMillis(50)),
            Windows.session(Duration.ofMillis(40))};
        for (int i = 0; i < names.length; i++)
        {
            final WindowSpec window = windows[i];
            builder.pipeline(names[i], p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(25)))
                .window(window)
                .allowedLateness(Duration.ofMillis(15))
                .onResult(r -> out.add(r.pipeline() + "," + r.windowStartMs() + "," + r.windowEndMs() + "," + r.key() + "," +
                    r.count() + "," + r.sum() + "," + r.min() + "," + r.max() + "," + r.firing()))
                .onLate(l -> out.add("late," + l.pipeline() + "," + l.key() + "," + l.eventTimeMs() + "," + l.value() + "," +
                    l.watermarkMs())));
        }
        final SplittableRandom random = new SplittableRandom(99);
        try (Sluice sluice = builder.start())
        {
            long clock = -20_000;
            for (int i = 0; i < EVENTS; i++)
            {
                clock += random.nextInt(3);
                final long t = clock - random.nextInt(40) - (random.nextInt(100) == 0 ? 200 : 0);
                sluice.publish(names[i % 3], t, "k" + random.nextInt(300), random.nextLong(-50, 1000));
            }
        }
        final List<String> sorted = new ArrayList<>(out);
        Collections.sort(sorted);
        return sorted;
    }
}
