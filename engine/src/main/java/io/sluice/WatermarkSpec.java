package io.sluice;

import java.time.Duration;

/**
 * How a pipeline's watermark follows its events: per source partition {@code max_t_seen - bound - 1},
 * the minimum over partitions that are not idle. Build with {@link Watermarks}.
 */
public final class WatermarkSpec
{
    private final long outOfOrdernessMs;
    private final long idleTimeoutMs;

    WatermarkSpec(final long outOfOrdernessMs, final long idleTimeoutMs)
    {
        this.outOfOrdernessMs = outOfOrdernessMs;
        this.idleTimeoutMs = idleTimeoutMs;
    }

    public long outOfOrdernessMs()
    {
        return outOfOrdernessMs;
    }

    /** Processing time after which a silent partition stops holding the watermark back; 0 = never. */
    public long idleTimeoutMs()
    {
        return idleTimeoutMs;
    }

    /** The same bound, with partitions marked idle after {@code timeout} without events. */
    public WatermarkSpec withIdleness(final Duration timeout)
    {
        return new WatermarkSpec(outOfOrdernessMs, EventTimes.checkDuration("idle timeout", timeout, false));
    }

    public String toString()
    {
        return "boundedOutOfOrderness(" + outOfOrdernessMs + "ms" + (idleTimeoutMs > 0 ? ", idle=" + idleTimeoutMs + "ms)" : ")");
    }
}
