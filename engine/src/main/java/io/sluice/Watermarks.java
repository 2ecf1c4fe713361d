package io.sluice;

import java.time.Duration;

/** Watermark strategies, named as in Flink. */
public final class Watermarks
{
    private Watermarks()
    {
    }

    /** Events may arrive up to {@code bound} behind the largest time seen on their partition. */
    public static WatermarkSpec boundedOutOfOrderness(final Duration bound)
    {
        return new WatermarkSpec(EventTimes.checkDuration("out-of-orderness bound", bound, true), 0, 0);
    }

    /** Events arrive in time order per partition. */
    public static WatermarkSpec monotonousTimestamps()
    {
        return new WatermarkSpec(0, 0, 0);
    }
}
