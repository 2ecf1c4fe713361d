package io.sluice.bench;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * Two builds of the window operators in one JVM, one class loader each, taking turns on the same events:
 * a machine that swings by 2x from one minute to the next slows both alike within a round, so the ratio
 * of their rates round by round is steadier than either rate. Each run also has an order effect (which
 * build is loaded and compiled first) of up to about 10% here: run both orders, several times.
 *
 * <pre>
 *   java @bench/target/jvm.options -cp bench/target/benchmarks.jar io.sluice.bench.SideBySide \
 *       tumbling 10000 60 old/benchmarks.jar new/benchmarks.jar
 * </pre>
 *
 * Arguments: window (as {@link WindowUpdateBenchmark#window}), keys, rounds of 1 M events each (the first
 * quarter is warm-up), and two shaded benchmark jars. Prints each build's median rate and the median of
 * the per-round ratio second / first. Either jar may be given as {@code bare}, with the window
 * {@code tumbling}: the bare algorithm ({@link BareTumblingKernel}), which shows how far the engine is from
 * what this machine allows. Both jars must hold {@link OperatorLap}: for a build from before it came
 * in, copy it into that checkout's bench module and build there.
 */
public final class SideBySide
{
    private static final long EVENTS_PER_ROUND = 1_000_000;
    /** In place of a jar: {@link BareTumblingKernel}, the ceiling the machine sets for tumbling windows. */
    private static final String BARE = "bare";

    private SideBySide()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length != 5)
        {
            System.err.println("usage: SideBySide <window> <keys> <rounds> <first benchmarks.jar> <second benchmarks.jar>");
            System.exit(2);
        }
        final String window = args[0];
        final int keys = Integer.parseInt(args[1]);
        final int rounds = Integer.parseInt(args[2]);
        final LongUnaryOperator[] builds = {lap(args[3], window, keys), lap(args[4], window, keys)};
        final List<List<Double>> rates = List.of(new ArrayList<>(), new ArrayList<>());
        final List<Double> ratios = new ArrayList<>();
        for (int round = 0; round < rounds; round++)
        {
            final double first = EVENTS_PER_ROUND * 1e3 / builds[0].applyAsLong(EVENTS_PER_ROUND);
            final double second = EVENTS_PER_ROUND * 1e3 / builds[1].applyAsLong(EVENTS_PER_ROUND);
            if (round >= rounds / 4)
            {
                rates.get(0).add(first);
                rates.get(1).add(second);
                ratios.add(second / first);
            }
        }
        for (int build = 0; build < 2; build++)
        {
            System.out.printf("%s %s: median %s M events/s%n", window, args[3 + build], quartiles(rates.get(build)));
        }
        System.out.printf("ratio second/first: median %s over %d rounds%n", quartiles(ratios), ratios.size());
    }

    private static LongUnaryOperator lap(final String jar, final String window, final int keys) throws Exception
    {
        if (BARE.equals(jar))
        {
            if (!"tumbling".equals(window))
            {
                throw new IllegalArgumentException("'" + BARE + "' is the bare tumbling algorithm: use it with the window 'tumbling'");
            }
            return new BareTumblingKernel(keys);
        }
        return isolatedLap(new URL[] {Paths.get(jar).toUri().toURL()}, window, keys, OperatorLap.DEFAULT_EVENTS_PER_MS);
    }

    /**
     * An {@link OperatorLap} loaded from these class path entries in a class loader of its own, with the
     * platform loader as parent: nothing of Sluice or its libraries is shared with any other lap, so each
     * lap's call sites see one operator class and are compiled for it alone.
     */
    static LongUnaryOperator isolatedLap(final URL[] classPath, final String window, final int keys, final int eventsPerMs)
        throws Exception
    {
        final URLClassLoader loader = new URLClassLoader(classPath, ClassLoader.getPlatformClassLoader());
        final Class<?> lap = loader.loadClass(OperatorLap.class.getName());
        // The default density goes through the two-argument constructor, which builds from before eventsPerMs have too.
        return (LongUnaryOperator)(eventsPerMs == OperatorLap.DEFAULT_EVENTS_PER_MS ?
            lap.getConstructor(String.class, int.class).newInstance(window, keys) :
            lap.getConstructor(String.class, int.class, int.class).newInstance(window, keys, eventsPerMs));
    }

    static String quartiles(final List<Double> values)
    {
        final List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        final int n = sorted.size();
        return String.format("%.3f (quartiles %.3f-%.3f)", sorted.get(n / 2), sorted.get(n / 4), sorted.get(3 * n / 4));
    }

    /** The upper median, as {@link #quartiles} prints it: the middle value, or of two the higher. */
    static double median(final List<Double> values)
    {
        final List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
