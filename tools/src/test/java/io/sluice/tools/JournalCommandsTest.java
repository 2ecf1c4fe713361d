package io.sluice.tools;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sluice journal dump|stats|replay} and {@code sluice checkpoint list|verify} on a journal a run wrote. */
class JournalCommandsTest
{
    private static final Path GOLDEN = Path.of("..", "engine", "src", "test", "resources", "golden");

    @TempDir
    static Path work;
    private static Path journal;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void recordARun() throws Exception
    {
        Files.copy(GOLDEN.resolve("events-a.csv"), work.resolve("events-a.csv"));
        Files.writeString(work.resolve("pipeline.yaml"), String.join("\n",
            "source: {type: file, path: events-a.csv}",
            "processing: {parallelism: 2, checkpoint_interval: 0ms}",
            "watermarks: {out_of_orderness: 200ms}",
            "windowing: {windows: [{name: per_second, type: tumbling, size: 1s}]}",
            "sink: {type: file, path: out/{window}.csv}",
            "journal: {dir: journal}",
            ""));
        assertEquals(0, SluiceMain.run(new String[] {"run", work.resolve("pipeline.yaml").toString()},
            new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), new java.io.PrintStream(java.io.OutputStream.nullOutputStream())));
        journal = work.resolve("journal");
    }

    @Test
    void dumpPrintsEveryRecordAndSelectsByIndexTimeKeyAndTail() throws Exception
    {
        assertEquals(0, run("journal", "dump", journal.toString()));
        final List<String> lines = out.toString().lines().toList();
        assertEquals("index,type,pipeline,partition,event_time_ms,key,value,source_position,ingest_time_ns", lines.get(0));
        assertEquals(20_002, lines.size(), "header, 20 000 events, end of input");
        final List<String> input = Files.readAllLines(work.resolve("events-a.csv"));
        final String[] firstEvent = lines.get(1).split(",");
        assertEquals(input.get(1), firstEvent[4] + "," + firstEvent[5] + "," + firstEvent[6], "the first event as the file had it");
        assertTrue(lines.get(20_001).contains(",end_of_input,"), lines.get(20_001));

        final String from = lines.get(101).split(",")[0];
        final String to = lines.get(110).split(",")[0];
        assertEquals(0, run("journal", "dump", journal.toString(), "--from-index", from, "--to-index", to));
        assertEquals(lines.subList(101, 111), out.toString().lines().skip(1).toList());

        assertEquals(0, run("journal", "dump", journal.toString(), "--last", "2"));
        assertEquals(lines.subList(20_000, 20_002), out.toString().lines().skip(1).toList());

        assertEquals(0, run("journal", "dump", journal.toString(), "--key", "k7", "--from-time", "1700000005000", "--to-time", "1700000006000"));
        final List<String> selected = out.toString().lines().skip(1).toList();
        final long expected = input.stream().skip(1).map(l -> l.split(","))
            .filter(f -> f[1].equals("k7") && Long.parseLong(f[0]) >= 1700000005000L && Long.parseLong(f[0]) < 1700000006000L).count();
        assertTrue(expected > 0);
        assertEquals(expected, selected.size(), selected.toString());

        assertEquals(0, run("journal", "dump", journal.toString(), "--last", "1", "--format", "json"));
        assertTrue(out.toString().trim().startsWith("{\"index\":") && out.toString().contains("\"type\":\"end_of_input\""), out.toString());
    }

    @Test
    void statsCountRecordsAndTellAFinishedRun() throws Exception
    {
        assertEquals(0, run("journal", "stats", journal.toString()));
        assertTrue(out.toString().contains("records:        20001 (events 20000, idle ticks 0, end of input 1: a finished run)"), out.toString());
        assertTrue(out.toString().contains("event times:    1699999999") && out.toString().contains("pipeline 0:     20000 events"), out.toString());
    }

    @Test
    void replayRunsAnotherWindowOverTheRecordingAsALiveRunWould() throws Exception
    {
        Files.writeString(work.resolve("what-if.yaml"), String.join("\n",
            "source: {type: file, path: events-a.csv}",
            "watermarks: {out_of_orderness: 200ms}",
            "windowing: {windows: [{name: two_seconds, type: tumbling, size: 2s}]}",
            "aggregates: [count, max]",
            "sink: {type: file, path: what-if/{window}.csv}",
            ""));
        assertEquals(0, run("journal", "replay", journal.toString(), "--config", work.resolve("what-if.yaml").toString()));
        assertTrue(out.toString().contains("20,000 events re-run"), out.toString());
        final List<String> replayed = sorted(work.resolve("what-if/two_seconds.csv"));
        Files.move(work.resolve("what-if/two_seconds.csv"), work.resolve("replayed.csv"));

        assertEquals(0, run("run", work.resolve("what-if.yaml").toString()));
        assertEquals(sorted(work.resolve("what-if/two_seconds.csv")), replayed);
        assertTrue(replayed.size() > 100 && replayed.get(replayed.size() - 1).startsWith("window_start,window_end,key,count,max,firing"));
    }

    @Test
    void checkpointsAreListedAndVerifiedAndDamageIsNamed(@TempDir final Path temp) throws Exception
    {
        assertEquals(1, run("checkpoint", "verify", journal.toString()), "a run without checkpoints: " + out);
        try (io.sluice.Sluice sluice = io.sluice.Sluice.builder().shards(2)
            .storage(io.sluice.journal.JournalStorage.open(temp.resolve("checkpointed")))
            .checkpointInterval(java.time.Duration.ZERO)
            .pipeline("p", p -> p.window(io.sluice.Windows.tumbling(java.time.Duration.ofSeconds(1)))).start())
        {
            for (int i = 0; i < 1_000; i++)
            {
                sluice.publish("p", i, i % 10, i);
                if (i % 400 == 0)
                {
                    sluice.checkpoint();
                }
            }
        }
        final Path checkpointed = temp.resolve("checkpointed");
        assertEquals(0, run("checkpoint", "list", checkpointed.toString()));
        final List<String> listed = out.toString().lines().toList();
        assertEquals("id,journal_index,shards,bytes,status", listed.get(0));
        assertEquals(4, listed.size(), listed.toString());
        assertTrue(listed.get(3).endsWith(",2," + listed.get(3).split(",")[3] + ",ok"), listed.get(3));
        assertEquals(0, run("checkpoint", "verify", checkpointed.toString()));

        final Path newest;
        try (Stream<Path> ids = Files.list(checkpointed.resolve("checkpoints")))
        {
            newest = ids.sorted().reduce((a, b) -> b).orElseThrow();
        }
        try (FileChannel part = FileChannel.open(newest.resolve("shard-1.state"), StandardOpenOption.WRITE))
        {
            part.truncate(part.size() - 1);
        }
        assertEquals(1, run("checkpoint", "verify", checkpointed.toString()));
        assertTrue(out.toString().contains("DAMAGED  " + newest + "  part shard-1.state has"), out.toString());
    }

    @Test
    void usageMistakesExitTwo() throws Exception
    {
        assertEquals(2, run("journal", "dump", journal.toString(), "--format", "xml"));
        assertTrue(err.toString().contains("--format must be csv or json"), err.toString());
        assertEquals(2, run("journal", "stats", work.resolve("nowhere").toString()));
        assertTrue(err.toString().contains("no input journal at"), err.toString());
        assertEquals(2, run("journal", "replay", journal.toString()));
        assertTrue(err.toString().contains("--config"), err.toString());
    }

    private int run(final String... args)
    {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return SluiceMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true),
            new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    }

    private static List<String> sorted(final Path file) throws Exception
    {
        final List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        lines.sort((a, b) -> a.startsWith("window_start") ? 1 : b.startsWith("window_start") ? -1 : a.compareTo(b));
        return lines;
    }
}
