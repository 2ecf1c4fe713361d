package io.sluice;

import io.sluice.journal.JournalStorage;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The sequencer's clock, which recovery replays partition idleness by, is journaled once per batch as the
 * log's stamp, and events in the shortest record their shape allows: every event, in each of the four
 * record shapes, must read back its own fields and the clock of its own batch, from wherever a reader
 * starts (in this package for the engine's hand-driven duty cycles and test clock).
 */
class JournaledClockTest
{
    @TempDir
    Path directory;

    @Test
    void everyEventReadsBackItsFieldsAndTheClockOfItsBatchWhereverReadingStarts() throws Exception
    {
        final CachedNanoClock clock = new CachedNanoClock();
        final SplittableRandom random = new SplittableRandom(17);
        final List<Long> clocks = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        try (Sluice sluice = Sluice.builder()
            .nanoClock(clock)
            .ringSize(4096)
            .storage(JournalStorage.open(directory))
            .pipeline("p", p -> p.window(Windows.tumbling(Duration.ofSeconds(1))))
            .build())
        {
            final int pipeline = sluice.pipelineId("p");
            for (int batch = 0; batch < 25; batch++)
            {
                // Negative clocks too; some batches longer than a journal document holds (1024 records).
                clock.update(-3_000_000_000L + batch * 987_654_321L);
                final int batchSize = 1 + random.nextInt(1_800);
                for (int i = 0; i < batchSize; i++)
                {
                    final long eventTimeMs = batch * 1_000L + i - 500;
                    // Narrow numbers half the time: a plain publish of them takes the narrow record.
                    final long value = random.nextBoolean() ? random.nextInt() : random.nextLong();
                    final int partition = random.nextInt(5) == 0 ? 1 : 0;
                    final long position = random.nextBoolean() ? Sluice.NO_POSITION : events.size() * 10L;
                    if (random.nextInt(4) == 0)
                    {
                        final String key = "kéy-" + random.nextInt(50);
                        sluice.publish(pipeline, partition, eventTimeMs, key, value, position);
                        events.add(describe(partition, eventTimeMs, "text:" + key, value, position));
                    }
                    else
                    {
                        final long key = random.nextBoolean() ? random.nextInt() : random.nextLong();
                        sluice.publish(pipeline, partition, eventTimeMs, key, value, position);
                        events.add(describe(partition, eventTimeMs, "long:" + key, value, position));
                    }
                    clocks.add(clock.nanoTime());
                }
                while (sluice.sequencerAgent().doWork() + sluice.shardAgent(0).doWork() > 0)
                {
                    // until the batch is journaled and applied
                }
            }
        }

        final List<Long> indexes = new ArrayList<>();
        final List<Long> read = new ArrayList<>();
        final List<String> readEvents = new ArrayList<>();
        try (JournalReplay replay = JournalReplay.of(JournalStorage.readInputJournal(directory)))
        {
            replay.read(JournalRange.all(), record ->
            {
                if (record.isEvent())
                {
                    indexes.add(record.index());
                    read.add(record.ingestTimeNs());
                    readEvents.add(describe(record.partition(), record.eventTimeMs(),
                        record.isLongKey() ? "long:" + record.keyAsLong() : "text:" + record.key(), record.value(), record.sourcePosition()));
                }
            });
            assertEquals(events.size(), readEvents.size());
            for (int i = 0; i < events.size(); i++)
            {
                assertEquals(events.get(i), readEvents.get(i), "event " + i);
            }
            assertSameClocks(clocks, read, "the whole journal");
            for (int probe = 0; probe < 60; probe++)
            {
                final int from = random.nextInt(indexes.size());
                final int to = Math.min(indexes.size() - 1, from + random.nextInt(3_000));
                final List<Long> ranged = new ArrayList<>();
                replay.read(JournalRange.indexes(indexes.get(from), indexes.get(to)), record -> ranged.add(record.ingestTimeNs()));
                assertSameClocks(clocks.subList(from, to + 1), ranged, "events " + from + " to " + to);
            }
        }
    }

    private static String describe(final int partition, final long eventTimeMs, final String key, final long value, final long position)
    {
        return partition + " " + eventTimeMs + " " + key + " " + value + " " + position;
    }

    private static void assertSameClocks(final List<Long> journaled, final List<Long> read, final String what)
    {
        assertEquals(journaled.size(), read.size(), what + ": events read");
        for (int i = 0; i < journaled.size(); i++)
        {
            if (!journaled.get(i).equals(read.get(i)))
            {
                fail(what + ": event " + i + " reads clock " + read.get(i) + ", but its batch was journaled at " + journaled.get(i));
            }
        }
    }
}
