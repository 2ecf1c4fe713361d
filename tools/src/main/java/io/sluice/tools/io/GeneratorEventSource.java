package io.sluice.tools.io;

import io.sluice.tools.config.SluiceConfig.Source;

import java.util.concurrent.locks.LockSupport;

/**
 * The configured mock events: {@link EventGenerator} paced to {@code rate} events/s (or flat out), its
 * position the count of events produced, so a resumed run regenerates and skips the ones already journaled.
 * Event time starts at 2023-11-14T22:13:20Z and advances 1000 / rate ms per event (0.1 ms flat out).
 */
public final class GeneratorEventSource implements EventSource
{
    private static final long START_MS = 1_700_000_000_000L;

    private final EventGenerator generator;
    private final long intervalNs;
    private long nextDueNs;

    public GeneratorEventSource(final Source config, final long resumeAt)
    {
        final double stepMs = config.rate() > 0 ? 1_000.0 / config.rate() : 0.1;
        this.generator = new EventGenerator(config.events(), config.keys(), config.zipf(), START_MS, stepMs, config.disorderMs(),
            config.lateFraction(), config.seed());
        this.intervalNs = config.rate() > 0 ? 1_000_000_000L / config.rate() : 0;
        for (long skipped = 0; skipped < resumeAt && generator.next(); skipped++)
        {
            // regenerate the events already journaled, to continue the same sequence
        }
        this.nextDueNs = System.nanoTime();
    }

    public boolean next(final InputEvent event)
    {
        if (!generator.next())
        {
            return false;
        }
        if (intervalNs > 0)
        {
            nextDueNs += intervalNs;
            final long waitNs = nextDueNs - System.nanoTime();
            if (waitNs > 1_000_000)
            {
                LockSupport.parkNanos(waitNs); // sleep off whole milliseconds; shorter gaps go out as bursts
            }
        }
        event.eventTimeMs = generator.eventTimeMs();
        event.value = generator.value();
        event.partition = 0;
        event.clearKey();
        final String key = generator.key();
        for (int i = 0; i < key.length(); i++)
        {
            event.appendKey(key.charAt(i));
        }
        event.lineNumber = generator.emitted();
        event.endPosition = generator.emitted();
        return true;
    }

    public String name()
    {
        return "generator";
    }

    public void close()
    {
    }
}
