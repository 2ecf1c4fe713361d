package io.sluice.tools.io;

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
    private final boolean zipf;
    private final double logKeysPlusOne;
    private long emitted;
    private long eventTimeMs;
    private int keyIndex;
    private long value;

    /**
     * @param count events to produce; negative for an endless stream.
     * @param zipf  a Zipf-like key choice (P(rank k) ~ 1/k: a few hot keys, a long tail, as real traffic
     *              has) rather than uniform.
     */
    public EventGenerator(
        final long count, final int keyCount, final boolean zipf, final long startMs, final double stepMs, final long disorderMs,
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
        this.zipf = zipf;
        this.logKeysPlusOne = Math.log(keyCount + 1.0);
        this.startMs = startMs;
        this.stepMs = stepMs;
        this.disorderMs = disorderMs;
        this.lateFraction = lateFraction;
        this.lateByMs = Math.max(5_000, disorderMs * 20);
    }

    /** Advances to the next event; false when {@code count} events have been produced. */
    public boolean next()
    {
        if (emitted == count && count >= 0)
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
        final double u = random.nextDouble();
        // Log-uniform ranks: P(rank <= k) = ln(k + 1) / ln(n + 1), the continuous form of Zipf with s = 1.
        keyIndex = zipf ? Math.min(keys.length - 1, (int)Math.exp(u * logKeysPlusOne) - 1) : (int)(keys.length * u);
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
