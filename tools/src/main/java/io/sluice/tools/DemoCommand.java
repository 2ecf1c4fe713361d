package io.sluice.tools;

import io.sluice.Aggregates;
import io.sluice.Sluice;
import io.sluice.Watermarks;
import io.sluice.WindowResult;
import io.sluice.Windows;
import io.sluice.tools.io.EventGenerator;
import picocli.CommandLine.Command;
import io.sluice.tools.io.EventGenerator;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code sluice demo}: a generated stream through tumbling, sliding and session pipelines of one embedded
 * engine on its defaults, a few results printed as they fire, and a one-line summary.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Run generated events through tumbling, sliding and session windows and print a summary.")
final class DemoCommand implements Callable<Integer>
{
    private static final String TUMBLING = "per_second";
    private static final String SLIDING = "rolling_10s";
    private static final String SESSION = "sessions";

    @Option(names = "--events", defaultValue = "3000000", description = "Events to generate (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--keys", defaultValue = "10000", description = "Distinct keys (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--shards", defaultValue = "1", description = "Shard threads (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--show", defaultValue = "3", description = "Results to print per pipeline (default: ${DEFAULT-VALUE}).")
    int show;

    private final PrintWriter out;

    DemoCommand(final PrintWriter out)
    {
        this.out = out;
    }

    public Integer call()
    {
        if (events < 0 || keys < 1 || shards < 1 || show < 0)
        {
            throw new IllegalArgumentException("--events must be >= 0, --keys and --shards >= 1, --show >= 0");
        }
        final AtomicInteger shownTumbling = new AtomicInteger();
        final AtomicInteger shownSliding = new AtomicInteger();
        final AtomicInteger shownSession = new AtomicInteger();
        // 100 000 events per second of event time: a 1 s window holds ~10 events per key on average.
        final EventGenerator generator = new EventGenerator(events, keys, true, 1_700_000_000_000L, 0.01, 200, 0.001, seed);

        out.printf("sluice demo: %,d events, %,d keys, %d shard(s), disorder <= 200 ms, 0.1%% late%n", events, keys, shards);
        final long startNs = System.nanoTime();
        final Sluice sluice = Sluice.builder()
            .shards(shards)
            .pipeline(TUMBLING, p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(200)))
                .window(Windows.tumbling(Duration.ofSeconds(1)))
                .aggregate(Aggregates.count(), Aggregates.sum(), Aggregates.min(), Aggregates.max())
                .allowedLateness(Duration.ofMillis(500))
                .onResult(r -> show(r, shownTumbling)))
            .pipeline(SLIDING, p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(200)))
                .window(Windows.sliding(Duration.ofSeconds(10), Duration.ofSeconds(1)))
                .onResult(r -> show(r, shownSliding)))
            .pipeline(SESSION, p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(200)))
                .window(Windows.session(Duration.ofMillis(500)))
                .onResult(r -> show(r, shownSession)))
            .start();

        final int tumbling = sluice.pipelineId(TUMBLING);
        final int sliding = sluice.pipelineId(SLIDING);
        final int session = sluice.pipelineId(SESSION);
        while (generator.next())
        {
            final long t = generator.eventTimeMs();
            final String key = generator.key();
            final long value = generator.value();
            sluice.publish(tumbling, 0, t, key, value);
            sluice.publish(sliding, 0, t, key, value);
            sluice.publish(session, 0, t, key, value);
        }
        sluice.close();
        final double seconds = (System.nanoTime() - startNs) / 1e9;

        long results = 0;
        long late = 0;
        for (final String pipeline : sluice.pipelines())
        {
            results += sluice.resultCount(pipeline);
            late += sluice.lateCount(pipeline);
            out.printf("  %-12s results=%,d late=%,d%n", pipeline, sluice.resultCount(pipeline), sluice.lateCount(pipeline));
        }
        final long windowed = generator.emitted() * sluice.pipelines().size();
        out.printf("summary: events=%,d windowed_events=%,d results=%,d late=%,d seconds=%.2f events_per_second=%,.0f%n",
            generator.emitted(), windowed, results, late, seconds, windowed / seconds);
        out.flush();
        return 0;
    }

    private void show(final WindowResult r, final AtomicInteger shown)
    {
        if (shown.get() < show && shown.incrementAndGet() <= show)
        {
            synchronized (out)
            {
                out.printf("  %-12s [%d, %d) key=%s count=%d sum=%d min=%d max=%d firing=%d%n",
                    r.pipeline(), r.windowStartMs(), r.windowEndMs(), r.key(), r.count(), r.sum(), r.min(), r.max(), r.firing());
                out.flush();
            }
        }
    }
}
