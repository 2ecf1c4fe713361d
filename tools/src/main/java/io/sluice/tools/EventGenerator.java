package io.sluice.tools;

import java.util.SplittableRandom;

/**
 * A seeded, reproducible stream of keyed events with bounded disorder and a share of late events:
 * what users point a new pipeline at first. Allocation-free per event: keys are pre-built strings
 * picked by index, and the current event is read through accessors.
 *
 * <p>Event time advances by {@code stepMs} per event from {@code startMs}; each event is displaced back
 * by up to {@code disorderMs}, and a {@code lateFraction} of events by far more (several seconds),
 * so that they land behind the watermark.
 */
public final class EventGenerator
{
    private final String[] keys;
    private final SplittableRandom random;
    private final long disorderMs;
    private final double lateFraction;
    private final long lateByMs;
    private final double stepMs;
    private final long startMs;
    private final long count;
    private long emitted;
    private long eventTimeMs;
    private int keyIndex;
    private long value;

    public EventGenerator(
        final long count, final int keyCount, final long startMs, final double stepMs, final long disorderMs,
        final double lateFraction, final long seed)
    {
        if (keyCount < 1)
        {
            throw new IllegalArgumentException("keys must be >= 1: " + keyCount);
        }
        this.keys = new String[keyCount];
        for (int i = 0; i < keyCount; i++)
        {
            keys[i] = "user-" + i;
        }
        this.random = new SplittableRandom(seed);
        this.count = count;
        this.startMs = startMs;
        this.stepMs = stepMs;
        this.disorderMs = disorderMs;
        this.lateFraction = lateFraction;
        this.lateByMs = Math.max(5_000, disorderMs * 20);
    }

    /** Advances to the next event; false when {@code count} events have been produced. */
    public boolean next()
    {
        if (emitted == count)
        {
            return false;
        }
        final long baseMs = startMs + (long)(emitted * stepMs);
        long displacementMs = disorderMs > 0 ? random.nextLong(disorderMs + 1) : 0;
        if (lateFraction > 0 && random.nextDouble() < lateFraction)
        {
            displacementMs += lateByMs;
        }
        eventTimeMs = baseMs - displacementMs;
        // A skewed key choice: a few hot keys, a long tail, as real traffic has.
        final double u = random.nextDouble();
        keyIndex = (int)(keys.length * u * u);
        value = random.nextLong(1_000);
        emitted++;
        return true;
    }

    public long eventTimeMs()
    {
        return eventTimeMs;
    }

    public String key()
    {
        return keys[keyIndex];
    }

    public long value()
    {
        return value;
    }

    public long emitted()
    {
        return emitted;
    }
}
