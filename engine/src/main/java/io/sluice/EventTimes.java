package io.sluice;

/**
 * The event-time range Sluice accepts. Bounding it to ±2^62 ms (±146 million years) lets window
 * arithmetic ({@code t + size + lateness}) never overflow, so no hot-path check is needed after the
 * one at the door.
 */
public final class EventTimes
{
    public static final long MIN_EVENT_TIME_MS = -(1L << 62);
    public static final long MAX_EVENT_TIME_MS = 1L << 62;
    /** Largest window size, slide, gap, lateness or out-of-orderness bound: 2^40 ms, about 34 years. */
    public static final long MAX_DURATION_MS = 1L << 40;

    private EventTimes()
    {
    }

    static void checkEventTime(final long eventTimeMs)
    {
        if (eventTimeMs < MIN_EVENT_TIME_MS || eventTimeMs > MAX_EVENT_TIME_MS)
        {
            throw new IllegalArgumentException("eventTimeMs=" + eventTimeMs + " is outside the supported range [" +
                MIN_EVENT_TIME_MS + ", " + MAX_EVENT_TIME_MS + "] (±2^62 ms)");
        }
    }

    static long checkDuration(final String name, final java.time.Duration duration, final boolean zeroAllowed)
    {
        if (duration == null)
        {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (duration.isNegative() || (!zeroAllowed && duration.isZero()))
        {
            throw new IllegalArgumentException(name + " must be " + (zeroAllowed ? ">= 0" : "> 0") + ": " + duration);
        }
        if (duration.compareTo(java.time.Duration.ofMillis(MAX_DURATION_MS)) > 0)
        {
            throw new IllegalArgumentException(name + " must be at most " + MAX_DURATION_MS + " ms: " + duration);
        }
        final long millis = duration.toMillis();
        if (millis == 0 && !duration.isZero())
        {
            throw new IllegalArgumentException(name + " must be a whole number of milliseconds, at least 1 ms: " + duration);
        }
        return millis;
    }
}
