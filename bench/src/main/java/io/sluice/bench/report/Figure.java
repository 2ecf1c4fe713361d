package io.sluice.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One measured number of a report, with its error (half the confidence interval JMH gives, or 0 where a
 * single run has none) and unit; what {@code bench compare} lines up. Stored one per line in figures.tsv.
 */
record Figure(String name, double value, double error, String unit)
{
    static final String FILE = "figures.tsv";

    String line()
    {
        return String.format(Locale.ROOT, "%s\t%.6g\t%.6g\t%s", name, value, Double.isFinite(error) ? error : 0, unit);
    }

    static void write(final List<Figure> figures, final Path directory) throws IOException
    {
        final List<String> lines = new ArrayList<>();
        lines.add("figure\tvalue\terror\tunit");
        for (final Figure figure : figures)
        {
            lines.add(figure.line());
        }
        Files.write(directory.resolve(FILE), lines, StandardCharsets.UTF_8);
    }

    static List<Figure> read(final Path directory) throws IOException
    {
        final Path file = directory.resolve(FILE);
        if (!Files.exists(file))
        {
            throw new IllegalArgumentException(directory + " is not a bench report: it has no " + FILE);
        }
        final List<Figure> figures = new ArrayList<>();
        final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (final String line : lines.subList(1, lines.size()))
        {
            final String[] fields = line.split("\t", -1); // -1: a unitless figure ends in an empty field
            if (fields.length != 4)
            {
                throw new IllegalArgumentException(file + ": a figure line has name, value, error and unit, tab-separated: '" + line + "'");
            }
            figures.add(new Figure(fields[0], Double.parseDouble(fields[1]), Double.parseDouble(fields[2]), fields[3]));
        }
        return figures;
    }
}
