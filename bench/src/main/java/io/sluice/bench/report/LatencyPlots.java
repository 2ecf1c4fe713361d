package io.sluice.bench.report;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The latency pictures, drawn with XChart: latency by percentile on the usual 1/(1-p) axis, latency over
 * the run from the interval histograms, and percentiles against offered rate.
 */
public final class LatencyPlots
{
    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;

    static
    {
        System.setProperty("java.awt.headless", "true");
    }

    private LatencyPlots()
    {
    }

    /**
     * Latency (µs, log) by percentile, x = log10(1/(1-p)): 1 is 90%, 2 is 99%, 3 is 99.9%... (the scale is drawn
     * on a linear axis of the logarithm, since XChart's own log axis ignores custom tick labels).
     */
    public static void percentiles(final Map<String, Histogram> series, final Path png) throws IOException
    {
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Latency by percentile")
            .xAxisTitle("percentile").yAxisTitle("latency (µs)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(LatencyPlots::percentileLabel);
        chart.getStyler().setXAxisMin(0.0);
        for (final Map.Entry<String, Histogram> entry : series.entrySet())
        {
            final List<Double> x = new ArrayList<>();
            final List<Double> y = new ArrayList<>();
            for (final HistogramIterationValue value : entry.getValue().percentiles(5))
            {
                final double percentile = value.getPercentileLevelIteratedTo();
                if (percentile >= 100.0 || percentile > 99.9999)
                {
                    break;
                }
                x.add(Math.log10(1 / (1 - percentile / 100)));
                y.add(Math.max(0.01, value.getValueIteratedTo() / 1e3));
            }
            if (!x.isEmpty())
            {
                chart.addSeries(entry.getKey(), x, y).setMarker(SeriesMarkers.NONE);
            }
        }
        BitmapEncoder.saveBitmap(chart, withoutExtension(png), BitmapEncoder.BitmapFormat.PNG);
    }

    /** p50, p99, p99.9 and max of each interval against seconds into the run. */
    public static void overTime(final List<Histogram> intervals, final double intervalSeconds, final Path png) throws IOException
    {
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Latency over time")
            .xAxisTitle("seconds").yAxisTitle("latency (µs)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        final List<Double> seconds = new ArrayList<>();
        final List<Histogram> nonEmpty = new ArrayList<>();
        for (int i = 0; i < intervals.size(); i++)
        {
            if (intervals.get(i).getTotalCount() > 0)
            {
                seconds.add((i + 1) * intervalSeconds);
                nonEmpty.add(intervals.get(i));
            }
        }
        addPercentileSeries(chart, seconds, nonEmpty);
        BitmapEncoder.saveBitmap(chart, withoutExtension(png), BitmapEncoder.BitmapFormat.PNG);
    }

    /** p50, p99, p99.9 and max against offered rate (events/s). */
    public static void rateSweep(final Map<Double, Histogram> byRate, final Path png) throws IOException
    {
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Latency against offered rate")
            .xAxisTitle("offered rate (M events/s)").yAxisTitle("latency (µs)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        final List<Double> rates = new ArrayList<>();
        for (final Double rate : byRate.keySet())
        {
            rates.add(rate / 1e6);
        }
        addPercentileSeries(chart, rates, new ArrayList<>(byRate.values()));
        BitmapEncoder.saveBitmap(chart, withoutExtension(png), BitmapEncoder.BitmapFormat.PNG);
    }

    /** One series each for p50, p99, p99.9 and max of the histograms, at the given x. */
    private static void addPercentileSeries(final XYChart chart, final List<Double> x, final List<Histogram> histograms)
    {
        if (x.isEmpty())
        {
            return;
        }
        final double[] percentiles = {50, 99, 99.9, 100};
        final String[] names = {"p50", "p99", "p99.9", "max"};
        for (int p = 0; p < percentiles.length; p++)
        {
            final List<Double> y = new ArrayList<>();
            for (final Histogram histogram : histograms)
            {
                y.add(Math.max(0.01, histogram.getValueAtPercentile(percentiles[p]) / 1e3));
            }
            chart.addSeries(names[p], x, y);
        }
    }

    /** Labels whole nines (1 → 90%, 2 → 99%, 3 → 99.9%...); ticks between them stay blank. */
    private static String percentileLabel(final double nines)
    {
        final long whole = Math.round(nines);
        if (Math.abs(nines - whole) > 1e-6 || whole < 0)
        {
            return "";
        }
        if (whole == 0)
        {
            return "0%";
        }
        if (whole == 1)
        {
            return "90%";
        }
        return "99" + (whole > 2 ? "." + "9".repeat((int)whole - 2) : "") + "%";
    }

    private static String withoutExtension(final Path png)
    {
        final String name = png.toString();
        return name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
    }
}
