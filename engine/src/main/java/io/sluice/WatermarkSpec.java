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
    private final int partitions;

    WatermarkSpec(final long outOfOrdernessMs, final long idleTimeoutMs, final int partitions)
    {
        this.outOfOrdernessMs = outOfOrdernessMs;
        this.idleTimeoutMs = idleTimeoutMs;
        this.partitions = partitions;
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

    /** Declared source partitions, or 0 when partitions are discovered from the events. */
    public int partitions()
    {
        return partitions;
    }

    /** The same bound, with partitions marked idle after {@code timeout} without events. */
    public WatermarkSpec withIdleness(final Duration timeout)
    {
        return new WatermarkSpec(outOfOrdernessMs, EventTimes.checkDuration("idle timeout", timeout, false), partitions);
    }

    /**
     * Declares that the source has partitions 0..count-1, as Flink knows its splits: the watermark waits
     * for every one of them (until it turns idle, when idleness is set) before it advances. Without this,
     * a partition counts from its first event, so the watermark may advance before a late-starting
     * partition appears, whose events are then judged against it.
     */
    public WatermarkSpec withPartitions(final int count)
    {
        if (count < 1 || count > io.sluice.time.WatermarkTracker.MAX_PARTITIONS)
        {
            throw new IllegalArgumentException("partitions must be in [1, " + io.sluice.time.WatermarkTracker.MAX_PARTITIONS +
                "]: " + count);
        }
        return new WatermarkSpec(outOfOrdernessMs, idleTimeoutMs, count);
    }

    public String toString()
    {
        return "boundedOutOfOrderness(" + outOfOrdernessMs + "ms" + (idleTimeoutMs > 0 ? ", idle=" + idleTimeoutMs + "ms" : "") +
            (partitions > 0 ? ", partitions=" + partitions : "") + ")";
    }
}
