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
 * So a latency includes one interval between sends (1 / rate), the time for the next event to arrive. The
 * maximum rate is measured first, closed loop, for a few seconds. Each point warms up at its rate for a fifth
 * of its duration (half a second at least), and that warm-up is not recorded. For each fraction it writes
 * {@code latency-<storage>-<percent>.hgrm} (percentiles, µs) and {@code .hlog} (one histogram per second),
 * and prints one line.
 *
 * <p>Run: {@code java @bench/target/jvm.options -Xmx2g -cp bench/target/benchmarks.jar io.sluice.bench.latency.LatencyReport
 * [memory|journal] [seconds per point] [fractions, e.g. 0.1,0.5,0.9] [output directory]}.
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

        final double maxRate = maxRate(storage, output, 3);
        System.out.printf(Locale.ROOT, "%s, %s threads, %s: maximum rate %.2f M events/s (closed loop, 3 s)%n", storage, THREADING,
            WAIT, maxRate / 1e6);
        System.out.println("offered events/s   p50 µs   p99 µs  p99.9 µs  p99.99 µs    max µs   behind at end");
        for (final String fraction : fractions.split(","))
        {
            final double rate = maxRate * Double.parseDouble(fraction);
            final Point point = measure(storage, output, rate, seconds, (int)Math.round(Double.parseDouble(fraction) * 100));
            final Histogram h = point.total;
            System.out.printf(Locale.ROOT, "%16.0f %8.1f %8.1f %9.1f %10.1f %9.1f   %.1f ms%n", rate,
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
                h.getValueAtPercentile(99.99) / 1e3, h.getMaxValue() / 1e3, point.behindNs / 1e6);
        }
    }

    /** One measured rate: the whole run's histogram, one per second, and how far behind the load ended. */
    public record Point(Histogram total, java.util.List<Histogram> intervals, long behindNs)
    {
    }

    /** The closed-loop maximum rate of the probe pipeline, publishing flat out for {@code seconds}. */
    public static double maxRate(final String storage, final Path output, final double seconds) throws Exception
    {
        final Path directory = storage.equals("journal") ? Files.createTempDirectory(output, "max-rate") : null;
        try (Sluice sluice = engine(directory, null))
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

    /** Latency at {@code rate} for {@code seconds}; writes {@code latency-<storage>-<percent>.hgrm} and {@code .hlog}. */
    public static Point measure(final String storage, final Path output, final double rate, final double seconds, final int percent)
        throws Exception
    {
        final OpenLoopLoad load = new OpenLoopLoad(OpenLoopLoad.SYSTEM, HIGHEST_NS);
        final Path directory = storage.equals("journal") ? Files.createTempDirectory(output, "latency") : null;
        final Histogram total = new Histogram(HIGHEST_NS, 3);
        final java.util.List<Histogram> intervals = new java.util.ArrayList<>();
        final String name = "latency-" + storage + "-" + percent;
        final long behind;
        try (PrintStream log = new PrintStream(Files.newOutputStream(output.resolve(name + ".hlog"))))
        {
            final HistogramLogWriter writer = new HistogramLogWriter(log);
            writer.outputLogFormatVersion();
            final long startMs = System.currentTimeMillis();
            writer.outputStartTime(startMs);
            writer.outputLegend();
            // Only takes each second's histogram during the run; adding and compressing them waits until after.
            // On 2 cores the publisher and the engine each own one: a third thread that works for milliseconds
            // (a log histogram's compression does) preempts one of them for a scheduler slice, and that stall
            // would be charged to the engine.
            final Thread logger = new Thread(() ->
            {
                while (!Thread.currentThread().isInterrupted())
                {
                    try
                    {
                        Thread.sleep(1_000);
                    }
                    catch (final InterruptedException e)
                    {
                        return;
                    }
                    synchronized (intervals)
                    {
                        intervals.add(load.takeInterval());
                    }
                }
            }, "latency-intervals");
            try (Sluice sluice = engine(directory, load))
            {
                final int probe = sluice.pipelineId("probe");
                final long[] eventTime = {0};
                final OpenLoopLoad.Target send = intendedNs -> sluice.publish(probe, 0, eventTime[0]++, 0, intendedNs);
                // A warm-up at the same rate, discarded: compilation belongs to no steady state.
                load.run(send, rate, (long)(rate * Math.max(0.5, seconds / 5)));
                load.takeInterval();
                logger.start();
                behind = load.run(send, rate, (long)(rate * seconds));
            }
            logger.interrupt();
            logger.join();
            intervals.add(load.takeInterval());
            for (final Histogram interval : intervals)
            {
                total.add(interval);
                writer.outputIntervalHistogram((interval.getStartTimeStamp() - startMs) / 1e3,
                    (interval.getEndTimeStamp() - startMs) / 1e3, interval, 1e3);
            }
        }
        finally
        {
            delete(directory);
        }
        try (PrintStream hgrm = new PrintStream(Files.newOutputStream(output.resolve(name + ".hgrm"))))
        {
            total.outputPercentileDistribution(hgrm, 1_000.0); // in µs
        }
        return new Point(total, intervals, behind);
    }

    private static Sluice engine(final Path journal, final OpenLoopLoad load)
    {
        final Sluice.Builder builder = Sluice.builder().shards(1).ringSize(1 << 16).checkpointInterval(Duration.ZERO)
            .threadingMode(THREADING).waitStrategy(WAIT);
        if (journal != null)
        {
            builder.storage(JournalStorage.open(journal));
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
