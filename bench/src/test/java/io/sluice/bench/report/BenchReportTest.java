package io.sluice.bench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sluice bench --profile smoke} writes every file of a report, and {@code compare} reads two of them. */
class BenchReportTest
{
    @Test
    void smokeProfileWritesEveryFileAndComparesWithItself(@TempDir final Path work) throws Exception
    {
        final Path report = work.resolve("report");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, BenchMain.run(new String[] {"--profile", "smoke", "--out", report.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8), System.err));
        for (final String file : List.of("summary.md", "figures.tsv", "jmh.json", "latency-memory-50.hgrm", "latency-memory-50.hlog",
            "latency-floor-50.hgrm", "latency-floor-50.hlog", "latency-journal-50.hgrm", "journaled-50.hgrm", "journaled-50.hlog",
            "percentiles.png", "latency-over-time.png"))
        {
            assertTrue(Files.size(report.resolve(file)) > 0, file + " written");
        }
        final String summary = Files.readString(report.resolve("summary.md"));
        assertTrue(summary.contains("| commit |") && summary.contains("| JDK |") && summary.contains("CodecBenchmark.encodeInputEvent") &&
            summary.contains("| memory |"), summary);
        final byte[] png = Files.readAllBytes(report.resolve("percentiles.png"));
        assertEquals((byte)0x89, png[0]);
        assertEquals('P', png[1]);

        final ByteArrayOutputStream compared = new ByteArrayOutputStream();
        assertEquals(0, BenchMain.run(new String[] {"compare", report.toString(), report.toString()},
            new PrintStream(compared, true, StandardCharsets.UTF_8), System.err));
        final String text = compared.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("CodecBenchmark.encodeInputEvent") && text.contains("1.000"), text);
    }

    @Test
    void compareFlagsChangesBeyondTheNoise(@TempDir final Path work) throws Exception
    {
        final Path old = Files.createDirectories(work.resolve("old"));
        final Path changed = Files.createDirectories(work.resolve("new"));
        Figure.write(List.of(new Figure("throughput", 100, 2, "ops/s"), new Figure("latency", 10, 0, "us"),
            new Figure("steady", 50, 5, "ops/s"), new Figure("ratio", 0.5, 0, "ratio")), old);
        Figure.write(List.of(new Figure("throughput", 80, 2, "ops/s"), new Figure("latency", 7, 0, "us"),
            new Figure("steady", 52, 5, "ops/s"), new Figure("ratio", 0.8, 0, "ratio"), new Figure("added", 1, 0, "us")), changed);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(1, BenchMain.run(new String[] {"compare", old.toString(), changed.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8), System.err));
        final List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.get(1).startsWith("throughput") && lines.get(1).endsWith("WORSE"), lines.get(1));
        assertTrue(lines.get(2).startsWith("latency") && lines.get(2).endsWith("BETTER"), lines.get(2));
        assertTrue(lines.get(3).startsWith("steady") && !lines.get(3).contains("WORSE") && !lines.get(3).contains("BETTER"), lines.get(3));
        assertTrue(lines.get(4).startsWith("ratio") && lines.get(4).endsWith("BETTER"), lines.get(4));
        assertTrue(lines.get(5).startsWith("added") && lines.get(5).endsWith("new"), lines.get(5));
        assertEquals(2, BenchMain.run(new String[] {"compare", old.toString()}, System.out, new PrintStream(new ByteArrayOutputStream())));
    }

    @Test
    void aFigureWithoutAUnitReadsBackAsWritten(@TempDir final Path work) throws Exception
    {
        final List<Figure> figures = List.of(new Figure("count", 3, 0, ""), new Figure("rate", 2.5, 0.25, "ops/s"));
        Figure.write(figures, work);
        assertEquals(figures, Figure.read(work));
    }
}
