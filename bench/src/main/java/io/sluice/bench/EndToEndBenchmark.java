package io.sluice.bench;

import io.sluice.Sluice;
import io.sluice.ThreadingMode;
import io.sluice.WaitStrategy;
import io.sluice.Watermarks;
import io.sluice.Windows;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import io.sluice.journal.JournalStorage;
import io.sluice.storage.Durability;
import net.openhft.chronicle.queue.RollCycles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publish → result through the whole in-memory engine, one publisher thread.
 *
 * <pre>
 *   JMH thread ──publish──► ingress ring ──► sequencer ──► shard(s) ──► result listener (counts)
 *                                          (journal)      (output journal)     with storage=journal
 * </pre>
 *
 * Throughput is the publisher's rate once the ring is full, so it is bounded by the slowest stage:
 * backpressure makes the measured rate the engine's sustainable rate. Each trial also prints the CPU time
 * each thread spent per event over the measured iterations ({@link ThreadCpuPerEvent}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_EXPORTS_MISC, BenchFlags.ADD_EXPORTS_NIO, BenchFlags.HEAP, BenchFlags.NO_BOUNDS_CHECKS,
    BenchFlags.ADD_EXPORTS_REF, BenchFlags.ADD_EXPORTS_UNSAFE, BenchFlags.ADD_OPENS_LANG, BenchFlags.ADD_OPENS_REFLECT,
    BenchFlags.ADD_OPENS_IO, BenchFlags.ADD_OPENS_UTIL, BenchFlags.ADD_OPENS_ZIP, BenchFlags.NO_ANALYTICS})
@State(Scope.Benchmark)
public class EndToEndBenchmark
{
    static final int EVENTS = 1 << 20;

    @Param({"1", "2"})
    public int shards;

    @Param({"BACKOFF"})
    public String waitStrategy;

    /** Distinct keys, drawn uniformly: at 10 000 a shard's window table outgrows L2, at 1 000 it does not. */
    @Param({"10000"})
    public int keyCount;

    /**
     * Slots in the ingress ring: what a publisher can run ahead of the engine, and what the ring costs in
     * cache. 0: the engine's default, which depends on the storage ({@link Sluice.Builder#ringSize(int)}).
     */
    @Param({"0"})
    public int ringSize;

    /**
     * default: the engine's choice for this machine's cores ({@link ThreadingMode#forCores}); DEDICATED: sequencer and
     * each shard on a thread of their own; SHARED: all on one. The CPU line printed per trial names the threads.
     */
    @Param({"default"})
    public String threadingMode;

    /**
     * memory: no storage; journal: every input and output journaled to Chronicle Queue in a temp directory;
     * journal-sync: the same with {@link Durability#SYNC} (the input journal flushed to disk per batch).
     */
    @Param({"memory", "journal", "journal-sync"})
    public String storage;

    private Path journalDirectory;
    private final AtomicLong results = new AtomicLong();
    private long[] times;
    private long[] keys;
    private Sluice sluice;
    private int pipelineId;
    private int cursor;
    private long timeShiftMs;
    private long published;
    private long publishedAtIterationStart = -1;
    private final ThreadCpuPerEvent cpu = new ThreadCpuPerEvent();

    @Setup(Level.Trial)
    public void setUp()
    {
        final SplittableRandom random = new SplittableRandom(11);
        times = new long[EVENTS];
        keys = new long[EVENTS];
        for (int i = 0; i < EVENTS; i++)
        {
            times[i] = i / 100 - random.nextLong(100);
            keys[i] = random.nextInt(keyCount);
        }
        final Sluice.Builder builder = Sluice.builder();
        if (storage.startsWith("journal"))
        {
            try
            {
                journalDirectory = Files.createTempDirectory("sluice-bench-journal");
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException(e);
            }
            builder.storage(JournalStorage.open(journalDirectory, RollCycles.FAST_DAILY,
                "journal-sync".equals(storage) ? Durability.SYNC : Durability.DEFAULT));
        }
        if (ringSize != 0)
        {
            builder.ringSize(ringSize);
        }
        if (!"default".equals(threadingMode))
        {
            builder.threadingMode(ThreadingMode.valueOf(threadingMode));
        }
        sluice = builder
            .shards(shards)
            .waitStrategy(WaitStrategy.valueOf(waitStrategy))
            .expectedKeysPerShard(keyCount)
            .pipeline("bench", p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(100)))
                .window(Windows.tumbling(Duration.ofSeconds(1)))
                .onResult(r -> results.lazySet(results.get() + r.count())))
            .start();
        pipelineId = sluice.pipelineId("bench");
    }

    @Setup(Level.Iteration)
    public void startIteration(final IterationParams iteration)
    {
        if (iteration.getType() == IterationType.MEASUREMENT)
        {
            publishedAtIterationStart = published;
            cpu.start(Thread.currentThread());
        }
    }

    @TearDown(Level.Iteration)
    public void endIteration()
    {
        if (publishedAtIterationStart >= 0)
        {
            cpu.stop(published - publishedAtIterationStart);
            publishedAtIterationStart = -1;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        System.out.println(cpu.report());
        sluice.close();
        if (journalDirectory != null)
        {
            TempFiles.deleteRecursively(journalDirectory);
        }
    }

    @Benchmark
    @OperationsPerInvocation(1024)
    public void publish()
    {
        final Sluice sluice = this.sluice;
        for (int n = 0; n < 1024; n++)
        {
            final int i = cursor;
            sluice.publish(pipelineId, 0, times[i] + timeShiftMs, keys[i], i);
            if (++cursor == EVENTS)
            {
                cursor = 0;
                timeShiftMs += EVENTS / 100 + 200;
            }
        }
        published += 1024;
    }
}
