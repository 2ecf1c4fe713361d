package io.sluice;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The sliding operator's open slices remember each busy key's record number in the slice columns, so that
 * handing a slice over needs no lookup. Records are freed when a key holds nothing, their numbers handed
 * to new keys, and renumbered when few are left live (above a thousand numbers): each of these leaves
 * some remembered numbers stale. Thousands of keys go quiet while a few stay busy and new ones arrive,
 * so that all three happen between two hand-overs of a busy key; the output must still be the
 * reference model's.
 */
class StaleRecordHintTest
{
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void staleRecordNumbersNeverMisdirectASlice(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final WindowSpec spec = Windows.sliding(Duration.ofMillis(400), Duration.ofMillis(100));
        final long boundMs = 30;
        final ReferenceWindowModel reference = new ReferenceWindowModel(spec, 0, boundMs);
        final ConcurrentLinkedQueue<String> actual = new ConcurrentLinkedQueue<>();
        try (Sluice sluice = Sluice.builder()
            .shards(1)
            .pipeline("p", p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(boundMs)))
                .window(spec)
                .onResult(r -> actual.add(r.windowStartMs() + "," + r.windowEndMs() + "," + r.key() + "," + r.count() + "," +
                    r.sum() + "," + r.min() + "," + r.max())))
            .start())
        {
            long clock = 0;
            // Phase by phase: a crowd of keys, then only a few of them (the crowd's records are freed, and the
            // numbers compacted once a quarter or fewer are live), then a new crowd taking freed numbers.
            for (final int[] phase : new int[][] {{3_000, 0, 9_000}, {8, 0, 4_000}, {2_500, 10_000, 8_000}, {8, 0, 4_000}})
            {
                final int keys = phase[0];
                final int firstKey = phase[1];
                for (int i = 0; i < phase[2]; i++)
                {
                    clock += random.nextInt(0, 2);
                    final long t = clock - random.nextLong(0, boundMs + 10);
                    // The busy few (keys 0-7) are in every phase, so their open entries, and hints, live throughout.
                    final int k = random.nextInt(4) == 0 ? random.nextInt(8) : firstKey + random.nextInt(keys);
                    final String key = "k" + k;
                    final long value = random.nextLong(-1_000, 1_000);
                    reference.event(key, t, value);
                    sluice.publish("p", t, key, value);
                }
                clock += 1_000; // every window of the phase fires before the next starts
            }
            sluice.close();
        }
        reference.endOfInput();
        final List<String> expected = new ArrayList<>(reference.output());
        final List<String> got = new ArrayList<>(actual);
        expected.replaceAll(line -> line.substring(0, line.lastIndexOf(','))); // no firing numbers without lateness
        Collections.sort(expected);
        Collections.sort(got);
        assertEquals(expected.size(), got.size(), "windows emitted, seed " + seed);
        assertEquals(expected, got, "seed " + seed);
    }
}
