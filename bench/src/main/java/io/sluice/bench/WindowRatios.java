package io.sluice.bench;

import java.io.File;
import java.net.URL;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * The engine issue's window targets are ratios (sliding at least 0.8 of tumbling, session at least 0.5), and
 * separate JMH runs on this machine swing by 2x from one minute to the next. This runs the three windows
 * of {@link WindowUpdateBenchmark} in one JVM, round by round, each lap in a class loader of its own (so
 * no call site sees more than one operator class), and reports the median of the per-round ratios, which
 * a swing slows alike within a round.
 *
 * <pre>
 *   java @bench/target/jvm.options -Xmx3g -cp bench/target/benchmarks.jar io.sluice.bench.WindowRatios [keys] [rounds] [eventsPerMs]
 * </pre>
 *
 * Defaults: 10 000 keys, 40 rounds of 1 M events per window (the first quarter is warm-up), 100 events per
 * millisecond of event time (10 per key and second; see {@link OperatorLap}). The window
 * that runs first in a round turns with each round, so no window always follows the same one.
 */
public final class WindowRatios
{
    static final String[] WINDOWS = {"tumbling", "sliding", "session"};
    private static final long EVENTS_PER_ROUND = 1_000_000;

    private WindowRatios()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int keys = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        final int eventsPerMs = args.length > 2 ? Integer.parseInt(args[2]) : OperatorLap.DEFAULT_EVENTS_PER_MS;
        final Result result = measure(keys, rounds, EVENTS_PER_ROUND, eventsPerMs);
        for (int w = 0; w < WINDOWS.length; w++)
        {
            System.out.printf("%-8s median %s M events/s%n", WINDOWS[w], SideBySide.quartiles(result.rates.get(w)));
        }
        System.out.printf("sliding / tumbling: median %s (the engine issue asks >= 0.8)%n", SideBySide.quartiles(result.ratios.get(1)));
        System.out.printf("session / tumbling: median %s (the engine issue asks >= 0.5)%n", SideBySide.quartiles(result.ratios.get(2)));
        System.out.printf("over %d rounds of %,d events per window, %,d keys, %d events per ms of event time%n",
            result.ratios.get(1).size(), EVENTS_PER_ROUND, keys, eventsPerMs);
    }

    /**
     * The engine issue's two ratios as {@link #main} measures them by default, for reports: the median over the
     * measured rounds of sliding's rate over tumbling's, and of session's.
     *
     * @return {sliding / tumbling, session / tumbling}.
     */
    public static double[] medianRatios(final int keys, final int rounds) throws Exception
    {
        final Result result = measure(keys, rounds, EVENTS_PER_ROUND, OperatorLap.DEFAULT_EVENTS_PER_MS);
        return new double[] {SideBySide.median(result.ratios.get(1)), SideBySide.median(result.ratios.get(2))};
    }

    /**
     * @return per window, its rate in each measured round (M events/s), and its rate over tumbling's in the
     *         same round (tumbling's own ratios are all 1).
     */
    static Result measure(final int keys, final int rounds, final long eventsPerRound, final int eventsPerMs) throws Exception
    {
        final URL[] classPath = classPath();
        final LongUnaryOperator[] laps = new LongUnaryOperator[WINDOWS.length];
        for (int w = 0; w < WINDOWS.length; w++)
        {
            laps[w] = SideBySide.isolatedLap(classPath, WINDOWS[w], keys, eventsPerMs);
        }
        final Result result = new Result();
        final double[] rate = new double[WINDOWS.length];
        for (int round = 0; round < rounds; round++)
        {
            for (int turn = 0; turn < WINDOWS.length; turn++)
            {
                final int w = (round + turn) % WINDOWS.length;
                rate[w] = eventsPerRound * 1e3 / laps[w].applyAsLong(eventsPerRound);
            }
            if (round >= rounds / 4)
            {
                for (int w = 0; w < WINDOWS.length; w++)
                {
                    result.rates.get(w).add(rate[w]);
                    result.ratios.get(w).add(rate[w] / rate[0]);
                }
            }
        }
        return result;
    }

    /** This JVM's class path, which holds the benchmarks jar or, under a build, the classes and libraries. */
    private static URL[] classPath() throws Exception
    {
        final String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
        final URL[] urls = new URL[entries.length];
        for (int i = 0; i < entries.length; i++)
        {
            urls[i] = Paths.get(entries[i]).toUri().toURL();
        }
        return urls;
    }

    static final class Result
    {
        final List<List<Double>> rates = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        final List<List<Double>> ratios = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }
}
