package io.sluice.tools.server;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.sluice.CheckpointInfo;
import io.sluice.Sluice;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.function.Consumer;

/**
 * The run's Prometheus metrics, read from the engine at scrape time (no per-event bookkeeping here), in base
 * units with {@code _total} on counters, plus the JVM's. The one metric observed as it happens is the
 * processing-latency histogram, fed with a sample of events by the engine ({@code Sluice.Builder.latencySampler}).
 */
public final class Metrics
{
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Histogram processing;
    private final RunControl run;

    public Metrics(final RunControl run)
    {
        this.run = run;
        processing = Histogram.builder().name("stream_processing_duration_seconds")
            .help("Time from the sequencer stamping an event to its shard having windowed it, for one event in 1024")
            .classicOnly().classicExponentialUpperBounds(1e-6, 4, 12).register(registry);

        perPipelineCounter("stream_events_processed", "Events the engine took in, per pipeline (window)", Sluice::eventsStamped);
        perPipelineCounter("stream_results", "Window results emitted, per pipeline", Sluice::resultCount);
        perPipelineCounter("stream_late_events", "Events too late for every window they belong to, per pipeline", Sluice::lateCount);
        perPipelineGauge("stream_active_windows", "Live (key, window) state entries (slices for sliding, sessions for session windows)",
            Sluice::activeWindows);
        perPipelineGauge("stream_pending_timers", "Event-time timers pending", Sluice::pendingTimers);
        CounterWithCallback.builder().name("stream_input_events").help("Input events read from the source, malformed lines excluded")
            .callback(callback -> callback.call(run.eventsRead())).register(registry);
        CounterWithCallback.builder().name("stream_dead_letters").help("Malformed input lines sent to the dead-letter file")
            .callback(callback -> callback.call(run.deadLetters())).register(registry);
        GaugeWithCallback.builder().name("stream_watermark_lag_seconds")
            .help("Wall clock minus the partition's watermark, per pipeline and source partition").labelNames("pipeline", "partition", "idle")
            .callback(callback -> withEngine(engine ->
            {
                final long now = System.currentTimeMillis();
                for (final String window : run.windows())
                {
                    engine.forEachPartition(window, (partition, maxTime, watermark, idle) ->
                    {
                        if (watermark != Long.MIN_VALUE)
                        {
                            callback.call((now - watermark) / 1e3, window, Integer.toString(partition), Boolean.toString(idle));
                        }
                    });
                }
            })).register(registry);
        engineGauge("stream_ring_backlog_events", "Events accepted but not yet processed by every shard (full = backpressure)",
            engine -> (double)engine.ringBacklog());
        engineGauge("stream_ring_capacity_events", "Ring size: the backlog at which publishing blocks", engine -> (double)engine.ringSize());
        engineGauge("stream_journal_index", "Input journal index of the last input journaled (-1 without a journal)",
            engine -> (double)engine.journalIndex());
        CounterWithCallback.builder().name("stream_checkpoints").help("Checkpoints made durable in this run")
            .callback(callback -> withEngine(engine -> callback.call(engine.checkpointCount()))).register(registry);
        lastCheckpointGauge("stream_checkpoint_duration_seconds", "Duration of the last checkpoint, barrier to durable",
            info -> info.durationNs() / 1e9);
        lastCheckpointGauge("stream_checkpoint_size_bytes", "Size on disk of the last checkpoint", info -> (double)info.bytes());
        lastCheckpointGauge("stream_checkpoint_stall_seconds", "Longest time a shard stopped to copy its state for the last checkpoint",
            info -> info.maxStallNs() / 1e9);
        registerJvm();
    }

    /** Called on shard threads by the engine's latency sampler. */
    public void observeProcessingNanos(final long nanos)
    {
        processing.observe(nanos / 1e9);
    }

    public String contentType()
    {
        return writer.getContentType();
    }

    public void write(final OutputStream out) throws IOException
    {
        writer.write(out, registry.scrape());
    }

    private interface EngineValue
    {
        double of(Sluice engine);
    }

    private interface PipelineValue
    {
        long of(Sluice engine, String pipeline);
    }

    private void withEngine(final Consumer<Sluice> action)
    {
        final Sluice engine = run.engine();
        if (engine != null)
        {
            action.accept(engine);
        }
    }

    private void perPipelineCounter(final String name, final String help, final PipelineValue value)
    {
        CounterWithCallback.builder().name(name).help(help).labelNames("pipeline")
            .callback(callback -> withEngine(engine ->
            {
                for (final String window : run.windows())
                {
                    callback.call(value.of(engine, window), window);
                }
            })).register(registry);
    }

    private void perPipelineGauge(final String name, final String help, final PipelineValue value)
    {
        GaugeWithCallback.builder().name(name).help(help).labelNames("pipeline")
            .callback(callback -> withEngine(engine ->
            {
                for (final String window : run.windows())
                {
                    callback.call(value.of(engine, window), window);
                }
            })).register(registry);
    }

    private void engineGauge(final String name, final String help, final EngineValue value)
    {
        GaugeWithCallback.builder().name(name).help(help)
            .callback(callback -> withEngine(engine -> callback.call(value.of(engine)))).register(registry);
    }

    private void lastCheckpointGauge(final String name, final String help, final java.util.function.ToDoubleFunction<CheckpointInfo> value)
    {
        GaugeWithCallback.builder().name(name).help(help).callback(callback -> withEngine(engine ->
        {
            final CheckpointInfo last = engine.lastCheckpoint();
            if (last != null)
            {
                callback.call(value.applyAsDouble(last));
            }
        })).register(registry);
    }

    /** The JVM's own: memory by area, direct and mapped buffers (where Sluice's state and journal live), GC, threads. */
    private void registerJvm()
    {
        GaugeWithCallback.builder().name("jvm_memory_used_bytes").help("Used memory by area").labelNames("area")
            .callback(callback ->
            {
                final MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                final MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
                callback.call(heap.getUsed(), "heap");
                callback.call(nonHeap.getUsed(), "nonheap");
            }).register(registry);
        GaugeWithCallback.builder().name("jvm_buffer_pool_used_bytes").help("Direct and mapped buffers: off-heap state and journal files")
            .labelNames("pool").callback(callback ->
            {
                for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
                {
                    callback.call(pool.getMemoryUsed(), pool.getName());
                }
            }).register(registry);
        CounterWithCallback.builder().name("jvm_gc_collection_seconds").help("Time spent in garbage collection, per collector")
            .labelNames("gc").callback(callback ->
            {
                for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
                {
                    callback.call(Math.max(0, gc.getCollectionTime()) / 1e3, gc.getName());
                }
            }).register(registry);
        GaugeWithCallback.builder().name("jvm_threads_current").help("Live threads")
            .callback(callback -> callback.call(ManagementFactory.getThreadMXBean().getThreadCount())).register(registry);
        GaugeWithCallback.builder().name("process_uptime_seconds").help("Time since the JVM started")
            .callback(callback -> callback.call(ManagementFactory.getRuntimeMXBean().getUptime() / 1e3)).register(registry);
    }
}
