package io.sluice.bench.latency;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;

/**
 * The machine's floor for publish → result: the same open-loop load and threads as the engine's run, with
 * the engine replaced by one ring hop to a consumer that completes each event at once.
 *
 * <pre>
 *   load thread ──publish intended time──► ring (2^16, single producer) ──► busy-spinning consumer: complete
 * </pre>
 *
 * Whatever latency this shows is the platform's (scheduling, the hypervisor, timer interrupts), not the
 * engine's: on a 2-core VM, two spinning threads lose milliseconds at a time whenever anything else runs.
 * Reported beside the engine at the same offered rates, it says how much of the engine's tail is its own.
 */
public final class RingHopFloor implements AutoCloseable
{
    private static final int RING_SIZE = 1 << 16;

    /** A slot: the intended send time of the event in it. */
    private static final class Slot
    {
        long intendedNs;
    }

    private final RingBuffer<Slot> ring;
    private final BatchEventProcessor<Slot> consumer;
    private final Thread thread;

    public RingHopFloor(final OpenLoopLoad load)
    {
        ring = RingBuffer.createSingleProducer(Slot::new, RING_SIZE, new BusySpinWaitStrategy());
        consumer = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(),
            (slot, sequence, endOfBatch) -> load.complete(slot.intendedNs));
        ring.addGatingSequences(consumer.getSequence());
        thread = new Thread(consumer, "ring-hop-floor");
        thread.start();
    }

    /** Publishes one event; blocks while the ring is full, as the engine's publish does. */
    public void send(final long intendedNs)
    {
        final long sequence = ring.next();
        ring.get(sequence).intendedNs = intendedNs;
        ring.publish(sequence);
    }

    @Override
    public void close() throws InterruptedException
    {
        // Everything sent is consumed before the halt: the last completions belong to the run.
        while (consumer.getSequence().get() < ring.getCursor())
        {
            Thread.onSpinWait();
        }
        consumer.halt();
        thread.join();
    }
}
