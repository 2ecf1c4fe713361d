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
