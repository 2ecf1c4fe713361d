package io.sluice.bench;

import io.sluice.CheckpointInfo;
import io.sluice.Sluice;
import io.sluice.Watermarks;
import io.sluice.Windows;
import io.sluice.journal.JournalStorage;
import org.HdrHistogram.Histogram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * What a checkpoint of a large state costs: its duration, its size on disk, and the stall it puts on the
 * hot path, seen as publish → result latency. One shard holds two pipelines:
 *
 * <pre>
 *   state: 1 h tumbling windows over K distinct keys (default 1 000 000), loaded first and kept live
 *   probe: 1 ms tumbling windows, watermark = last time - 1, one event per ms of event time, so each
 *          event closes the previous event's window; value = System.nanoTime() at publish
 * </pre>
 *
 * The probe is published at a steady rate for a while, once without checkpoints and once with one every
 * second, and each probe result's latency (now - the nanoTime its event carried) goes into a histogram. The
 * publisher sends the probe in 1 ms bursts, so the next event, which closes an event's window, follows at once
 * except at the end of a burst, where the latency includes the wait for the next burst (up to ~1 ms).
 *
 * <p>Run: {@code java @bench/target/jvm.options -Xmx2g -cp bench/target/benchmarks.jar io.sluice.bench.CheckpointStallReport [keys] [seconds] [rate]}.
 */
public final class CheckpointStallReport
{
    private CheckpointStallReport()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        final int rate = args.length > 2 ? Integer.parseInt(args[2]) : 50_000;
        final Path root = Files.createTempDirectory("sluice-checkpoint-report");

        final Histogram quiet = new Histogram(60_000_000_000L, 3);
        run(root.resolve("quiet"), keys, seconds, rate, quiet, false);
        final Histogram checkpointing = new Histogram(60_000_000_000L, 3);
        final List<CheckpointInfo> taken = run(root.resolve("checkpointing"), keys, seconds, rate, checkpointing, true);

        System.out.printf("state: %,d keys in 1 h tumbling windows, 1 shard; probe at %,d events/s for %d s%n", keys, rate, seconds);
        System.out.println("checkpoints (id, duration ms, MB on disk, longest shard stall ms):");
        for (final CheckpointInfo info : taken)
        {
            System.out.printf("  %d  %8.1f  %8.1f  %8.2f%n", info.id(), info.durationNs() / 1e6, info.bytes() / 1e6, info.maxStallNs() / 1e6);
        }
        System.out.println("probe publish -> result latency, µs     p50      p99    p99.9   p99.99      max    count");
        print("  without checkpoints          ", quiet);
        print("  checkpoint every second      ", checkpointing);
        TempFiles.deleteRecursively(root);
    }

    private static List<CheckpointInfo> run(
        final Path directory, final int keys, final int seconds, final int rate, final Histogram latencies, final boolean checkpoints)
        throws InterruptedException
    {
        final List<CheckpointInfo> taken = new ArrayList<>();
        final AtomicBoolean probing = new AtomicBoolean();
        try (Sluice sluice = Sluice.builder()
            .shards(1)
            .ringSize(1 << 14)
            .expectedKeysPerShard(keys)
            .storage(JournalStorage.open(directory))
            .checkpointInterval(Duration.ZERO)
            .pipeline("state", p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ZERO))
                .window(Windows.tumbling(Duration.ofHours(1))))
            .pipeline("probe", p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ZERO))
                .window(Windows.tumbling(Duration.ofMillis(1)))
                .onResult(r ->
                {
                    if (probing.get())
                    {
                        latencies.recordValue(Math.max(0, System.nanoTime() - r.max()));
                    }
                }))
            .start())
        {
            final int state = sluice.pipelineId("state");
            final int probe = sluice.pipelineId("probe");
            for (int k = 0; k < keys; k++)
            {
                sluice.publish(state, 0, 1_000, k, k);
            }
            final Thread checkpointer = new Thread(() ->
            {
                long due = System.nanoTime() + 1_000_000_000L;
                while (probing.get())
                {
                    if (System.nanoTime() >= due)
                    {
                        taken.add(sluice.checkpoint());
                        due += 1_000_000_000L;
                    }
                    LockSupport.parkNanos(10_000_000L);
                }
            }, "report-checkpointer");

            final long intervalNs = 1_000_000_000L / rate;
            final long events = (long)rate * seconds;
            long next = System.nanoTime();
            probing.set(true);
            if (checkpoints)
            {
                checkpointer.start();
            }
            // Paced in 1 ms bursts with the publisher parked between them: a publisher spinning for every event
            // would leave the sequencer and the shard two cores' worth of competition for one.
            for (long i = 0; i < events; i++)
            {
                final long now = System.nanoTime();
                if (now < next)
                {
                    LockSupport.parkNanos(Math.max(next - now, 1_000_000L));
                }
                sluice.publish(probe, 0, i, 0, System.nanoTime());
                next += intervalNs;
            }
            probing.set(false);
            if (checkpoints)
            {
                checkpointer.join();
            }
        }
        return taken;
    }

    private static void print(final String label, final Histogram histogram)
    {
        System.out.printf("%s %8.1f %8.1f %8.1f %8.1f %8.1f %8d%n", label,
            histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
            histogram.getValueAtPercentile(99.9) / 1e3, histogram.getValueAtPercentile(99.99) / 1e3,
            histogram.getMaxValue() / 1e3, histogram.getTotalCount());
    }
}
