package io.sluice.journal;

import io.sluice.Aggregates;
import io.sluice.Sluice;
import io.sluice.ThreadingMode;
import io.sluice.Watermarks;
import io.sluice.Windows;
import io.sluice.state.KeyDictionary;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * The process the crash test kills: a journaled engine fed by a deterministic "file-like" source whose
 * position is the event number. On every start it asks the engine where to resume, so a restarted run
 * neither re-reads nor skips input. Prints READY once recovered and DONE after close().
 *
 * <p>Arguments: directory, total events, shards, events per pause (0 for no pacing), checkpoint interval in
 * ms (0: none), and optionally a {@link ThreadingMode} (else the engine's default). Events go round-robin to a
 * tumbling, a sliding and a session pipeline.
 */
public final class CrashChild
{
    private CrashChild()
    {
    }

    public static void main(final String[] args)
    {
        final Path directory = Path.of(args[0]);
        final long total = Long.parseLong(args[1]);
        final int shards = Integer.parseInt(args[2]);
        final int eventsPerPause = Integer.parseInt(args[3]);
        final long checkpointIntervalMs = Long.parseLong(args[4]);
        final Sluice.Builder builder = Sluice.builder();
        if (args.length > 5)
        {
            builder.threadingMode(ThreadingMode.valueOf(args[5]));
        }
        try (Sluice sluice = engine(builder, directory, shards, checkpointIntervalMs))
        {
            // Events go round-robin to three pipelines; the source resumes after the last one any of them journaled.
            long resume = Sluice.NO_POSITION;
            for (final String pipeline : sluice.pipelines())
            {
                resume = Math.max(resume, sluice.resumePosition(pipeline, 0));
            }
            final long first = resume == Sluice.NO_POSITION ? 0 : resume;
            System.out.println("READY checkpoint=" + sluice.restoredCheckpointId() + " recovered=" + sluice.recoveredRecords() +
                " resume=" + first + " threads=" + sluice.threadingMode() +
                (sluice.recoveryWarnings().isEmpty() ? "" : " warnings=" + sluice.recoveryWarnings()));
            System.out.flush();
            final StringBuilder textKey = new StringBuilder();
            for (long i = first; i < total; i++)
            {
                final long h = KeyDictionary.mix(i + 1);
                final long eventTime = i / 20 - Math.floorMod(h, 120);
                final long value = Math.floorMod(h >>> 20, 1000) - 100;
                if ((h & 7) == 0)
                {
                    textKey.setLength(0);
                    textKey.append("user-é-").append(Math.floorMod(h >>> 8, 300));
                    sluice.publish((int)(i % 3), 0, eventTime, textKey, value, i + 1);
                }
                else
                {
                    sluice.publish((int)(i % 3), 0, eventTime, Math.floorMod(h >>> 8, 2_000), value, i + 1);
                }
                if (eventsPerPause > 0 && i % eventsPerPause == 0)
                {
                    LockSupport.parkNanos(1_000_000);
                }
            }
        }
        System.out.println("DONE");
    }

    static String[] arguments(
        final Path directory, final long events, final int shards, final int eventsPerPause, final long checkpointIntervalMs)
    {
        return new String[] {directory.toString(), Long.toString(events), Integer.toString(shards),
            Integer.toString(eventsPerPause), Long.toString(checkpointIntervalMs)};
    }

    static String[] arguments(
        final Path directory, final long events, final int shards, final int eventsPerPause, final long checkpointIntervalMs,
        final ThreadingMode threading)
    {
        final String[] common = arguments(directory, events, shards, eventsPerPause, checkpointIntervalMs);
        final String[] all = Arrays.copyOf(common, common.length + 1);
        all[common.length] = threading.name();
        return all;
    }

    static Sluice engine(final Sluice.Builder builder, final Path directory, final int shards, final long checkpointIntervalMs)
    {
        return withPipelines(builder, Duration.ofMillis(500))
            .shards(shards)
            .ringSize(1 << 12)
            .storage(JournalStorage.open(directory))
            .checkpointInterval(Duration.ofMillis(checkpointIntervalMs))
            .start();
    }

    /** A tumbling, a sliding and a session pipeline, each with allowed lateness; shared with CheckpointRecoveryTest. */
    static Sluice.Builder withPipelines(final Sluice.Builder builder, final Duration tumblingSize)
    {
        return builder
            .pipeline("clicks", p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(50)))
                .window(Windows.tumbling(tumblingSize))
                .aggregate(Aggregates.count(), Aggregates.sum(), Aggregates.min(), Aggregates.max())
                .allowedLateness(Duration.ofMillis(30)))
            .pipeline("sliding", p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(50)))
                .window(Windows.sliding(Duration.ofMillis(400), Duration.ofMillis(100)))
                .aggregate(Aggregates.count(), Aggregates.max())
                .allowedLateness(Duration.ofMillis(20)))
            .pipeline("sessions", p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(50)))
                .window(Windows.session(Duration.ofMillis(40)))
                .aggregate(Aggregates.count(), Aggregates.sum())
                .allowedLateness(Duration.ofMillis(20)));
    }
}
