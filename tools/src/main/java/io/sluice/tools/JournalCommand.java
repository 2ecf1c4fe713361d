package io.sluice.tools;

import io.sluice.JournalRange;
import io.sluice.JournalRecord;
import io.sluice.JournalReplay;
import io.sluice.journal.JournalStorage;
import io.sluice.tools.config.ConfigLoader;
import io.sluice.tools.config.SluiceConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/** {@code sluice journal dump|stats|replay}: the input journal, read-only, for people. */
@Command(name = "journal", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Reads a journal directory's input journal: dump records, count them, or re-run them through a config.",
    subcommands = {JournalCommand.Dump.class, JournalCommand.Stats.class, JournalCommand.Replay.class})
final class JournalCommand implements Callable<Integer>
{
    public Integer call()
    {
        throw new IllegalArgumentException("say what to do: sluice journal dump|stats|replay DIR");
    }

    static JournalReplay open(final Path journal)
    {
        return JournalReplay.of(JournalStorage.readInputJournal(journal));
    }

    @Command(name = "dump", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Prints input journal records, oldest first, as CSV (default) or JSON lines:",
            "index,type,pipeline,partition,event_time_ms,key,value,source_position,ingest_time_ns"})
    static final class Dump implements Callable<Integer>
    {
        @Mixin
        private JournalDirectory journal;

        @Option(names = "--from-index", paramLabel = "N", description = "First record index (inclusive).")
        private Long fromIndex;

        @Option(names = "--to-index", paramLabel = "N", description = "Last record index (inclusive).")
        private Long toIndex;

        @Option(names = "--from-time", paramLabel = "MS", description = "Only events with event time >= MS.")
        private Long fromTime;

        @Option(names = "--to-time", paramLabel = "MS", description = "Only events with event time < MS.")
        private Long toTime;

        @Option(names = "--last", paramLabel = "N", description = "Only the last N records selected.")
        private Integer last;

        @Option(names = "--key", paramLabel = "KEY", description = "Only events with this key.")
        private String key;

        @Option(names = "--follow", description = "Keep printing records as they are journaled, until Ctrl-C.")
        private boolean follow;

        @Option(names = "--format", defaultValue = "csv", paramLabel = "csv|json", description = "Output format (default: ${DEFAULT-VALUE}).")
        private String format;

        public Integer call()
        {
            if (!format.equals("csv") && !format.equals("json"))
            {
                throw new IllegalArgumentException("--format must be csv or json, not '" + format + "'");
            }
            if (last != null && (last < 1 || follow))
            {
                throw new IllegalArgumentException(last != null && last < 1 ? "--last must be at least 1" : "--last and --follow do not go together");
            }
            final PrintWriter out = journal.out();
            final boolean json = format.equals("json");
            if (!json)
            {
                out.println("index,type,pipeline,partition,event_time_ms,key,value,source_position,ingest_time_ns");
            }
            JournalRange range = new JournalRange(fromIndex == null ? JournalRange.FIRST : fromIndex,
                toIndex == null ? JournalRange.LAST : toIndex, Long.MIN_VALUE, Long.MAX_VALUE);
            if (fromTime != null || toTime != null)
            {
                range = range.withEventTimes(fromTime == null ? Long.MIN_VALUE : fromTime, toTime == null ? Long.MAX_VALUE : toTime);
            }
            final ArrayDeque<String> tail = new ArrayDeque<>();
            final long[] next = {range.fromIndex()};
            try (JournalReplay replay = open(journal.path))
            {
                do
                {
                    final JournalRange pass = new JournalRange(next[0], range.toIndex(), range.fromEventTimeMs(), range.toEventTimeMs());
                    replay.read(pass, record ->
                    {
                        next[0] = record.index() + 1;
                        if (key != null && !(record.isEvent() && key.contentEquals(record.key())))
                        {
                            return;
                        }
                        final String line = json ? json(record) : csv(record);
                        if (last != null)
                        {
                            tail.addLast(line);
                            if (tail.size() > last)
                            {
                                tail.removeFirst();
                            }
                        }
                        else
                        {
                            out.println(line);
                        }
                    });
                    out.flush();
                    if (follow)
                    {
                        LockSupport.parkNanos(100_000_000L);
                    }
                }
                while (follow && !Thread.currentThread().isInterrupted());
            }
            tail.forEach(out::println);
            out.flush();
            return 0;
        }

        private static String csv(final JournalRecord record)
        {
            final StringBuilder line = new StringBuilder().append(record.index()).append(',')
                .append(record.type().name().toLowerCase(java.util.Locale.ROOT)).append(',')
                .append(record.pipelineId() < 0 ? "" : Integer.toString(record.pipelineId())).append(',');
            if (record.isEvent())
            {
                line.append(record.partition()).append(',').append(record.eventTimeMs()).append(',');
                final String text = record.key().toString();
                line.append(text.contains(",") || text.contains("\"") ? "\"" + text.replace("\"", "\"\"") + "\"" : text);
                line.append(',').append(record.value()).append(',').append(record.sourcePosition());
            }
            else
            {
                line.append(",,,,");
            }
            return line.append(',').append(record.ingestTimeNs()).toString();
        }

        private static String json(final JournalRecord record)
        {
            final StringBuilder line = new StringBuilder("{\"index\":").append(record.index())
                .append(",\"type\":\"").append(record.type().name().toLowerCase(java.util.Locale.ROOT)).append('"');
            if (record.pipelineId() >= 0)
            {
                line.append(",\"pipeline\":").append(record.pipelineId());
            }
            if (record.isEvent())
            {
                line.append(",\"partition\":").append(record.partition()).append(",\"event_time_ms\":").append(record.eventTimeMs())
                    .append(",\"key\":\"").append(record.key().toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"')
                    .append(",\"value\":").append(record.value()).append(",\"source_position\":").append(record.sourcePosition());
            }
            return line.append(",\"ingest_time_ns\":").append(record.ingestTimeNs()).append('}').toString();
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Counts the input journal's records by kind and pipeline, its indexes, event times and files.")
    static final class Stats implements Callable<Integer>
    {
        @Mixin
        private JournalDirectory journal;

        public Integer call() throws Exception
        {
            final long[] counts = new long[3];
            final long[] indexes = {Long.MAX_VALUE, Long.MIN_VALUE};
            final long[] times = {Long.MAX_VALUE, Long.MIN_VALUE};
            final Map<Integer, Long> perPipeline = new LinkedHashMap<>();
            try (JournalReplay replay = open(journal.path))
            {
                replay.read(JournalRange.all(), record ->
                {
                    counts[record.type().ordinal()]++;
                    indexes[0] = Math.min(indexes[0], record.index());
                    indexes[1] = Math.max(indexes[1], record.index());
                    if (record.isEvent())
                    {
                        times[0] = Math.min(times[0], record.eventTimeMs());
                        times[1] = Math.max(times[1], record.eventTimeMs());
                        perPipeline.merge(record.pipelineId(), 1L, Long::sum);
                    }
                });
            }
            final PrintWriter out = journal.out();
            out.println("journal:        " + journal.path.resolve("input"));
            out.println("records:        " + (counts[0] + counts[1] + counts[2]) + " (events " + counts[0] + ", idle ticks " + counts[1] +
                ", end of input " + counts[2] + (counts[2] > 0 ? ": a finished run" : ": the run is open") + ")");
            if (counts[0] + counts[1] + counts[2] > 0)
            {
                out.println("indexes:        " + indexes[0] + " .. " + indexes[1]);
            }
            if (counts[0] > 0)
            {
                out.println("event times:    " + times[0] + " .. " + times[1] + " ms");
                perPipeline.forEach((pipeline, count) -> out.println("pipeline " + pipeline + ":     " + count + " events"));
            }
            long bytes = 0;
            int files = 0;
            try (Stream<Path> cycles = Files.list(journal.path.resolve("input")))
            {
                for (final Path file : cycles.filter(f -> f.toString().endsWith(".cq4")).toList())
                {
                    files++;
                    bytes += Files.size(file);
                }
            }
            out.println("files:          " + files + " cycle files, " + bytes + " bytes (sparse: allocated ahead)");
            out.flush();
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Re-runs a recorded input journal through a config's windows into its sinks,",
            "without touching the journal: \"what would this window have said\". The config's source and journal are ignored;",
            "recorded pipeline N feeds the config's window N."})
    static final class Replay implements Callable<Integer>
    {
        @Mixin
        private JournalDirectory journal;

        @Option(names = "--config", required = true, paramLabel = "CONFIG.yaml", description = "Windows, aggregates and sinks to use.")
        private Path config;

        @Option(names = "--from-time", paramLabel = "MS", description = "Only events with event time >= MS.")
        private Long fromTime;

        @Option(names = "--to-time", paramLabel = "MS", description = "Only events with event time < MS.")
        private Long toTime;

        public Integer call() throws Exception
        {
            final SluiceConfig loaded = ConfigLoader.load(config, Map.of());
            final SluiceConfig inMemory = new SluiceConfig(loaded.appName(), loaded.source(), loaded.parallelism(), loaded.queueSize(),
                loaded.checkpointIntervalMs(), loaded.outOfOrdernessMs(), loaded.idleTimeoutMs(), loaded.windows(), loaded.aggregates(),
                loaded.sink(), loaded.lateSink(), loaded.deadLetter(), null, loaded.server());
            final JournalRange range = JournalRange.all().withEventTimes(fromTime == null ? Long.MIN_VALUE : fromTime,
                toTime == null ? Long.MAX_VALUE : toTime);
            final PipelineRun.Summary summary;
            try (JournalReplay replay = open(journal.path))
            {
                summary = new PipelineRun(inMemory, System.out, journal.err(), System.in)
                    .runWith(engine -> replay.rerun(range, engine, id -> id < loaded.windows().size() ? loaded.windows().get(id).name() : null));
            }
            final PrintWriter out = journal.out();
            out.printf("sluice journal replay: %,d events re-run, %,d results, %,d late%n", summary.events(), summary.results(), summary.late());
            out.flush();
            return 0;
        }
    }
}
