package io.sluice.bench;

import java.util.Arrays;

/**
 * Where one window operator's time goes: the elements, or the watermarks (firing windows, and for sliding
 * windows handing slices over). Runs {@link OperatorLap} in rounds of a million events and prints the
 * median nanoseconds per event of each part.
 *
 * <pre>
 *   java @bench/target/jvm.options -Xmx3g -cp bench/target/benchmarks.jar io.sluice.bench.FiringShare sliding 10000 30 [eventsPerMs]
 * </pre>
 *
 * A change to firing shows here where a side-by-side rate may not: on this shared machine two identical
 * builds side by side can differ by several percent, while the watermarks' share of a run moves less with
 * the machine's mood than the whole. Compare builds by alternating runs, one JVM each; the clock reads
 * (one pair per watermark, a millisecond of event time) add about a nanosecond per hundred events.
 */
public final class FiringShare
{
    private static final long EVENTS_PER_ROUND = 1_000_000;

    private FiringShare()
    {
    }

    public static void main(final String[] args)
    {
        if (args.length != 3 && args.length != 4)
        {
            System.err.println("usage: FiringShare <window> <keys> <rounds> [events per ms of event time, 100]");
            System.exit(2);
        }
        final String window = args[0];
        final int rounds = Integer.parseInt(args[2]);
        final double[] total = new double[rounds];
        final double[] watermarks = new double[rounds];
        final double[] elements = new double[rounds];
        final int eventsPerMs = args.length == 4 ? Integer.parseInt(args[3]) : OperatorLap.DEFAULT_EVENTS_PER_MS;
        try (OperatorLap lap = new OperatorLap(window, Integer.parseInt(args[1]), eventsPerMs))
        {
            for (int round = 0; round < rounds; round++)
            {
                final long started = System.nanoTime();
                final long inWatermarks = lap.runTimingWatermarks(EVENTS_PER_ROUND);
                final long all = System.nanoTime() - started;
                total[round] = (double)all / EVENTS_PER_ROUND;
                watermarks[round] = (double)inWatermarks / EVENTS_PER_ROUND;
                elements[round] = (double)(all - inWatermarks) / EVENTS_PER_ROUND;
            }
        }
        // The first quarter warms up.
        System.out.printf("%s, %d events/ms, ns/event, median of %d rounds: all %.1f, elements %.1f, watermarks %.1f%n",
            window, eventsPerMs, rounds - rounds / 4, median(total, rounds), median(elements, rounds), median(watermarks, rounds));
    }

    private static double median(final double[] values, final int rounds)
    {
        final double[] measured = Arrays.copyOfRange(values, rounds / 4, rounds);
        Arrays.sort(measured);
        return measured[measured.length / 2];
    }
}
