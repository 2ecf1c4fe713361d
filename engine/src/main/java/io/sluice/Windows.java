package io.sluice;

import java.time.Duration;

/**
 * Window assigners with Apache Flink's semantics and argument rules: a window start is
 * {@code t - floorMod(t - offset, slide)}, so negative times land in the same windows Flink gives them.
 */
public final class Windows
{
    private Windows()
    {
    }

    public static WindowSpec tumbling(final Duration size)
    {
        return tumbling(size, Duration.ZERO);
    }

    /** @param offset shifts window starts; its magnitude must be below the size, as in Flink. */
    public static WindowSpec tumbling(final Duration size, final Duration offset)
    {
        final long sizeMs = EventTimes.checkDuration("tumbling window size", size, false);
        final long offsetMs = checkOffset("tumbling window offset", offset, sizeMs, "size");
        return new WindowSpec(WindowSpec.Type.TUMBLING, sizeMs, sizeMs, offsetMs, 0);
    }

    public static WindowSpec sliding(final Duration size, final Duration slide)
    {
        return sliding(size, slide, Duration.ZERO);
    }

    /** @param offset shifts window starts; its magnitude must be below the slide, as in Flink. */
    public static WindowSpec sliding(final Duration size, final Duration slide, final Duration offset)
    {
        final long sizeMs = EventTimes.checkDuration("sliding window size", size, false);
        final long slideMs = EventTimes.checkDuration("sliding window slide", slide, false);
        final long offsetMs = checkOffset("sliding window offset", offset, slideMs, "slide");
        return new WindowSpec(WindowSpec.Type.SLIDING, sizeMs, slideMs, offsetMs, 0);
    }

    /** Sessions: each event opens [t, t + gap); windows that overlap or touch merge. */
    public static WindowSpec session(final Duration gap)
    {
        final long gapMs = EventTimes.checkDuration("session gap", gap, false);
        return new WindowSpec(WindowSpec.Type.SESSION, 0, 0, 0, gapMs);
    }

    private static long checkOffset(final String name, final Duration offset, final long limitMs, final String limitName)
    {
        if (offset == null)
        {
            throw new IllegalArgumentException(name + " must not be null (use Duration.ZERO)");
        }
        final long offsetMs = offset.toMillis();
        if (Math.abs(offsetMs) >= limitMs)
        {
            throw new IllegalArgumentException(name + " must satisfy |offset| < " + limitName + ": offset=" + offsetMs +
                "ms, " + limitName + "=" + limitMs + "ms");
        }
        return offsetMs;
    }
}
