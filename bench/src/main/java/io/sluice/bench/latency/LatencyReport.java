package io.sluice.bench.latency;

import io.sluice.Sluice;
import io.sluice.ThreadingMode;
import io.sluice.WaitStrategy;
import io.sluice.Watermarks;
import io.sluice.Windows;
import io.sluice.journal.JournalStorage;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Publish → result latency of the engine under an open-loop load, at fractions of its maximum rate.
 *
 * <pre>
 *   probe pipeline: 1 ms tumbling windows, watermark = last event time - 1, event i at event time i ms,
 *                   value = its intended send time; event i+1 closes event i's window, whose result
 *                   carries that time in max: latency = result time - intended send time of event i
 * </pre>
 *
 * So a latency includes one interval between sends (1 / rate), the time for the next event to arrive. With
 * a journal, the intended time is also the event's source position, and {@code onJournaled} times it to its
 * journal commit (publish → journal). {@code floor} swaps the engine for a bare ring hop ({@link RingHopFloor}):
 * the machine's share of the latency at the same rates. The maximum rate is measured first, closed loop, for a few seconds. Each point warms up at its rate for a fifth
 * of its duration (half a second at least), and that warm-up is not recorded. For each fraction it writes
 * {@code latency-<storage>-<percent>.hgrm} (percentiles, µs) and {@code .hlog} (one histogram per second),
 * and prints one line.
 *
 * <p>Run: {@code java @bench/target/jvm.options -Xmx2g -cp bench/target/benchmarks.jar io.sluice.bench.latency.LatencyReport
 * [memory|journal|floor] [seconds per point] [fractions, e.g. 0.1,0.5,0.9] [output directory]}.
 */
public final class LatencyReport
{
    private static final long HIGHEST_NS = 60_000_000_000L;
    /** -Dsluice.threading=DEDICATED|SHARED (default SHARED: on 2 cores, the publisher and the engine get a core each). */
    private static final ThreadingMode THREADING = ThreadingMode.valueOf(System.getProperty("sluice.threading", "SHARED"));
    /** -Dsluice.wait=BACKOFF|YIELDING|BUSY_SPIN|SLEEPING: how the engine thread waits for work (default BACKOFF). */
    private static final WaitStrategy WAIT = WaitStrategy.valueOf(System.getProperty("sluice.wait", "BACKOFF"));

    private LatencyReport()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String storage = args.length > 0 ? args[0] : "memory";
        final int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        final String fractions = args.length > 2 ? args[2] : "0.5";
        final Path output = Files.createDirectories(Path.of(args.length > 3 ? args[3] : "bench/target/latency"));

        // The floor runs at the rates the in-memory engine is measured at, to be read beside it.
        final double maxRate = maxRate(storage.equals("floor") ? "memory" : storage, output, 3);
        final String system = storage.equals("floor") ? "floor (one ring hop, busy-spinning consumer), at the engine's" :
            storage + ", " + THREADING + " threads, " + WAIT + ":";
        System.out.printf(Locale.ROOT, "%s maximum rate %.2f M events/s (closed loop, 3 s)%n", system, maxRate / 1e6);
        System.out.println("offered events/s   p50 µs   p99 µs  p99.9 µs  p99.99 µs    max µs   behind at end");
        for (final String fraction : fractions.split(","))
        {
            final double rate = maxRate * Double.parseDouble(fraction);
            final Point point = measure(storage, output, rate, seconds, (int)Math.round(Double.parseDouble(fraction) * 100));
            printRow(String.format(Locale.ROOT, "%16.0f", rate), point.total, point.behindNs);
            if (point.journaled != null)
            {
                printRow("  to the journal", point.journaled, point.behindNs);
            }
        }
    }

    private static void printRow(final String label, final Histogram h, final long behindNs)
    {
        System.out.printf(Locale.ROOT, "%16s %8.1f %8.1f %9.1f %10.1f %9.1f   %.1f ms%n", label,
            h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
            h.getValueAtPercentile(99.99) / 1e3, h.getMaxValue() / 1e3, behindNs / 1e6);
    }

    /**
     * One measured rate: the whole run's publish → result histogram, one per second, how far behind the load
     * ended, and with a journal the publish → journal histogram (else null).
     */
    public record Point(Histogram total, java.util.List<Histogram> intervals, long behindNs, Histogram journaled)
    {
    }

    /** The closed-loop maximum rate of the probe pipeline, publishing flat out for {@code seconds}. */
    public static double maxRate(final String storage, final Path output, final double seconds) throws Exception
    {
        final Path directory = storage.equals("journal") ? Files.createTempDirectory(output, "max-rate") : null;
        try (Sluice sluice = engine(directory, null, null))
        {
            final int probe = sluice.pipelineId("probe");
            final long start = System.nanoTime();
            long i = 0;
            while (System.nanoTime() - start < (long)(seconds * 1e9))
            {
                for (int n = 0; n < 1024; n++, i++)
                {
                    sluice.publish(probe, 0, i, 0, 0);
                }
            }
            return i * 1e9 / (System.nanoTime() - start);
        }
        finally
        {
            delete(directory);
        }
    }

    /**
     * Latency at {@code rate} for {@code seconds} of {@code storage}: {@code memory}, {@code journal} or {@code floor}
     * (a bare ring hop, {@link RingHopFloor}). Writes {@code latency-<storage>-<percent>.hgrm} and {@code .hlog},
     * and with a journal also {@code journaled-<percent>.hgrm} and {@code .hlog}: publish → journal record.
     */
    public static Point measure(final String storage, final Path output, final double rate, final double seconds, final int percent)
        throws Exception
    {
        final OpenLoopLoad load = new OpenLoopLoad(OpenLoopLoad.SYSTEM, HIGHEST_NS);
        final LatencyStage journaled = storage.equals("journal") ? load.newStage() : null;
        final Path directory = storage.equals("journal") ? Files.createTempDirectory(output, "latency") : null;
        final java.util.List<Histogram> intervals = new java.util.ArrayList<>();
        final java.util.List<Histogram> journaledIntervals = new java.util.ArrayList<>();
        final long startMs = System.currentTimeMillis();
        final long behind;
        try
        {
            // Only takes each second's histograms during the run; adding, compressing and writing them waits
            // until after. On 2 cores the publisher and the engine each own one: a third thread that works for
            // milliseconds (a log histogram's compression does) preempts one of them for a scheduler slice,
            // and that stall would be charged to the engine.
            final IntervalLogger logger = new IntervalLogger(() -> takeIntervals(load, journaled, intervals, journaledIntervals), 1_000);
            try (LoadedSystem system = open(storage, directory, load, journaled))
            {
                // A warm-up at the same rate, discarded: compilation belongs to no steady state.
                load.run(system::send, rate, (long)(rate * Math.max(0.5, seconds / 5)));
                load.takeInterval();
                if (journaled != null)
                {
                    journaled.takeInterval();
                }
                logger.start();
                behind = load.run(system::send, rate, (long)(rate * seconds));
            }
            logger.stop();
            takeIntervals(load, journaled, intervals, journaledIntervals);
        }
        finally
        {
            delete(directory);
        }
        final Histogram total = writeLogs(output, "latency-" + storage + "-" + percent, startMs, intervals);
        final Histogram journaledTotal = journaled == null ? null : writeLogs(output, "journaled-" + percent, startMs, journaledIntervals);
        return new Point(total, intervals, behind, journaledTotal);
    }

    /** What the load drives: an engine, or the floor. */
    private interface LoadedSystem extends AutoCloseable
    {
        void send(long intendedNs) throws Exception;
    }

    private static LoadedSystem open(final String storage, final Path directory, final OpenLoopLoad load, final LatencyStage journaled)
    {
        if (storage.equals("floor"))
        {
            final RingHopFloor floor = new RingHopFloor(load);
            return new LoadedSystem()
            {
                public void send(final long intendedNs)
                {
                    floor.send(intendedNs);
                }

                public void close() throws Exception
                {
                    floor.close();
                }
            };
        }
        final Sluice sluice = engine(directory, load, journaled);
        final int probe = sluice.pipelineId("probe");
        final long[] eventTime = {0};
        return new LoadedSystem()
        {
            public void send(final long intendedNs)
            {
                // The intended time rides as the value (to the result) and as the source position (to the journal).
                sluice.publish(probe, 0, eventTime[0]++, 0, intendedNs, intendedNs);
            }

            public void close()
            {
                sluice.close();
            }
        };
    }

    private static void takeIntervals(
        final OpenLoopLoad load, final LatencyStage journaled, final java.util.List<Histogram> intervals,
        final java.util.List<Histogram> journaledIntervals)
    {
        synchronized (intervals)
        {
            intervals.add(load.takeInterval());
            if (journaled != null)
            {
                journaledIntervals.add(journaled.takeInterval());
            }
        }
    }

    /** Writes {@code name.hlog} (one histogram per interval) and {@code name.hgrm} (the whole run's percentiles, µs). */
    private static Histogram writeLogs(final Path output, final String name, final long startMs, final java.util.List<Histogram> intervals)
        throws java.io.IOException
    {
        final Histogram total = new Histogram(HIGHEST_NS, 3);
        try (PrintStream log = new PrintStream(Files.newOutputStream(output.resolve(name + ".hlog"))))
        {
            final HistogramLogWriter writer = new HistogramLogWriter(log);
            writer.outputLogFormatVersion();
            writer.outputStartTime(startMs);
            writer.outputLegend();
            for (final Histogram interval : intervals)
            {
                total.add(interval);
                writer.outputIntervalHistogram((interval.getStartTimeStamp() - startMs) / 1e3,
                    (interval.getEndTimeStamp() - startMs) / 1e3, interval, 1e3);
            }
        }
        try (PrintStream hgrm = new PrintStream(Files.newOutputStream(output.resolve(name + ".hgrm"))))
        {
            total.outputPercentileDistribution(hgrm, 1_000.0); // in µs
        }
        return total;
    }

    private static Sluice engine(final Path journal, final OpenLoopLoad load, final LatencyStage journaled)
    {
        final Sluice.Builder builder = Sluice.builder().shards(1).checkpointInterval(Duration.ZERO)
            .threadingMode(THREADING).waitStrategy(WAIT);
        if (journal != null)
        {
            builder.storage(JournalStorage.open(journal));
        }
        if (journaled != null)
        {
            builder.onJournaled((pipeline, partition, intendedNs, journalIndex) -> journaled.complete(intendedNs));
        }
        return builder.pipeline("probe", p -> p
            .watermarks(Watermarks.boundedOutOfOrderness(Duration.ZERO))
            .window(Windows.tumbling(Duration.ofMillis(1)))
            .onResult(result ->
            {
                if (load != null)
                {
                    load.complete(result.max());
                }
            })).start();
    }

    private static void delete(final Path directory) throws java.io.IOException
    {
        if (directory != null)
        {
            try (var files = Files.walk(directory))
            {
                for (final Path file : files.sorted(java.util.Comparator.reverseOrder()).toList())
                {
                    Files.delete(file);
                }
            }
        }
    }
}
