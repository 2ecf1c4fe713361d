package io.sluice.bench;

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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * The engine's tumbling operator and the bare algorithm ({@link BareTumblingKernel}) on the same events:
 * the engine's rate and the ceiling this machine sets for the algorithm, in one JMH run. JMH runs the two
 * one after the other, so on this shared machine run them several times, or take the round-by-round
 * ratio from {@link SideBySide} ({@code tumbling 10000 40 bench/target/benchmarks.jar bare}).
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar TumblingCeilingBenchmark -wi 5 -w 1 -i 10 -r 1 -f 1
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_EXPORTS_MISC, BenchFlags.ADD_EXPORTS_NIO, BenchFlags.HEAP, BenchFlags.NO_BOUNDS_CHECKS,
    BenchFlags.DIRECT_MEMORY})
@State(Scope.Thread)
public class TumblingCeilingBenchmark
{
    @Param({"10000"})
    public int keyCount;

    private OperatorLap engine;
    private BareTumblingKernel bare;

    @Setup(Level.Trial)
    public void setUp()
    {
        engine = new OperatorLap("tumbling", keyCount);
        bare = new BareTumblingKernel(keyCount);
    }

    @Benchmark
    @OperationsPerInvocation(1024)
    public void engine(final Blackhole blackhole)
    {
        engine.run(1024);
        blackhole.consume(engine.consumed());
    }

    @Benchmark
    @OperationsPerInvocation(1024)
    public void bare(final Blackhole blackhole)
    {
        bare.run(1024);
        blackhole.consume(bare.consumed());
    }
}
