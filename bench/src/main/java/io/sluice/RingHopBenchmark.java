package io.sluice;

import com.lmax.disruptor.InsufficientCapacityException;
import io.sluice.bench.BenchFlags;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One ring hop: the engine's ingress ring (Disruptor, multi-producer) with one consumer stage polling it
 * as the sequencer does ({@link RingPoller}, batches of up to 512), the slots filled as {@code publish}
 * fills them and read as a stage reads them. Nothing else runs: this is the floor under every figure that
 * crosses a ring.
 *
 * <pre>
 *   JMH thread ──claim, fill, publish──► ring (2^16 slots) ──poll batch──► consumer thread (sums values)
 * </pre>
 *
 * Lives in package {@code io.sluice} to reach the engine's package-private ring types.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.HEAP, BenchFlags.ADD_EXPORTS_MISC, BenchFlags.NO_BOUNDS_CHECKS})
@State(Scope.Benchmark)
public class RingHopBenchmark
{
    private static final int RING_SIZE = 1 << 16;
    private static final int BATCH_LIMIT = 512;

    private IngressRing ring;
    private Thread consumer;
    private volatile boolean running;
    private volatile long consumedSum;

    @Setup(Level.Trial)
    public void setUp()
    {
        ring = new IngressRing(RING_SIZE, 1);
        final RingPoller poller = new RingPoller(ring, null, BATCH_LIMIT);
        ring.addGatingSequences(poller.sequence());
        running = true;
        consumer = new Thread(() ->
        {
            final long[] sum = {0};
            final RingPoller.SlotHandler handler = slot -> sum[0] += slot.value();
            while (running)
            {
                if (poller.poll(handler) == 0)
                {
                    Thread.onSpinWait();
                }
                consumedSum = sum[0];
            }
        }, "ring-hop-consumer");
        consumer.setDaemon(true);
        consumer.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException
    {
        running = false;
        consumer.join();
    }

    @Benchmark
    @OperationsPerInvocation(1024)
    public long publish()
    {
        final IngressRing ring = this.ring;
        long sequence = 0;
        for (int n = 0; n < 1024; n++)
        {
            sequence = claim(ring);
            IngressSlot.writeEvent(ring, sequence, 0, 0, n, n, null, n, Sluice.NO_POSITION);
            ring.publish(sequence);
        }
        return sequence;
    }

    /** Claims a slot as {@code Sluice.publish} does when the ring is full: spin, then yield (Disruptor's next() parks 50 µs). */
    private static long claim(final IngressRing ring)
    {
        int attempts = 0;
        while (true)
        {
            try
            {
                return ring.tryNext();
            }
            catch (final InsufficientCapacityException full)
            {
                if (++attempts < 100)
                {
                    Thread.onSpinWait();
                }
                else
                {
                    Thread.yield();
                }
            }
        }
    }
}
