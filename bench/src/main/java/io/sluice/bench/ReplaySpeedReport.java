package io.sluice.bench;

import io.sluice.JournalRange;
import io.sluice.JournalReplay;
import io.sluice.Sluice;
import io.sluice.Watermarks;
import io.sluice.Windows;
import io.sluice.journal.JournalStorage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How fast a journal replays, and how long a restart takes to be ready. One-shot measurements, so not JMH:
 * each is repeated and the median printed beside the spread.
 *
 * <ol>
 *   <li>A journaled run of N events (1 shard, 1 s tumbling, 10 000 keys), ended with close().</li>
 *   <li>Raw read: {@link JournalReplay#read} over the whole input journal (decode and checksum).</li>
 *   <li>Full replay: start() on the directory with no checkpoint, which replays every record through the
 *       sequencer and the shard, suppressing outputs already journaled.</li>
 *   <li>Restart to ready: the same run checkpointed just before close(), so start() restores the state and
 *       replays only the tail.</li>
 * </ol>
 *
 * Run: {@code java @bench/target/jvm.options -Xmx2g -cp bench/target/benchmarks.jar io.sluice.bench.ReplaySpeedReport [events [repeats [ringSize]]]}.
 */
public final class ReplaySpeedReport
{
    private static final int KEYS = 10_000;
    private static final int DEFAULT_REPEATS = 3;
    /** The engine's default for a journaled engine. */
    private static final int DEFAULT_RING_SIZE = Sluice.Builder.DEFAULT_RING_SIZE_JOURNALED;

    private ReplaySpeedReport()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int events = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
        final int repeats = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_REPEATS;
        final int ringSize = args.length > 2 ? Integer.parseInt(args[2]) : DEFAULT_RING_SIZE;
        final Speeds speeds = measure(events, repeats, ringSize);
        System.out.printf("journaled run: %,d events in %.2f s = %.2f M events/s (publish to close, 1 shard)%n",
            events, speeds.recordNs() / 1e9, events * 1e3 / speeds.recordNs());
        System.out.printf("raw read:          %,d records, median %.2f M records/s   (runs: %s)%n", speeds.records(),
            speeds.readRate(), rates(speeds.records(), speeds.read()));
        System.out.printf("full replay:       %,d records, median %.2f M records/s   (runs: %s)%n", speeds.records(),
            speeds.replayRate(), rates(speeds.records(), speeds.replay()));
        System.out.printf("restart to ready:  checkpoint + %,d-record tail, median %.0f ms   (runs: %s ms)%n", speeds.tail(),
            speeds.readyMs(), millis(speeds.ready()));
    }

    /**
     * What one measurement found: the journaled run's time, and per repeat the nanoseconds of a raw read, a full
     * replay and a restart to ready.
     *
     * @param tail the records a restart from the checkpoint replayed.
     */
    public record Speeds(long recordNs, long records, long[] read, long[] replay, long[] ready, long tail)
    {
        /** Median raw read, M records/s. */
        public double readRate()
        {
            return records * 1e3 / median(read);
        }

        /** Median full replay, M records/s. */
        public double replayRate()
        {
            return records * 1e3 / median(replay);
        }

        /** Median restart to ready, ms. */
        public double readyMs()
        {
            return median(ready) / 1e6;
        }
    }

    /** {@link #measure(int, int, int)} with the ring a journaled engine gets by default. */
    public static Speeds measure(final int events, final int repeats) throws IOException
    {
        return measure(events, repeats, DEFAULT_RING_SIZE);
    }

    /** Journals {@code events} twice (one with a checkpoint at the end), then reads, replays and restarts each {@code repeats} times. */
    public static Speeds measure(final int events, final int repeats, final int ringSize) throws IOException
    {
        final Path root = Files.createTempDirectory("sluice-replay-report");
        try
        {
            final Path plain = root.resolve("plain");
            final Path checkpointed = root.resolve("checkpointed");
            final long recordNs = record(plain, events, false, ringSize);
            record(checkpointed, events, true, ringSize);

            final long[] read = new long[repeats];
            final long[] replay = new long[repeats];
            final long[] ready = new long[repeats];
            long records = 0;
            long tail = 0;
            for (int r = 0; r < repeats; r++)
            {
                final long readStart = System.nanoTime();
                try (JournalReplay journal = JournalReplay.of(JournalStorage.readInputJournal(plain)))
                {
                    records = journal.read(JournalRange.all(), record -> { });
                }
                read[r] = System.nanoTime() - readStart;

                final long replayStart = System.nanoTime();
                try (Sluice restarted = engine(plain, ringSize).start())
                {
                    replay[r] = System.nanoTime() - replayStart;
                }

                final long readyStart = System.nanoTime();
                try (Sluice restarted = engine(checkpointed, ringSize).start())
                {
                    ready[r] = System.nanoTime() - readyStart;
                    tail = restarted.recoveredRecords();
                }
            }
            return new Speeds(recordNs, records, read, replay, ready, tail);
        }
        finally
        {
            TempFiles.deleteRecursively(root);
        }
    }

    private static long record(final Path directory, final int events, final boolean checkpointAtEnd, final int ringSize)
    {
        final SplittableRandom random = new SplittableRandom(3);
        final long start = System.nanoTime();
        try (Sluice sluice = engine(directory, ringSize).start())
        {
            final int pipeline = sluice.pipelineId("clicks");
            for (int i = 0; i < events; i++)
            {
                sluice.publish(pipeline, 0, i / 100 - random.nextLong(100), random.nextInt(KEYS), random.nextInt(1000), i + 1);
            }
            if (checkpointAtEnd)
            {
                sluice.checkpoint();
            }
        }
        return System.nanoTime() - start;
    }

    private static Sluice.Builder engine(final Path directory, final int ringSize)
    {
        return Sluice.builder()
            .shards(1)
            .ringSize(ringSize)
            .expectedKeysPerShard(KEYS)
            .storage(JournalStorage.open(directory))
            .checkpointInterval(Duration.ZERO)
            .pipeline("clicks", p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(100)))
                .window(Windows.tumbling(Duration.ofSeconds(1))));
    }

    static double median(final long[] values)
    {
        final long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String rates(final long count, final long[] nanos)
    {
        final StringBuilder text = new StringBuilder();
        for (final long n : nanos)
        {
            text.append(text.length() == 0 ? "" : ", ").append(String.format("%.2f", count * 1e3 / n));
        }
        return text.toString();
    }

    private static String millis(final long[] nanos)
    {
        final StringBuilder text = new StringBuilder();
        for (final long n : nanos)
        {
            text.append(text.length() == 0 ? "" : ", ").append(String.format("%.0f", n / 1e6));
        }
        return text.toString();
    }
}
