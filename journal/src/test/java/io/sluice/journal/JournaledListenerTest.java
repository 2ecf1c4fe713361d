package io.sluice.journal;

import io.sluice.Sluice;
import io.sluice.Watermarks;
import io.sluice.Windows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** onJournaled acknowledges each published event once, in order, and only once the journal shows it to readers. */
class JournaledListenerTest
{
    private static final int EVENTS = 20_000;

    /** One acknowledgement as received. */
    private record Ack(int pipelineId, int partition, long sourcePosition, long journalIndex)
    {
    }

    /** Collects acknowledgements, checking each against what a reader of the journal can see at that moment. */
    private static final class Acks
    {
        final List<Ack> received = new ArrayList<>();
        String firstUnreadable;
        JournalStorage storage;
        long readableUpTo = -1;

        void onJournaled(final int pipelineId, final int partition, final long sourcePosition, final long journalIndex)
        {
            if (journalIndex > readableUpTo)
            {
                readableUpTo = storage.inputLog().lastIndex(); // once a batch: the last record readers see now
            }
            if (journalIndex > readableUpTo && firstUnreadable == null)
            {
                firstUnreadable = "acknowledged " + journalIndex + " while readers saw up to " + readableUpTo;
            }
            received.add(new Ack(pipelineId, partition, sourcePosition, journalIndex));
        }
    }

    @Test
    void everyEventIsAcknowledgedOnceInPublishOrderAfterItsCommit(@TempDir final Path directory)
    {
        final Acks acks = new Acks();
        try (Sluice sluice = engine(directory, acks))
        {
            for (int i = 0; i < EVENTS; i++)
            {
                publish(sluice, i);
                if (i == EVENTS / 2)
                {
                    sluice.checkpoint(); // a barrier in the ring: journaled nothing, acknowledges nothing
                }
            }
        }
        assertEquals(null, acks.firstUnreadable);
        assertEquals(EVENTS, acks.received.size());
        long previousIndex = -1;
        for (int i = 0; i < EVENTS; i++)
        {
            final Ack ack = acks.received.get(i);
            assertEquals(new Ack(i % 3, i % 2, 1_000L + i, ack.journalIndex()), ack, "acknowledgement " + i);
            assertTrue(ack.journalIndex() > previousIndex, "journal indexes increase: " + ack + " after " + previousIndex);
            previousIndex = ack.journalIndex();
        }
    }

    @Test
    void eventsRecoveredFromTheJournalAreNotAcknowledgedAgain(@TempDir final Path directory)
    {
        final Acks first = new Acks();
        final Sluice stopped = engine(directory, first);
        for (int i = 0; i < 500; i++)
        {
            publish(stopped, i);
        }
        stopped.stop(); // leaves the run open: the next start replays its journal
        final Acks second = new Acks();
        try (Sluice sluice = engine(directory, second))
        {
            for (int i = 500; i < 700; i++)
            {
                publish(sluice, i);
            }
        }
        assertEquals(500, first.received.size());
        assertEquals(200, second.received.size(), "only the new events");
        assertEquals(1_500L, second.received.get(0).sourcePosition());
        assertTrue(second.received.get(0).journalIndex() > first.received.get(499).journalIndex(),
            "the new events follow the old ones in the journal");
    }

    @Test
    void listeningWithoutAJournalIsRefusedWithTheFix()
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Sluice.builder()
            .pipeline("p", p -> p.watermarks(Watermarks.boundedOutOfOrderness(Duration.ZERO)).window(Windows.tumbling(Duration.ofSeconds(1))))
            .onJournaled((pipeline, partition, position, index) ->
            {
            })
            .start());
        assertTrue(refused.getMessage().contains("storage(JournalStorage.open(directory))"), refused.getMessage());
    }

    private static void publish(final Sluice sluice, final int i)
    {
        sluice.publish(i % 3, i % 2, i / 10, i % 50, i, 1_000L + i);
    }

    private static Sluice engine(final Path directory, final Acks acks)
    {
        acks.storage = JournalStorage.open(directory);
        final Sluice.Builder builder = Sluice.builder().shards(2).ringSize(1 << 10).checkpointInterval(Duration.ZERO)
            .storage(acks.storage).onJournaled(acks::onJournaled);
        for (final String name : new String[] {"a", "b", "c"})
        {
            builder.pipeline(name, p -> p.watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(5)))
                .window(Windows.tumbling(Duration.ofMillis(100))));
        }
        return builder.start();
    }
}
