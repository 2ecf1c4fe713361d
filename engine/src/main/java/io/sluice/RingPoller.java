package io.sluice;

import com.lmax.disruptor.Sequence;

/**
 * Polls a batch of ring slots for an agent's duty cycle, with the batch bounded before any scanning.
 * (Disruptor's {@code EventPoller} looks for the highest published slot across the whole backlog on
 * every poll, which on a full ring costs a scan of the ring per batch.)
 *
 * <ul>
 *   <li>The first stage checks each slot's availability flag, from its own sequence on, and stops at the
 *       first slot not published yet (several publishers publish their claims in any order). It never reads the
 *       ring's cursor: every claim writes that cache line, and a stage that has caught up would spin on it
 *       and so make each claim fetch the line back from the stage's core. A flag says as much: it holds
 *       the lap of the slot's last publish, so a slot of this lap not yet published never matches.</li>
 *   <li>Later stages read behind the previous stage's sequence: everything at or below it is published
 *       and processed, so no check is needed.</li>
 * </ul>
 *
 * The stage's own sequence is stored once per batch (a store-release), which both hands the slots to
 * the next stage and frees them for publishers.
 */
final class RingPoller
{
    @FunctionalInterface
    interface SlotHandler
    {
        /** @param slot a view of the slot, valid during the call only. */
        void onSlot(IngressSlot slot);

        /** After the batch's last slot, before the batch is handed on: the place to make it durable. */
        default void onBatchEnd()
        {
        }
    }

    private final IngressRing ring;
    private final IngressSlot slot;
    private final Sequence gate;
    private final Sequence sequence = new Sequence(-1);
    private final int batchLimit;

    /** @param gate the previous stage's sequence, or null for the first stage. */
    RingPoller(final IngressRing ring, final Sequence gate, final int batchLimit)
    {
        this.ring = ring;
        this.slot = ring.newSlot();
        this.gate = gate;
        this.batchLimit = batchLimit;
    }

    Sequence sequence()
    {
        return sequence;
    }

    /**
     * For a thread that fills and handles the slots itself instead of polling (recovery, before any
     * publisher exists): hands every slot through {@code sequence} on to the next stage.
     */
    void handOverThrough(final long sequence)
    {
        this.sequence.set(sequence);
    }

    /** @return the number of slots handled. */
    int poll(final SlotHandler handler)
    {
        final long current = sequence.get();
        final long limit = current + batchLimit;
        long last;
        if (gate != null)
        {
            last = Math.min(gate.get(), limit);
        }
        else
        {
            last = current;
            while (last < limit && ring.isAvailable(last + 1))
            {
                last++;
            }
        }
        if (last <= current)
        {
            return 0;
        }
        for (long s = current + 1; s <= last; s++)
        {
            handler.onSlot(slot.wrap(s));
        }
        handler.onBatchEnd();
        sequence.set(last);
        return (int)(last - current);
    }
}
