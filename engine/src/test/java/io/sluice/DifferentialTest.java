package io.sluice;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The engine against {@link ReferenceWindowModel} on random inputs: random window kinds and sizes,
 * offsets, lateness on and off, bounds, disorder, bursts of late events, duplicates, negative times,
 * shard counts 1, 2 and 4 and small to large rings. Any difference prints the seed to replay it.
 */
class DifferentialTest
{
    static LongStream seeds()
    {
        return LongStream.range(0, Long.getLong("sluice.differential.seeds", 240));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void shouldEqualNaiveReference(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 1);
        final WindowSpec spec = randomWindow(random);
        final long latenessMs = random.nextInt(3) == 0 ? 0 : random.nextLong(1, 60);
        final long boundMs = random.nextLong(0, 40);
        final int shards = new int[]{1, 2, 4}[random.nextInt(3)];
        final int ringSize = 1 << random.nextInt(2, 13);
        final int keyCount = random.nextInt(1, 12);
        final int events = random.nextInt(0, 600);
        // Both modes on any machine: the default would pick one by the cores.
        final ThreadingMode threading = seed % 2 == 0 ? ThreadingMode.DEDICATED : ThreadingMode.SHARED;

        final ReferenceWindowModel reference = new ReferenceWindowModel(spec, latenessMs, boundMs);
        final ConcurrentLinkedQueue<String> actual = new ConcurrentLinkedQueue<>();
        final long late;
        final long outsideWindows;
        try (Sluice sluice = Sluice.builder()
            .shards(shards)
            .ringSize(ringSize)
            .threadingMode(threading)
            .waitStrategy(WaitStrategy.BACKOFF)
            .pipeline("p", p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(boundMs)))
                .window(spec)
                .allowedLateness(Duration.ofMillis(latenessMs))
                .onResult(r -> actual.add(r.windowStartMs() + "," + r.windowEndMs() + "," + r.key() + "," + r.count() + "," +
                    r.sum() + "," + r.min() + "," + r.max() + "," + r.firing())))
            .start())
        {
            long clock = random.nextLong(-5_000, 5_000);
            for (int i = 0; i < events; i++)
            {
                clock += random.nextInt(0, 12);
                long t = clock - random.nextLong(0, boundMs + 20);
                if (random.nextInt(25) == 0)
                {
                    t -= random.nextLong(0, 400); // a straggler, often late
                }
                final String key = "k" + random.nextInt(keyCount);
                final long value = random.nextLong(-1_000, 1_000);
                final int copies = random.nextInt(30) == 0 ? 2 : 1;
                for (int c = 0; c < copies; c++)
                {
                    reference.event(key, t, value);
                    sluice.publish("p", t, key, value);
                }
            }
            sluice.close();
            late = sluice.lateCount("p");
            outsideWindows = sluice.outsideWindowsCount("p");
        }
        reference.endOfInput();

        final List<String> expected = new ArrayList<>(reference.output());
        final List<String> got = new ArrayList<>(actual);
        Collections.sort(expected);
        Collections.sort(got);
        final String context = "seed=" + seed + " window=" + spec + " lateness=" + latenessMs + " bound=" + boundMs +
            " shards=" + shards + " ring=" + ringSize + " threads=" + threading;
        assertEquals(expected, got, context);
        assertEquals(reference.late(), late, "late count, " + context);
        assertEquals(reference.outsideWindows(), outsideWindows, "events between windows, " + context);
    }

    private static WindowSpec randomWindow(final SplittableRandom random)
    {
        switch (random.nextInt(3))
        {
            case 0:
            {
                final long size = random.nextLong(1, 80);
                return Windows.tumbling(Duration.ofMillis(size), Duration.ofMillis(random.nextLong(-size + 1, size)));
            }
            case 1:
            {
                final long slide = random.nextLong(1, 40);
                final long size = random.nextBoolean() ? slide * random.nextLong(1, 8) : random.nextLong(1, 120);
                return Windows.sliding(Duration.ofMillis(size), Duration.ofMillis(slide), Duration.ofMillis(random.nextLong(-slide + 1, slide)));
            }
            default:
                return Windows.session(Duration.ofMillis(random.nextLong(1, 50)));
        }
    }
}
