package io.sluice.journal;

import io.sluice.Aggregates;
import io.sluice.Sluice;
import io.sluice.Watermarks;
import io.sluice.Windows;
import io.sluice.state.KeyDictionary;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The process the crash test kills: a journaled engine fed by a deterministic "file-like" source whose
 * position is the event number. On every start it asks the engine where to resume, so a restarted run
 * neither re-reads nor skips input. Prints READY once recovered and DONE after close().
 *
 * <p>Arguments: directory, total events, shards, events per pause (0 for no pacing).
 */
public final class CrashChild
{
    private CrashChild()
    {
    }

    public static void main(final String[] args)
    {
        final Path directory = Path.of(args[0]);
        final long total = Long.parseLong(args[1]);
        final int shards = Integer.parseInt(args[2]);
        final int eventsPerPause = Integer.parseInt(args[3]);
        try (Sluice sluice = engine(directory, shards))
        {
            final long resume = sluice.resumePosition("clicks", 0);
            final long first = resume == Sluice.NO_POSITION ? 0 : resume;
            System.out.println("READY recovered=" + sluice.recoveredRecords() + " resume=" + first);
            System.out.flush();
            final StringBuilder textKey = new StringBuilder();
            for (long i = first; i < total; i++)
            {
                final long h = KeyDictionary.mix(i + 1);
                final long eventTime = i / 20 - Math.floorMod(h, 120);
                final long value = Math.floorMod(h >>> 20, 1000) - 100;
                if ((h & 7) == 0)
                {
                    textKey.setLength(0);
                    textKey.append("user-é-").append(Math.floorMod(h >>> 8, 300));
                    sluice.publish(0, 0, eventTime, textKey, value, i + 1);
                }
                else
                {
                    sluice.publish(0, 0, eventTime, Math.floorMod(h >>> 8, 2_000), value, i + 1);
                }
                if (eventsPerPause > 0 && i % eventsPerPause == 0)
                {
                    LockSupport.parkNanos(1_000_000);
                }
            }
        }
        System.out.println("DONE");
    }

    static Sluice engine(final Path directory, final int shards)
    {
        return Sluice.builder()
            .shards(shards)
            .ringSize(1 << 12)
            .storage(JournalStorage.open(directory))
            .pipeline("clicks", p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(50)))
                .window(Windows.tumbling(Duration.ofMillis(500)))
                .aggregate(Aggregates.count(), Aggregates.sum(), Aggregates.min(), Aggregates.max())
                .allowedLateness(Duration.ofMillis(30)))
            .start();
    }
}
