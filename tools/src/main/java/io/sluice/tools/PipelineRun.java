package io.sluice.tools;

import io.sluice.Aggregate;
import io.sluice.Aggregates;
import io.sluice.Sluice;
import io.sluice.WatermarkSpec;
import io.sluice.Watermarks;
import io.sluice.journal.InputRetention;
import io.sluice.journal.JournalStorage;
import io.sluice.storage.Durability;
import io.sluice.tools.config.SluiceConfig;
import io.sluice.tools.config.SluiceConfig.SourceType;
import io.sluice.tools.io.DeadLetters;
import io.sluice.tools.io.EventSource;
import io.sluice.tools.io.GeneratorEventSource;
import io.sluice.tools.io.InputEvent;
import io.sluice.tools.io.LineEventSource;
import io.sluice.tools.sink.JournalFeed;
import io.sluice.tools.sink.ListenerFeed;
import io.sluice.tools.sink.SinkState;
import io.sluice.tools.server.RunControl;
import io.sluice.tools.sink.Sinks;
import net.openhft.chronicle.queue.RollCycles;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * One {@code sluice run}: the configured source read into an engine with one pipeline per window, and the
 * outputs written to the sinks. With a journal, the sinks are fed from the output journals (exactly-once
 * across crashes) and a re-run of the same config resumes where the last one stopped; without, straight from
 * the listeners.
 */
final class PipelineRun implements RunControl
{
    private final SluiceConfig config;
    private final PrintStream out;
    private final PrintWriter err;
    private final InputStream stdin;
    private volatile boolean stopRequested;
    private volatile boolean paused;
    private final java.util.function.LongConsumer latencySampler;
    private volatile State state = State.STARTING;
    private volatile Sluice engine;
    private volatile DeadLetters deadLetters;
    private final long startedAtMs = System.currentTimeMillis();
    private final List<String> windowNames;
    // Written by the reading thread per event and read by monitors without synchronisation: a moment old at worst.
    private long eventsRead;
    private boolean stopped;

    /** What a finished run did, for the summary line. */
    record Summary(long events, long results, long late, long deadLetters, long nanos, boolean stopped)
    {
    }

    PipelineRun(final SluiceConfig config, final PrintStream out, final PrintWriter err, final InputStream stdin)
    {
        this(config, out, err, stdin, null);
    }

    /** @param latencySampler receives sampled processing latencies (metrics), or null. */
    PipelineRun(
        final SluiceConfig config, final PrintStream out, final PrintWriter err, final InputStream stdin,
        final java.util.function.LongConsumer latencySampler)
    {
        this.latencySampler = latencySampler;
        this.config = config;
        this.out = out;
        this.err = err;
        this.stdin = stdin;
        this.windowNames = config.windows().stream().map(SluiceConfig.Window::name).toList();
    }

    public String appName()
    {
        return config.appName();
    }

    public List<String> windows()
    {
        return windowNames;
    }

    public State state()
    {
        return state;
    }

    public Sluice engine()
    {
        return engine;
    }

    public long eventsRead()
    {
        return eventsRead;
    }

    public long deadLetters()
    {
        final DeadLetters letters = deadLetters;
        return letters == null ? 0 : letters.count();
    }

    public long startedAtMs()
    {
        return startedAtMs;
    }

    public boolean journaled()
    {
        return config.journal() != null;
    }

    public boolean pause()
    {
        if (state != State.RUNNING && state != State.PAUSED)
        {
            return false;
        }
        paused = true;
        state = State.PAUSED;
        return true;
    }

    public boolean resume()
    {
        if (state != State.RUNNING && state != State.PAUSED)
        {
            return false;
        }
        paused = false;
        state = State.RUNNING;
        return true;
    }

    /** Asks a running run to stop after the event in hand (Ctrl-C): the input is not ended, a re-run resumes. */
    void requestStop()
    {
        stopRequested = true;
    }

    boolean stopRequested()
    {
        return stopRequested;
    }

    /** Feeds an engine and says how many events it published. */
    @FunctionalInterface
    interface Feeder
    {
        long feed(Sluice engine) throws Exception;
    }

    /** Reads the configured source into the engine, resuming where the journal says. */
    Summary run() throws Exception
    {
        return runWith(this::feedFromSource);
    }

    /** Runs the engine and sinks around another feeder (e.g. a journal replay). */
    Summary runWith(final Feeder feeder) throws Exception
    {
        final long startNs = System.nanoTime();
        final boolean journaled = config.journal() != null;
        final SinkState sinkState = journaled ?
            SinkState.load(config.journal().dir().resolve("sinks").resolve("sink.state"), config.parallelism()) : null;
        final Map<Path, Long> committed = journaled ? sinkState.lengths() : Collections.emptyMap();
        final long events;
        try (Sinks sinks = new Sinks(config, committed, out);
             DeadLetters deadLetters = config.deadLetter() != null ? DeadLetters.toFile(config.deadLetter()) : DeadLetters.toStderr(err))
        {
            this.deadLetters = deadLetters;
            final ListenerFeed listenerFeed = journaled ? null : new ListenerFeed(sinks);
            final Sluice sluice = engine(listenerFeed).start();
            engine = sluice;
            JournalFeed journalFeed = null;
            boolean fed = false;
            try
            {
                if (journaled)
                {
                    journalFeed = new JournalFeed(config.journal().dir(), config.parallelism(), sinks, sinkState, sluice::shardProgress).start();
                }
                state = paused ? State.PAUSED : State.RUNNING;
                events = feeder.feed(sluice);
                fed = true;
            }
            catch (final Exception | Error e)
            {
                state = State.FAILED;
                throw e;
            }
            finally
            {
                if (stopped || !fed)
                {
                    sluice.stop(); // Ctrl-C or a failure: keep the run open, a re-run resumes it
                }
                else
                {
                    sluice.close();
                }
                if (journalFeed != null)
                {
                    journalFeed.finish();
                    journalFeed.close();
                }
                if (listenerFeed != null)
                {
                    listenerFeed.finish();
                }
            }
            state = stopped ? State.STOPPED : State.FINISHED;
            return new Summary(events, sinks.results(), sinks.lateEvents(), deadLetters.count(), System.nanoTime() - startNs, stopped);
        }
    }

    private long feedFromSource(final Sluice sluice) throws Exception
    {
        final List<String> pipelines = sluice.pipelines();
        final long[] resumeAfter = new long[pipelines.size()];
        long resumeFrom = Long.MAX_VALUE;
        for (int p = 0; p < resumeAfter.length; p++)
        {
            resumeAfter[p] = sluice.resumePosition(pipelines.get(p));
            resumeFrom = Math.min(resumeFrom, resumeAfter[p]);
        }
        long events = 0;
        try (EventSource source = source(resumeFrom, deadLetters))
        {
            final InputEvent event = new InputEvent();
            while (!stopRequested && source.next(event))
            {
                while (paused && !stopRequested)
                {
                    LockSupport.parkNanos(1_000_000L); // paused over HTTP: hold this event until resumed
                }
                for (int p = 0; p < resumeAfter.length; p++)
                {
                    // After a crash between two pipelines' publishes, only the ones that missed the event get it.
                    if (event.endPosition > resumeAfter[p])
                    {
                        sluice.publish(p, event.partition, event.eventTimeMs, event.key(), event.value, event.endPosition);
                    }
                }
                events++;
                eventsRead = events;
            }
            stopped = stopRequested;
        }
        return events;
    }

    private Sluice.Builder engine(final ListenerFeed listenerFeed)
    {
        final Sluice.Builder builder = Sluice.builder()
            .shards(config.parallelism())
            .checkpointInterval(Duration.ofMillis(config.checkpointIntervalMs()))
            .latencySampler(latencySampler);
        if (config.queueSize() != SluiceConfig.ENGINE_DEFAULT_QUEUE_SIZE)
        {
            builder.ringSize(config.queueSize());
        }
        if (config.journal() != null)
        {
            final SluiceConfig.Journal journal = config.journal();
            builder.storage(JournalStorage.open(journal.dir(), RollCycles.FAST_DAILY,
                journal.durability().equals("sync") ? Durability.SYNC : Durability.DEFAULT,
                journal.retention().equals("since_oldest_checkpoint") ? InputRetention.SINCE_OLDEST_CHECKPOINT : InputRetention.KEEP_ALL));
        }
        final Aggregate[] aggregates = aggregates();
        for (final SluiceConfig.Window window : config.windows())
        {
            builder.pipeline(window.name(), p ->
            {
                p.watermarks(watermarks())
                    .window(window.spec())
                    .aggregate(aggregates)
                    .allowedLateness(Duration.ofMillis(window.allowedLatenessMs()));
                if (listenerFeed != null)
                {
                    p.onResult(listenerFeed::onResult).onLate(listenerFeed::onLate);
                }
            });
        }
        return builder;
    }

    private WatermarkSpec watermarks()
    {
        final WatermarkSpec bounded = Watermarks.boundedOutOfOrderness(Duration.ofMillis(config.outOfOrdernessMs()));
        return config.idleTimeoutMs() > 0 ? bounded.withIdleness(Duration.ofMillis(config.idleTimeoutMs())) : bounded;
    }

    private Aggregate[] aggregates()
    {
        final Aggregate[] aggregates = new Aggregate[config.aggregates().size()];
        for (int i = 0; i < aggregates.length; i++)
        {
            switch (config.aggregates().get(i))
            {
                case "count" -> aggregates[i] = Aggregates.count();
                case "sum" -> aggregates[i] = Aggregates.sum();
                case "min" -> aggregates[i] = Aggregates.min();
                default -> aggregates[i] = Aggregates.max();
            }
        }
        return aggregates;
    }

    private EventSource source(final long resumeFrom, final DeadLetters deadLetters)
    {
        final SluiceConfig.Source source = config.source();
        if (source.type() == SourceType.GENERATOR)
        {
            return new GeneratorEventSource(source, Math.max(0, resumeFrom));
        }
        if (source.type() == SourceType.STDIN)
        {
            return LineEventSource.openStdin(stdin, source.format(), deadLetters);
        }
        return LineEventSource.openFile(source.path(), source.format(), resumeFrom, deadLetters);
    }
}
