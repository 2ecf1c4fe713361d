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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Window update cost per event inside one shard, no rings: the operator alone, as the shard thread
 * drives it, through {@link OperatorLap} (its events and its loop), with results going to a Blackhole.
 * 10 000 long keys by default.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_EXPORTS_MISC, BenchFlags.ADD_EXPORTS_NIO, BenchFlags.HEAP, BenchFlags.NO_BOUNDS_CHECKS,
    BenchFlags.DIRECT_MEMORY})
@State(Scope.Thread)
public class WindowUpdateBenchmark
{
    /**
     * sliding = 10 s / 1 s (10 windows per event, the engine issue's figure); sliding-100 = 100 s / 1 s.
     * Not run by default: tumbling-10s, 100 events per key and window instead of 10, which shows what the
     * life of a window (create, fire, free) costs ({@code -p window=tumbling,tumbling-10s}).
     */
    @Param({"tumbling", "sliding", "sliding-100", "session"})
    public String window;

    /** The engine issue's figure is for 10 000; 1 000 fits in cache, 100 000 and 1 000 000 do not. */
    @Param({"10000"})
    public int keyCount;

    /**
     * Events per millisecond of event time: 100 gives 10 events per key and second at 10 000 keys, so that
     * a key's firing (and, sliding, its slice's hand-over) is shared by ten events; 1000 shares it by 100.
     */
    @Param({"100"})
    public int eventsPerMs;

    private OperatorLap lap;

    @Setup(Level.Trial)
    public void setUp(final Blackhole blackhole)
    {
        lap = new OperatorLap(window, keyCount, eventsPerMs, r -> blackhole.consume(r.sum()), late -> blackhole.consume(late.value()));
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        lap.close();
    }

    @Benchmark
    @OperationsPerInvocation(1024)
    public void update()
    {
        lap.run(1024);
    }
}
