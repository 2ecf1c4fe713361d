package io.sluice;

import io.sluice.window.SessionWindowOperator;
import io.sluice.window.WindowHarness;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The session operator alone against {@link ReferenceWindowModel}, on inputs made to exercise the key's
 * session list: few keys with many sessions each (events sparse against the gap, so lists grow long and
 * events land before, between and after sessions, bridging them), elements behind the watermark (late, or
 * re-firing a session within its lateness), an operator sized for one key (long
 * probe chains that wrap round the table), and checkpoints taken at random moments. Results are compared
 * as sorted multisets, as the golden files are.
 */
class SessionOperatorModelTest
{
    static LongStream seeds()
    {
        return LongStream.range(0, 300);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken list link loops, not fails
    void everySessionMergesFiresAndExpiresAsFlinkDoes(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final long gap = 1 + random.nextInt(random.nextBoolean() ? 5 : 60);
        final long lateness = random.nextBoolean() ? 0 : random.nextInt(80);
        final long bound = random.nextInt(120);
        final int keys = 1 + random.nextInt(random.nextBoolean() ? 3 : 40);
        final long spread = 1 + random.nextInt(8); // event time advances 1 ms per this many events
        final WindowSpec spec = Windows.session(Duration.ofMillis(gap));
        final ReferenceWindowModel model = new ReferenceWindowModel(spec, lateness, bound);
        final List<String> got = new ArrayList<>();
        long late = 0;
        try (WindowHarness harness = new WindowHarness(Aggregates.standard(),
            out -> new SessionWindowOperator(spec, lateness, out, 1)))
        {
            long maxTime = Long.MIN_VALUE;
            for (int i = 0; i < 2500; i++)
            {
                // Now and then an element behind the watermark: late, or joining a session within its lateness.
                final long behind = random.nextInt(6) == 0 ? random.nextLong(3 * gap + lateness + 20) : 0;
                final long time = i / spread - random.nextLong(bound + 1) - behind - 300;
                final long key = random.nextInt(keys);
                final long value = random.nextInt(1000) - 500;
                harness.longKeyElement(key, time, value);
                model.event(Long.toString(key), time, value);
                maxTime = Math.max(maxTime, time);
                harness.watermark(maxTime - bound - 1);
                late += WindowHarness.collectResults(harness.drain(), got);
                if (random.nextInt(200) == 0)
                {
                    harness.checkpointAndRestore();
                }
            }
            harness.endOfInput();
            model.endOfInput();
            late += WindowHarness.collectResults(harness.drain(), got);
            assertEquals(0, harness.operator().liveEntries(), "seed " + seed + ": state left after end of input");
            assertEquals(0, harness.operator().pendingTimers(), "seed " + seed + ": timers left after end of input");
        }
        assertEquals(sorted(model.output()), sorted(got), "seed " + seed);
        assertEquals(model.late(), late, "seed " + seed + ": late events");
    }

    private static List<String> sorted(final List<String> results)
    {
        final List<String> sorted = new ArrayList<>(results);
        Collections.sort(sorted);
        return sorted;
    }
}
