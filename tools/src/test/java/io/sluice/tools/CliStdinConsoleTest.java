package io.sluice.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JSON lines on stdin, results as JSON lines on the console: the pipe-friendly way to run sluice. */
class CliStdinConsoleTest
{
    @Test
    void jsonLinesInJsonLinesOut(@TempDir final Path work) throws Exception
    {
        final Path input = work.resolve("events.jsonl");
        Files.writeString(input, String.join("\n",
            "{\"event_time_ms\": 100, \"key\": \"a\", \"value\": 5}",
            "{\"event_time_ms\": 900, \"key\": \"a\", \"value\": 7}",
            "{\"event_time_ms\": 1500, \"key\": \"b\\\"q\", \"value\": 1}",
            "{\"event_time_ms\": \"late?\", \"key\": \"c\", \"value\": 1}",
            ""));
        Files.writeString(work.resolve("pipeline.yaml"), String.join("\n",
            "source: {type: stdin, format: jsonl}",
            "windowing: {windows: [{name: per_second, type: tumbling, size: 1s}]}",
            "aggregates: [count, sum]",
            "sink: {type: console, format: jsonl}",
            ""));
        final CliProcess.Result run = CliProcess.run(work, input, "run", "pipeline.yaml");
        assertEquals(0, run.exitCode(), run.stderr());
        final List<String> lines = run.stdout().lines().toList();
        assertEquals(List.of(
            "{\"window_start\":0,\"window_end\":1000,\"key\":\"a\",\"count\":2,\"sum\":12,\"firing\":0}",
            "{\"window_start\":1000,\"window_end\":2000,\"key\":\"b\\\"q\",\"count\":1,\"sum\":1,\"firing\":0}"),
            lines.subList(0, 2));
        assertTrue(lines.get(2).startsWith("sluice run sluice: 3 events, 2 results, 0 late, 1 dead-lettered"), lines.get(2));
        assertTrue(run.stderr().contains("sluice: dead letter stdin:4: event_time_ms is not a whole number"), run.stderr());
    }
}
