package io.sluice.bench;

import io.sluice.Aggregates;
import io.sluice.WindowSpec;
import io.sluice.Windows;
import io.sluice.state.KeyDictionary;
import io.sluice.state.StateWriter;
import io.sluice.window.AccumulatorLayout;
import io.sluice.window.KeyTags;
import io.sluice.window.Output;
import io.sluice.window.OutputSequence;
import io.sluice.window.WindowOperator;
import io.sluice.window.WindowOperators;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The checkpoint snapshot's cost on the shard thread: one window operator's state (table entries, timers,
 * firing counts) copied into the shard's state writer, which is what a shard does between two slots when the
 * checkpoint barrier reaches it. Writing the copy to disk happens on another thread and is not counted.
 *
 * <pre>
 *   operator with N keys, one open window (or slice, or session) each ──saveTo──► StateWriter (reused)
 * </pre>
 *
 * The score is the stall per snapshot; divided by the key count it is the cost per live entry.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_EXPORTS_MISC, BenchFlags.ADD_EXPORTS_NIO, BenchFlags.HEAP, BenchFlags.NO_BOUNDS_CHECKS,
    BenchFlags.DIRECT_MEMORY})
@State(Scope.Thread)
public class SnapshotBenchmark
{
    @Param({"tumbling", "sliding", "session"})
    public String window;

    @Param({"1000", "100000", "1000000"})
    public int keyCount;

    private WindowOperator operator;
    private KeyDictionary dictionary;
    private StateWriter writer;

    @Setup(Level.Trial)
    public void setUp(final Blackhole blackhole)
    {
        final WindowSpec spec = switch (window)
        {
            case "sliding" -> Windows.sliding(Duration.ofSeconds(10), Duration.ofSeconds(1));
            case "session" -> Windows.session(Duration.ofMillis(500));
            default -> Windows.tumbling(Duration.ofSeconds(1));
        };
        dictionary = new KeyDictionary(16);
        final Output output = new Output("bench", 0, 0, new OutputSequence(), dictionary,
            new AccumulatorLayout(Aggregates.standard()), r -> blackhole.consume(r.sum()), late -> blackhole.consume(late.value()),
            Throwable::printStackTrace, null);
        operator = WindowOperators.create(spec, 0, output, keyCount, 0);
        for (int key = 0; key < keyCount; key++)
        {
            operator.onElement(KeyTags.LONG, key, key % 500, key, 0, Long.MIN_VALUE);
        }
        writer = new StateWriter(1 << 20);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        operator.close();
        dictionary.close();
        writer.close();
    }

    @Benchmark
    public int snapshot()
    {
        operator.saveTo(writer.reset());
        return writer.length();
    }
}
