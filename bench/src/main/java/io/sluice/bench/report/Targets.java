package io.sluice.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The throughput targets the engine and journal issues set, each judged on one measurement of this
 * machine: what {@code sluice bench --profile targets} prints. A target is met or not on the figure
 * measured; the report says which, and leaves the noise to be read beside it.
 */
final class Targets
{
    record Target(String what, String measured, boolean met)
    {
    }

    private final List<Target> targets = new ArrayList<>();

    /** A figure that must reach {@code bound}: a rate or a ratio. */
    Targets atLeast(final String what, final double measured, final double bound, final String unit)
    {
        return atLeast(what, measured, Double.NaN, bound, unit);
    }

    /**
     * The same for a JMH score, shown with its error (half its 99.9% confidence interval), so that a reader sees
     * how far apart "met" and "not met" are in a run this noisy. The verdict is on the score.
     */
    Targets atLeast(final String what, final double measured, final double error, final double bound, final String unit)
    {
        final String shown = Double.isFinite(error) && error > 0 ?
            String.format(Locale.ROOT, "%.4g ± %.2g %s", measured, error, unit) : format(measured, unit);
        targets.add(new Target(what, shown, measured >= bound));
        return this;
    }

    /** A figure that must not exceed {@code bound}: a time or allocated bytes. */
    Targets atMost(final String what, final double measured, final double bound, final String unit)
    {
        targets.add(new Target(what, format(measured, unit), measured <= bound));
        return this;
    }

    List<Target> all()
    {
        return List.copyOf(targets);
    }

    long metCount()
    {
        return targets.stream().filter(Target::met).count();
    }

    String markdown()
    {
        final StringBuilder table = new StringBuilder("| target | measured | met |\n|---|---|---|\n");
        for (final Target target : targets)
        {
            table.append("| ").append(target.what()).append(" | ").append(target.measured()).append(" | ")
                .append(target.met() ? "yes" : "no").append(" |\n");
        }
        return table.append(String.format(Locale.ROOT, "\n%d of %d met in this run.%n", metCount(), targets.size())).toString();
    }

    private static String format(final double value, final String unit)
    {
        return unit.isEmpty() ? String.format(Locale.ROOT, "%.3f", value) : String.format(Locale.ROOT, "%.4g %s", value, unit);
    }
}
