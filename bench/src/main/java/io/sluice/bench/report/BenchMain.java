package io.sluice.bench.report;

import io.sluice.bench.ReplaySpeedReport;
import io.sluice.bench.WindowRatios;
import io.sluice.bench.latency.LatencyReport;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code sluice bench}: runs a profile of the JMH suites and the open-loop latency runs and writes a report
 * folder (summary.md, figures.tsv, jmh.json, .hgrm and .hlog files, PNG plots); {@code sluice bench compare
 * OLD NEW} lines two reports up.
 *
 * <ul>
 *   <li>{@code smoke}: seconds; one JMH benchmark in this JVM and one-second latency runs. It checks the
 *       kit, not the engine (CI runs it).</li>
 *   <li>{@code quick}: under two minutes; codecs, window update per type, end to end in memory, latency at
 *       10% and 50% of the maximum rate.</li>
 *   <li>{@code full}: every suite with its own settings, window update also at 1 000, 100 000 and 1 000 000 keys
 *       (JSON in jmh.json, jmh-window-keys.json, jmh-window-1m-keys.json), a latency sweep from 10% to 100% in
 *       memory.</li>
 *   <li>{@code targets}: a minute or two; each throughput target of the engine and journal issues measured as
 *       they are quoted (tumbling window update, the sliding and session ratios, end to end in memory and
 *       journaled, replay, restart, allocation), and a table of which this run met. No latency runs.</li>
 * </ul>
 *
 * Every profile but {@code targets} also measures latency at 50% with the journal on (to the result and to the
 * journal commit), and the floor at 50% of the in-memory rate: the same load through a bare ring hop, the
 * machine's share.
 */
public final class BenchMain
{
    private static final String JMH_TABLE =
        "## JMH\n\n| benchmark | parameters | score | error | unit | allocated B/op |\n|---|---|---|---|---|---|\n";

    private BenchMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        System.exit(run(args, System.out, System.err));
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err) throws Exception
    {
        if (args.length > 0 && args[0].equals("compare"))
        {
            if (args.length != 3)
            {
                err.println("sluice bench compare: give two report folders, OLD and NEW");
                return 2;
            }
            return Compare.run(Path.of(args[1]), Path.of(args[2]), out) ? 0 : 1;
        }
        String profile = "quick";
        double boundUs = 1_000;
        Path directory = Path.of("bench", "target", "report-" + Instant.now().toString().replace(':', '-'));
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--profile" -> profile = value(args, ++i, "--profile");
                case "--out" -> directory = Path.of(value(args, ++i, "--out"));
                case "--p999-bound-us" -> boundUs = Double.parseDouble(value(args, ++i, "--p999-bound-us"));
                case "--help", "-h" ->
                {
                    out.println("Usage: sluice bench [--profile smoke|quick|full|targets] [--out DIR] [--p999-bound-us US]\n" +
                        "       sluice bench compare OLD NEW");
                    return 0;
                }
                default ->
                {
                    err.println("sluice bench: unknown argument '" + args[i] + "' (see sluice bench --help)");
                    return 2;
                }
            }
        }
        if (!List.of("smoke", "quick", "full", "targets").contains(profile))
        {
            err.println("sluice bench: --profile must be smoke, quick, full or targets, not '" + profile + "'");
            return 2;
        }
        Files.createDirectories(directory);
        final List<Figure> figures = new ArrayList<>();
        final StringBuilder summary = new StringBuilder();
        header(summary, profile);
        if (profile.equals("targets"))
        {
            out.print(targets(directory, figures, summary));
        }
        else
        {
            jmh(profile, directory, figures, summary);
            latency(profile, directory, figures, summary, boundUs);
        }
        Figure.write(figures, directory);
        Files.writeString(directory.resolve("summary.md"), summary, StandardCharsets.UTF_8);
        out.println("sluice bench: " + profile + " report in " + directory.toAbsolutePath());
        return 0;
    }

    private static String value(final String[] args, final int i, final String option)
    {
        if (i >= args.length)
        {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static void header(final StringBuilder summary, final String profile) throws Exception
    {
        summary.append("# Sluice bench report (").append(profile).append(")\n\n")
            .append("| | |\n|---|---|\n")
            .append("| date | ").append(Instant.now()).append(" |\n")
            .append("| commit | ").append(commit()).append(" |\n")
            .append("| machine | ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
            .append(ManagementFactory.getOperatingSystemMXBean().getName()).append(' ')
            .append(ManagementFactory.getOperatingSystemMXBean().getArch()).append(" |\n")
            .append("| JDK | ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version")).append(" |\n")
            .append("| flags | `").append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())).append("` |\n\n")
            .append("Shared, noisy machines vary by up to 2x between runs: compare reports taken side by side.\n\n");
    }

    private static String commit()
    {
        try
        {
            final Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            final String hash = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor() == 0 ? hash : "unknown (not a git checkout)";
        }
        catch (final Exception e)
        {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static void jmh(final String profile, final Path directory, final List<Figure> figures, final StringBuilder summary)
        throws Exception
    {
        summary.append(JMH_TABLE);
        switch (profile)
        {
            case "smoke" -> runJmh(options(directory, "jmh.json").include("CodecBenchmark.encodeInputEvent").forks(0)
                .warmupIterations(1).warmupTime(TimeValue.milliseconds(200)).measurementIterations(2)
                .measurementTime(TimeValue.milliseconds(200)), figures, summary);
            case "quick" -> runJmh(options(directory, "jmh.json")
                .include("CodecBenchmark").include("WindowUpdateBenchmark").include("EndToEndBenchmark")
                .param("window", "tumbling", "sliding", "session").param("storage", "memory").param("shards", "1")
                .warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementIterations(3).measurementTime(TimeValue.seconds(1)),
                figures, summary);
            default ->
            {
                // Every suite at its own settings (window update at the engine issue's 10 000 keys), then window
                // update with state in cache (1 000 keys) and far out of it (100 000 and 1 000 000 keys).
                runJmh(options(directory, "jmh.json").include("io\\.sluice\\..*Benchmark"), figures, summary); // RingHop is in io.sluice
                runJmh(options(directory, "jmh-window-keys.json").include("WindowUpdateBenchmark").param("keyCount", "1000", "100000"),
                    figures, summary);
                // Sliding 100 s / 1 s keeps about 8 KB per key (100 slice cells and their suffixes): 8 GB at a
                // million keys, more than this kit's 8 GB direct memory, so it stops at 100 000 keys.
                runJmh(options(directory, "jmh-window-1m-keys.json").include("WindowUpdateBenchmark").param("keyCount", "1000000")
                    .param("window", "tumbling", "sliding", "session"), figures, summary);
                summary.append("\nWindow update at 1 000 000 keys leaves out sliding 100 s / 1 s: about 8 KB of state per key, " +
                    "8 GB in all, beyond the benchmark's direct memory. Tumbling is sliding with one window per event.\n");
            }
        }
        summary.append('\n');
    }

    /**
     * Each target measured as the issues quote it: JMH for the window update (one shard, 10 000 keys) and end to
     * end (one shard, in memory and journaled), {@code WindowRatios} for the two ratios, {@code ReplaySpeedReport}
     * for replay and restart. @return the targets table, also added to the summary.
     */
    private static String targets(final Path directory, final List<Figure> figures, final StringBuilder summary)
        throws Exception
    {
        summary.append(JMH_TABLE);
        final Collection<RunResult> runs = runJmh(options(directory, "jmh.json")
            .include("WindowUpdateBenchmark").include("EndToEndBenchmark")
            .param("window", "tumbling").param("shards", "1").param("storage", "memory", "journal")
            .warmupIterations(3).warmupTime(TimeValue.seconds(1)).measurementIterations(5).measurementTime(TimeValue.seconds(2))
            .forks(1), figures, summary);
        final double[] ratios = WindowRatios.medianRatios(10_000, 40);
        figures.add(new Figure("ratio[sliding/tumbling]", ratios[0], 0, "ratio"));
        figures.add(new Figure("ratio[session/tumbling]", ratios[1], 0, "ratio"));
        final ReplaySpeedReport.Speeds replay = ReplaySpeedReport.measure(5_000_000, 5);
        figures.add(new Figure("replay", replay.replayRate() * 1e6, 0, "records/s"));
        figures.add(new Figure("restart-to-ready", replay.readyMs(), 0, "ms"));

        double mostAllocated = 0;
        for (final RunResult run : runs)
        {
            mostAllocated = Math.max(mostAllocated, allocated(run));
        }
        final Result<?> tumbling = primary(runs, "WindowUpdateBenchmark", "window", "tumbling");
        final Result<?> inMemory = primary(runs, "EndToEndBenchmark", "storage", "memory");
        final Result<?> journaled = primary(runs, "EndToEndBenchmark", "storage", "journal");
        final String table = new Targets()
            .atLeast("tumbling window update ≥ 30 M events/s", tumbling.getScore() / 1e6, tumbling.getScoreError() / 1e6, 30, "M events/s")
            .atLeast("sliding 10 s / 1 s ≥ 0.8 of tumbling (median of per-round ratios)", ratios[0], 0.8, "")
            .atLeast("session ≥ 0.5 of tumbling (median of per-round ratios)", ratios[1], 0.5, "")
            .atLeast("end to end in memory ≥ 15 M events/s", inMemory.getScore() / 1e6, inMemory.getScoreError() / 1e6, 15, "M events/s")
            .atLeast("journaled end to end ≥ 6 M events/s", journaled.getScore() / 1e6, journaled.getScoreError() / 1e6, 6, "M events/s")
            .atLeast("full replay ≥ 10 M records/s (median of 5)", replay.replayRate(), 10, "M records/s")
            .atMost("restart to ready ≤ 1 s, checkpoint + " + replay.tail() + "-record tail (median of 5)", replay.readyMs(), 1000, "ms")
            .atMost("allocated per event on the hot path < 1 B (the most of these JMH runs)", mostAllocated, 0.999, "B/op")
            .markdown();
        summary.append("\n## Targets\n\n").append(table);
        return table;
    }

    /** The primary result of the run of a benchmark class (its simple name) with one parameter's value. */
    private static Result<?> primary(final Collection<RunResult> runs, final String benchmark, final String param, final String value)
    {
        for (final RunResult run : runs)
        {
            final String method = run.getParams().getBenchmark(); // package.Class.method
            if (method.substring(0, method.lastIndexOf('.')).endsWith("." + benchmark) && value.equals(run.getParams().getParam(param)))
            {
                return run.getPrimaryResult();
            }
        }
        throw new IllegalStateException("no " + benchmark + " run with " + param + "=" + value);
    }

    /** B/op as JMH's gc profiler gives it; NaN without it. */
    private static double allocated(final RunResult run)
    {
        final Result<?> allocation = run.getSecondaryResults().get("·gc.alloc.rate.norm") != null ?
            run.getSecondaryResults().get("·gc.alloc.rate.norm") : run.getSecondaryResults().get("gc.alloc.rate.norm");
        return allocation == null ? Double.NaN : allocation.getScore();
    }

    private static ChainedOptionsBuilder options(final Path directory, final String jsonFile)
    {
        return new OptionsBuilder().result(directory.resolve(jsonFile).toString()).resultFormat(ResultFormatType.JSON)
            .addProfiler("gc").shouldFailOnError(true);
    }

    private static Collection<RunResult> runJmh(final ChainedOptionsBuilder options, final List<Figure> figures, final StringBuilder summary)
        throws Exception
    {
        final Collection<RunResult> results = new Runner(options.build()).run();
        for (final RunResult run : results)
        {
            final Result<?> primary = run.getPrimaryResult();
            final String name = run.getParams().getBenchmark().replace("io.sluice.bench.", "").replace("io.sluice.", "");
            final String params = parameters(run);
            final double allocated = allocated(run);
            final String figureName = name + (params.isEmpty() ? "" : "[" + params + "]");
            figures.add(new Figure(figureName, primary.getScore(), primary.getScoreError(), primary.getScoreUnit()));
            summary.append(String.format(Locale.ROOT, "| %s | %s | %.4g | ± %.2g | %s | %s |\n", name, params, primary.getScore(),
                primary.getScoreError(), primary.getScoreUnit(),
                Double.isNaN(allocated) ? "–" : String.format(Locale.ROOT, "%.3g", allocated)));
        }
        return results;
    }

    private static String parameters(final RunResult run)
    {
        final StringBuilder text = new StringBuilder();
        for (final String key : new TreeMap<>(asMap(run)).keySet())
        {
            text.append(text.length() == 0 ? "" : ",").append(key).append('=').append(run.getParams().getParam(key));
        }
        return text.toString();
    }

    private static Map<String, String> asMap(final RunResult run)
    {
        final Map<String, String> map = new LinkedHashMap<>();
        for (final String key : run.getParams().getParamsKeys())
        {
            map.put(key, run.getParams().getParam(key));
        }
        return map;
    }

    private static void latencyRow(
        final String system, final double rate, final int percent, final Histogram h, final List<Figure> figures, final StringBuilder summary)
    {
        summary.append(String.format(Locale.ROOT, "| %s | %.0f (%d%%) | %.1f | %.1f | %.1f | %.1f | %.1f |\n", system, rate, percent,
            h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
            h.getValueAtPercentile(99.99) / 1e3, h.getMaxValue() / 1e3));
        for (final double p : new double[] {50, 99, 99.9, 99.99})
        {
            figures.add(new Figure("latency-p" + p + "[" + system + "," + percent + "%]", h.getValueAtPercentile(p) / 1e3, 0, "us"));
        }
    }

    private static void latency(
        final String profile, final Path directory, final List<Figure> figures, final StringBuilder summary, final double boundUs)
        throws Exception
    {
        final double[] fractions = switch (profile)
        {
            case "smoke" -> new double[] {0.5};
            case "quick" -> new double[] {0.1, 0.5};
            default -> new double[] {0.1, 0.25, 0.5, 0.75, 0.9, 1.0};
        };
        final double seconds = profile.equals("smoke") ? 1 : profile.equals("quick") ? 5 : 10;
        summary.append("## Latency, publish → result, 1 shard, open loop\n\n")
            .append("Each latency includes one interval between sends (1 / rate): an event's window closes with the next event. ")
            .append("`floor` is the same load and threads with the engine swapped for one ring hop to a consumer that ")
            .append("completes at once: the machine's own share. `journaled` is publish → journal commit of the journal run (`onJournaled`).\n\n")
            .append("| system | offered events/s | p50 µs | p99 µs | p99.9 µs | p99.99 µs | max µs |\n|---|---|---|---|---|---|---|\n");
        final Map<String, Histogram> percentileSeries = new LinkedHashMap<>();
        final Map<Double, Histogram> sweep = new TreeMap<>();
        for (final String storage : List.of("memory", "journal"))
        {
            final double maxRate = LatencyReport.maxRate(storage, directory, profile.equals("smoke") ? 0.5 : 3);
            figures.add(new Figure("max-rate[" + storage + "]", maxRate, 0, "events/s"));
            for (final double fraction : storage.equals("journal") ? new double[] {0.5} : fractions)
            {
                final int percent = (int)Math.round(fraction * 100);
                final LatencyReport.Point point = LatencyReport.measure(storage, directory, maxRate * fraction, seconds, percent);
                latencyRow(storage, maxRate * fraction, percent, point.total(), figures, summary);
                percentileSeries.put(storage + " at " + percent + "%", point.total());
                if (point.journaled() != null)
                {
                    latencyRow("journaled", maxRate * fraction, percent, point.journaled(), figures, summary);
                    percentileSeries.put("journaled at " + percent + "%", point.journaled());
                }
                if (storage.equals("memory"))
                {
                    sweep.put(maxRate * fraction, point.total());
                    if (percent == 50)
                    {
                        LatencyPlots.overTime(point.intervals(), 1.0, directory.resolve("latency-over-time.png"));
                        final LatencyReport.Point floor = LatencyReport.measure("floor", directory, maxRate * fraction, seconds, percent);
                        latencyRow("floor", maxRate * fraction, percent, floor.total(), figures, summary);
                        percentileSeries.put("floor at " + percent + "%", floor.total());
                    }
                }
            }
        }
        LatencyPlots.percentiles(percentileSeries, directory.resolve("percentiles.png"));
        summary.append("\n![percentiles](percentiles.png)\n\n![over time](latency-over-time.png)\n");
        if (sweep.size() > 1)
        {
            // The sweep's answer: the highest offered rate whose p99.9 stayed under the bound.
            double best = 0;
            for (final Map.Entry<Double, Histogram> point : sweep.entrySet())
            {
                if (point.getValue().getValueAtPercentile(99.9) / 1e3 <= boundUs)
                {
                    best = Math.max(best, point.getKey());
                }
            }
            figures.add(new Figure("max-rate-p99.9-under-" + (long)boundUs + "us[memory]", best, 0, "events/s"));
            summary.append(String.format(Locale.ROOT, "\nHighest offered rate whose p99.9 stayed under %.0f µs: %s.%n", boundUs,
                best > 0 ? String.format(Locale.ROOT, "%.0f events/s", best) : "none of the rates measured"));
            LatencyPlots.rateSweep(sweep, directory.resolve("rate-sweep.png"));
            summary.append("\n![rate sweep](rate-sweep.png)\n");
        }
    }
}
