package io.sluice.bench.report;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lines two reports' figures up: NEW / OLD for each, with the noise both errors allow, flagged when the change
 * goes beyond it. Figures without an error (a single latency run) get a noise of 20%, this machine's usual
 * spread between runs.
 */
final class Compare
{
    private static final double DEFAULT_NOISE = 0.20;

    private Compare()
    {
    }

    /** @return false if any figure changed beyond its noise. */
    static boolean run(final Path oldReport, final Path newReport, final PrintStream out) throws Exception
    {
        final Map<String, Figure> before = new LinkedHashMap<>();
        for (final Figure figure : Figure.read(oldReport))
        {
            before.put(figure.name(), figure);
        }
        final List<Figure> after = Figure.read(newReport);
        boolean steady = true;
        out.printf(Locale.ROOT, "%-70s %14s %14s %8s %8s%n", "figure", "old", "new", "new/old", "noise");
        for (final Figure figure : after)
        {
            final Figure old = before.get(figure.name());
            if (old == null || old.value() == 0)
            {
                out.printf(Locale.ROOT, "%-70s %14s %14.4g %8s%n", figure.name(), "–", figure.value(), "new");
                continue;
            }
            final double ratio = figure.value() / old.value();
            final double noise = old.error() > 0 && figure.error() > 0 ?
                old.error() / old.value() + figure.error() / figure.value() : DEFAULT_NOISE;
            final boolean changed = Math.abs(ratio - 1) > noise;
            steady &= !changed;
            out.printf(Locale.ROOT, "%-70s %14.4g %14.4g %8.3f %7.1f%% %s%n", figure.name(), old.value(), figure.value(), ratio,
                noise * 100, changed ? (isBetter(figure, ratio) ? "BETTER" : "WORSE") : "");
        }
        return steady;
    }

    /** Throughputs and ratios want more; times, latencies and bytes want less. */
    private static boolean isBetter(final Figure figure, final double ratio)
    {
        final boolean higherIsBetter = figure.unit().endsWith("/s") || figure.unit().equals("ratio");
        return higherIsBetter == ratio > 1;
    }
}
