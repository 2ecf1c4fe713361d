package io.sluice;

import io.sluice.window.WindowHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sliding window end fires by one walk of the key records in number order, skipping ends no key holds
 * anything for; freed records leave their numbers behind, and once most numbers are free the records
 * are renumbered. Phases where every key is active alternate with phases where a handful are, and every
 * third seed opens with a crowd of keys at once that then goes quiet, so that ends are dense, sparse and
 * empty, and the records are renumbered, with disorder and stragglers. The output must equal the naive
 * reference, and a run checkpointed and restored at random moments must emit exactly what the
 * uninterrupted run emits, in the same order: recovery matches outputs to what went out before a crash
 * by their sequence, so order is part of the result.
 */
class SlidingFiringOrderTest
{
    private static final int EVENTS = 3000;

    static LongStream seeds()
    {
        return LongStream.range(0, 150);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void firesAsTheReferenceDoesAndInTheSameOrderAcrossCheckpoints(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 3);
        final long slide = 1 + random.nextInt(20);
        final WindowSpec window = Windows.sliding(Duration.ofMillis(slide * (1 + random.nextInt(12))),
            Duration.ofMillis(slide), Duration.ofMillis(random.nextInt((int)slide)));
        final long lateness = random.nextBoolean() ? 0 : random.nextInt(60);
        final long bound = random.nextInt(40);
        final boolean crowd = seed % 3 == 0;
        final int keys = crowd ? 1500 + random.nextInt(1000) : 1 + random.nextInt(300);
        final List<long[]> events = randomEvents(random, keys, bound, crowd);
        final String context = "seed " + seed + ", " + window + ", lateness " + lateness + ", bound " + bound + ", keys " + keys;

        final ReferenceWindowModel reference = new ReferenceWindowModel(window, lateness, bound);
        for (final long[] event : events)
        {
            reference.event("k" + event[0], event[1], event[2]);
        }
        reference.endOfInput();

        final List<String> uninterrupted = run(window, lateness, bound, events, null);
        final List<String> results = new ArrayList<>();
        final long late = WindowHarness.collectResults(uninterrupted, results);
        final List<String> expected = new ArrayList<>(reference.output());
        Collections.sort(expected);
        Collections.sort(results);
        assertTrue(!expected.isEmpty(), "the scenario emits something: " + context);
        assertEquals(expected, results, context);
        assertEquals(reference.late(), late, "late count, " + context);

        final SplittableRandom checkpoints = new SplittableRandom(seed);
        assertEquals(uninterrupted, run(window, lateness, bound, events, checkpoints), "order across checkpoints, " + context);
    }

    /**
     * Each event is {key, time, value}: phases of all keys alternate with phases of up to three of them,
     * after, with a crowd, one event for every key within a few milliseconds.
     */
    private static List<long[]> randomEvents(final SplittableRandom random, final int keys, final long bound, final boolean crowd)
    {
        final List<long[]> events = new ArrayList<>(EVENTS + keys);
        long clock = random.nextLong(-2_000, 2_000);
        for (int key = 0; crowd && key < keys; key++)
        {
            events.add(new long[] {key, clock + random.nextInt(5), random.nextLong(-1_000, 1_000)});
        }
        int activeKeys = keys;
        for (int i = 0; i < EVENTS; i++)
        {
            if (i % 300 == 0)
            {
                // After a crowd, quiet: a few keys only, so that most record numbers are left free.
                activeKeys = random.nextBoolean() && !crowd ? keys : 1 + random.nextInt(Math.min(3, keys));
            }
            clock += random.nextInt(0, 3);
            long time = clock - random.nextLong(bound + 10);
            if (random.nextInt(40) == 0)
            {
                time -= random.nextLong(200); // a straggler: pulls a chain back, or is late
            }
            // After a crowd, the crowd's last keys: their records are the ones renumbering moves.
            final int key = crowd ? keys - 1 - random.nextInt(activeKeys) : random.nextInt(activeKeys);
            events.add(new long[] {key, time, random.nextLong(-1_000, 1_000)});
        }
        return events;
    }

    /** The harness's output, in emission order; with a random source, checkpointed and restored now and then. */
    private static List<String> run(
        final WindowSpec window, final long lateness, final long bound, final List<long[]> events, final SplittableRandom checkpoints)
    {
        final List<String> output = new ArrayList<>();
        try (WindowHarness harness = new WindowHarness(window, lateness))
        {
            long maxTime = Long.MIN_VALUE;
            for (final long[] event : events)
            {
                harness.element("k" + event[0], event[1], event[2]);
                maxTime = Math.max(maxTime, event[1]);
                harness.watermark(maxTime - bound - 1);
                output.addAll(harness.drain());
                if (checkpoints != null && checkpoints.nextInt(200) == 0)
                {
                    harness.checkpointAndRestore();
                }
            }
            harness.endOfInput();
            output.addAll(harness.drain());
            assertEquals(0, harness.operator().liveEntries(), "every slice freed at end of input");
            assertEquals(0, harness.operator().pendingTimers(), "no timer or count left at end of input");
        }
        return output;
    }
}
