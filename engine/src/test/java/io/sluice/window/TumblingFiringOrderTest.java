package io.sluice.window;

import io.sluice.Aggregates;
import io.sluice.Windows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A tumbling instant fires either by looking up each due key (few of the live windows are due) or by
 * walking the table in slot order (many are), removing as it goes; the lookups need fire timers, which
 * the operator creates only once an index turns out sparse. Both must fire exactly the due windows,
 * each once, also across checkpoints taken at random moments. Tiny tables (one expected key) make probe chains long and wrap round the table's end, which
 * is where a walk that removes could skip an entry or meet one twice.
 */
class TumblingFiringOrderTest
{
    static LongStream seeds()
    {
        return LongStream.range(0, 200);
    }

    @Test
    void aFewDueWindowsAmongManyLiveOnesFireByLookupAndAManyByWalking()
    {
        try (WindowHarness harness = new WindowHarness(Windows.tumbling(Duration.ofSeconds(1)), 0))
        {
            harness.watermark(0).longKeyElement(1, 500, 7);
            for (int key = 2; key <= 10; key++)
            {
                harness.longKeyElement(key, 1500, key);
            }
            harness.watermark(999);
            assertEquals(List.of("0,1000,1,1,7,7,7,0"), harness.drain()); // 1 due of 10 live: by lookup

            harness.watermark(1999);
            final List<String> fired = harness.drain(); // 9 of 9: by walking
            Collections.sort(fired);
            final List<String> expected = new ArrayList<>();
            for (int key = 10; key >= 2; key--)
            {
                expected.add("1000,2000," + key + ",1," + key + "," + key + "," + key + ",0");
            }
            Collections.sort(expected);
            assertEquals(expected, fired);
            assertEquals(0, harness.operator().liveEntries());
            assertEquals(0, harness.operator().pendingTimers());
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void everyDueWindowFiresOnceWithItsExactAggregate(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final long size = 1 + random.nextInt(50);
        final long lateness = random.nextBoolean() ? 0 : random.nextInt(100);
        final int keys = 1 + random.nextInt(random.nextBoolean() ? 8 : 300);
        final long disorder = random.nextInt(200);
        try (WindowHarness harness = new WindowHarness(Aggregates.standard(),
            out -> new TumblingWindowOperator(Windows.tumbling(Duration.ofMillis(size)), lateness, out, 1)))
        {
            // The expected output: per (window, key), count and sum of the accepted elements, the firings, the end.
            final TreeMap<String, long[]> windows = new TreeMap<>();
            final List<String> expected = new ArrayList<>();
            final List<String> got = new ArrayList<>();
            long watermark = Long.MIN_VALUE;
            long maxTime = Long.MIN_VALUE;
            for (int i = 0; i < 3000; i++)
            {
                final long time = i / 4 - random.nextLong(disorder + 1) - 500;
                final long key = random.nextInt(keys);
                final long value = random.nextInt(1000) - 500;
                final long start = Math.floorDiv(time, size) * size;
                final long end = start + size;
                harness.longKeyElement(key, time, value);
                if (end - 1 + lateness <= watermark)
                {
                    expected.add("late:" + key + "," + time + "," + value);
                }
                else
                {
                    final long[] window = windows.computeIfAbsent(start + "," + end + "," + key, k -> new long[] {0, 0, -1, end});
                    window[0]++;
                    window[1] += value;
                    if (end - 1 <= watermark)
                    {
                        expected.add(line(start + "," + end + "," + key, window));
                    }
                }
                if (time > maxTime)
                {
                    maxTime = time;
                    if (time - disorder - 1 > watermark)
                    {
                        watermark = time - disorder - 1;
                        harness.watermark(watermark);
                        for (final var open : windows.entrySet())
                        {
                            if (open.getValue()[2] < 0 && open.getValue()[3] - 1 <= watermark)
                            {
                                expected.add(line(open.getKey(), open.getValue()));
                            }
                        }
                        final long horizon = watermark - lateness;
                        windows.values().removeIf(window -> window[3] - 1 <= horizon);
                    }
                }
                got.addAll(harness.drain());
                if (random.nextInt(250) == 0)
                {
                    harness.checkpointAndRestore(); // the fire schedule and its timers survive a checkpoint mid-stream
                }
            }
            Collections.sort(expected);
            final List<String> comparable = new ArrayList<>();
            for (final String line : got)
            {
                // min and max are not modelled here; the differential test checks them
                comparable.add(line.startsWith("late:") ? line : withoutMinMax(line));
            }
            Collections.sort(comparable);
            assertEquals(expected, comparable, "seed " + seed);
        }
    }

    /** Records the firing and returns the result line as the harness prints it, min and max left out. */
    private static String line(final String windowAndKey, final long[] window)
    {
        window[2]++;
        return windowAndKey + "," + window[0] + "," + window[1] + "," + window[2];
    }

    private static String withoutMinMax(final String line)
    {
        final String[] fields = line.split(",");
        return fields[0] + "," + fields[1] + "," + fields[2] + "," + fields[3] + "," + fields[4] + "," + fields[7];
    }
}
