package io.sluice.tools;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sluice run} end to end, in a child process, on the golden inputs Apache Flink computed results for
 * (engine/src/test/resources/golden): a config and the input CSV in a temp directory, the result files
 * compared with Flink's as sorted multisets. With and without a journal, on one and two shards.
 */
class CliGoldenTest
{
    private static final Path GOLDEN = Path.of("..", "engine", "src", "test", "resources", "golden");

    @ParameterizedTest(name = "{0} ({1}, parallelism {6}, journal {7})")
    @CsvSource({
        "a-tumbling-1000-b200.csv,   events-a.csv, 'type: tumbling, size: 1000ms', 200ms, 0ms,   false, 1, false",
        "a-tumbling-1000-b100-l50.csv, events-a.csv, 'type: tumbling, size: 1s', 100ms, 50ms,  true,  2, true",
        "a-sliding-5000-1000-b200.csv, events-a.csv, 'type: sliding, size: 5s, slide: 1s', 200ms, 0ms, false, 2, false",
        "b-tumbling-700-b150-l100.csv, events-b.csv, 'type: tumbling, size: 700ms', 150ms, 100ms, true, 1, true",
        "c-session-400-b200.csv,     events-c.csv, 'type: session, gap: 400ms', 200ms, 0ms,   false, 2, true",
        "c-session-400-b100-l100.csv, events-c.csv, 'type: session, gap: 400ms', 100ms, 100ms, true, 1, false",
    })
    void resultsEqualFlinks(
        final String expected, final String input, final String window, final String bound, final String lateness,
        final boolean firingColumn, final int parallelism, final boolean journal, @TempDir final Path work) throws Exception
    {
        Files.copy(GOLDEN.resolve(input), work.resolve(input));
        Files.writeString(work.resolve("pipeline.yaml"), String.join("\n",
            "app_name: golden",
            "source: {type: file, path: " + input + "}",
            "processing: {parallelism: " + parallelism + ", queue_size: 1024}",
            "watermarks: {out_of_orderness: " + bound + "}",
            "windowing:",
            "  windows:",
            "    - {name: w, " + window + ", allowed_lateness: " + lateness + "}",
            "sink: {type: file, path: out/{window}.csv, format: csv}",
            "late_sink: {type: file, path: out/late.csv}",
            journal ? "journal: {dir: var/journal}" : "",
            ""));

        final CliProcess.Result run = CliProcess.run(work, "run", "pipeline.yaml");
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().contains("20,000 events"), run.stdout());

        final List<String> actual = rows(work.resolve("out/w.csv"), firingColumn);
        final List<String> golden = rows(GOLDEN.resolve(expected), true);
        assertEquals(golden.size(), actual.size(), "result count");
        assertEquals(golden, actual);
    }

    /** Data rows, sorted; without the firing column when the golden file has none (then all firings are 0). */
    private static List<String> rows(final Path file, final boolean keepFiring) throws Exception
    {
        final List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        final String header = lines.remove(0);
        assertTrue(header.startsWith("window_start,window_end,key,count,sum,min,max"), header);
        final List<String> rows = new ArrayList<>();
        for (final String line : lines)
        {
            rows.add(keepFiring ? line : line.substring(0, line.lastIndexOf(',')));
        }
        rows.sort(null);
        return rows;
    }
}
