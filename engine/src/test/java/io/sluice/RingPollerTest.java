package io.sluice;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A stage's batch: bounded, handed on in one store, and made durable (batch end) before it is handed on. */
class RingPollerTest
{
    private final IngressRing ring = new IngressRing(16, 1);

    @Test
    void batchEndComesAfterTheBatchAndBeforeTheNextStageMaySeeIt()
    {
        publish(5);
        final RingPoller first = new RingPoller(ring, null, 3);
        final RingPoller second = new RingPoller(ring, first.sequence(), 16);
        final List<String> seen = new ArrayList<>();
        final RingPoller.SlotHandler handler = new RingPoller.SlotHandler()
        {
            public void onSlot(final IngressSlot slot)
            {
                seen.add("slot " + slot.value());
            }

            public void onBatchEnd()
            {
                seen.add("batch end, next stage sees up to " + first.sequence().get() + ", gated stage polls " + second.poll(s -> { }));
            }
        };

        assertEquals(3, first.poll(handler));
        assertEquals(List.of("slot 0", "slot 1", "slot 2", "batch end, next stage sees up to -1, gated stage polls 0"), seen);
        assertEquals(3, second.poll(s -> { }), "handed on once the batch ended");

        seen.clear();
        assertEquals(2, first.poll(handler));
        assertEquals(List.of("slot 3", "slot 4", "batch end, next stage sees up to 2, gated stage polls 0"), seen);
        assertEquals(0, first.poll(handler), "an empty poll is no batch");
        assertEquals(3, seen.size(), "no batch end without slots");
    }

    @Test
    void theFirstStageStopsAtASlotClaimedButNotYetPublished()
    {
        publish(2);
        final long gap = ring.next();
        publish(2); // claimed after the gap and published before it, as another publisher may
        final RingPoller first = new RingPoller(ring, null, 16);
        final List<Long> seen = new ArrayList<>();

        assertEquals(2, first.poll(slot -> seen.add(slot.value())));
        assertEquals(0, first.poll(slot -> seen.add(slot.value())), "nothing past the gap while it is open");

        IngressSlot.writeEvent(ring, gap, 0, 0, 0, 0, null, 99, Sluice.NO_POSITION);
        ring.publish(gap);
        assertEquals(3, first.poll(slot -> seen.add(slot.value())));
        assertEquals(List.of(0L, 1L, 99L, 0L, 1L), seen);
    }

    @Test
    void aSlotPublishedOnAnEarlierLapIsNotTakenForThisLaps()
    {
        final RingPoller first = new RingPoller(ring, null, 64);
        ring.addGatingSequences(first.sequence());
        final List<Long> seen = new ArrayList<>();
        for (int lap = 0; lap < 3; lap++)
        {
            publish(16);
            assertEquals(16, first.poll(slot -> seen.add(slot.value())), "lap " + lap);
            assertEquals(0, first.poll(slot -> seen.add(slot.value())), "every slot holds a publish of this lap or the last: none is new");
        }
        final long claimed = ring.next(); // the next lap's first slot: claimed, its flag still from the last lap
        assertEquals(0, first.poll(slot -> seen.add(slot.value())));
        ring.publish(claimed);
        assertEquals(1, first.poll(slot -> seen.add(slot.value())));
        assertEquals(49, seen.size());
    }

    private void publish(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final long sequence = ring.next();
            IngressSlot.writeEvent(ring, sequence, 0, 0, 0, 0, null, i, Sluice.NO_POSITION);
            ring.publish(sequence);
        }
    }
}
