package io.sluice.time;

import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;

import java.util.Arrays;

/**
 * One pipeline's watermark, as Flink's bounded-out-of-orderness generator computes it, combined over
 * source partitions: per partition {@code max_t_seen - bound - 1}; the pipeline watermark is the
 * minimum over partitions that are not idle, and never goes back.
 *
 * <p>A partition exists from the start when declared, else from its first event on; one that has not
 * reported yet holds the watermark at -∞ (Flink's initial watermark). It turns idle when no event has arrived on it for
 * the idle timeout (processing time, read by the caller once per duty cycle) and active again with its
 * next event. While every partition is idle the watermark holds, as in Flink.
 */
public final class WatermarkTracker
{
    public static final int MAX_PARTITIONS = 4096;

    private final long outOfOrdernessMs;
    private final long idleTimeoutNs;
    private long[] maxEventTimeMs = new long[4];
    private long[] lastEventNs = new long[4];
    private boolean[] idle = new boolean[4];
    private boolean[] seen = new boolean[4];
    private int partitionLimit;
    private long watermarkMs = Long.MIN_VALUE;
    private boolean started;

    /** @param declaredPartitions partitions 0..n-1 that exist from the start; 0 to discover them. */
    public WatermarkTracker(final long outOfOrdernessMs, final long idleTimeoutMs, final int declaredPartitions)
    {
        this.outOfOrdernessMs = outOfOrdernessMs;
        this.idleTimeoutNs = idleTimeoutMs * 1_000_000L;
        if (declaredPartitions > 0)
        {
            ensurePartition(declaredPartitions - 1);
            for (int p = 0; p < declaredPartitions; p++)
            {
                seen[p] = true;
                // Flink's initial state: max = MIN + bound + 1, so the partition's watermark is MIN.
                maxEventTimeMs[p] = Long.MIN_VALUE + outOfOrdernessMs + 1;
            }
        }
    }

    /** One partition as a monitor sees it. */
    @FunctionalInterface
    public interface PartitionVisitor
    {
        void visit(int partition, long maxEventTimeMs, long partitionWatermarkMs, boolean idle);
    }

    /**
     * Visits the partitions seen so far, for monitoring from another thread: the fields are read without
     * synchronising with the sequencer, so a visit may show values a moment old, never torn ones (64-bit JVMs).
     */
    public void forEachPartition(final PartitionVisitor visitor)
    {
        final long[] maxTimes = maxEventTimeMs;
        final boolean[] seenFlags = seen;
        final boolean[] idleFlags = idle;
        final int limit = Math.min(partitionLimit, Math.min(maxTimes.length, Math.min(seenFlags.length, idleFlags.length)));
        for (int p = 0; p < limit; p++)
        {
            if (seenFlags[p])
            {
                final long max = maxTimes[p];
                visitor.visit(p, max, max == Long.MIN_VALUE ? Long.MIN_VALUE : max - outOfOrdernessMs - 1, idleFlags[p]);
            }
        }
    }

    public long watermarkMs()
    {
        return watermarkMs;
    }

    public boolean hasIdleness()
    {
        return idleTimeoutNs > 0;
    }

    /** @return the watermark after this event. */
    public long onEvent(final int partition, final long eventTimeMs, final long nowNs)
    {
        // Most events raise no partition's maximum. Without idleness nothing else can move the minimum, so
        // the watermark stands and the scan over partitions is skipped.
        if (idleTimeoutNs <= 0 && partition < partitionLimit && seen[partition] && eventTimeMs <= maxEventTimeMs[partition])
        {
            lastEventNs[partition] = nowNs;
            return watermarkMs;
        }
        if (partition >= partitionLimit)
        {
            ensurePartition(partition);
        }
        startIdlenessClocks(nowNs);
        if (!seen[partition])
        {
            seen[partition] = true;
            maxEventTimeMs[partition] = eventTimeMs;
        }
        else if (eventTimeMs > maxEventTimeMs[partition])
        {
            maxEventTimeMs[partition] = eventTimeMs;
        }
        lastEventNs[partition] = nowNs;
        idle[partition] = false;
        return recompute(nowNs);
    }

    /** Re-evaluates idleness without an event. @return the watermark now. */
    public long onTick(final long nowNs)
    {
        startIdlenessClocks(nowNs);
        return recompute(nowNs);
    }

    /**
     * The earliest processing time at which an active partition turns idle, or Long.MAX_VALUE. Only a
     * partition going idle while another is active can move the watermark, so with fewer than two
     * active partitions there is nothing to wait for.
     */
    public long nextIdleDeadlineNs()
    {
        if (idleTimeoutNs <= 0)
        {
            return Long.MAX_VALUE;
        }
        long deadline = Long.MAX_VALUE;
        int active = 0;
        for (int p = 0; p < partitionLimit; p++)
        {
            if (seen[p] && !idle[p])
            {
                active++;
                deadline = Math.min(deadline, lastEventNs[p] + idleTimeoutNs);
            }
        }
        return active >= 2 ? deadline : Long.MAX_VALUE;
    }

    public void saveTo(final StateWriter out)
    {
        out.section(0x3A7E4A4C).putInt(partitionLimit)
            .putLong(watermarkMs).putBoolean(started).putLongs(maxEventTimeMs, maxEventTimeMs.length)
            .putLongs(lastEventNs, lastEventNs.length).putBooleans(idle, idle.length).putBooleans(seen, seen.length);
    }

    public void restoreFrom(final StateReader in)
    {
        in.expectSection(0x3A7E4A4C, "a watermark tracker");
        partitionLimit = in.getInt();
        watermarkMs = in.getLong();
        started = in.getBoolean();
        maxEventTimeMs = in.getLongs(0);
        lastEventNs = in.getLongs(0);
        idle = in.getBooleans(0);
        seen = in.getBooleans(0);
        if (partitionLimit > maxEventTimeMs.length || lastEventNs.length != maxEventTimeMs.length ||
            idle.length != maxEventTimeMs.length || seen.length != maxEventTimeMs.length)
        {
            throw new IllegalStateException("checkpoint holds an inconsistent watermark tracker");
        }
    }

    /** Declared partitions that never report start their idleness clock with the tracker's first use. */
    private void startIdlenessClocks(final long nowNs)
    {
        if (!started)
        {
            started = true;
            for (int p = 0; p < partitionLimit; p++)
            {
                lastEventNs[p] = nowNs;
            }
        }
    }

    private long recompute(final long nowNs)
    {
        long min = Long.MAX_VALUE;
        boolean anyActive = false;
        for (int p = 0; p < partitionLimit; p++)
        {
            if (!seen[p])
            {
                continue;
            }
            if (idleTimeoutNs > 0 && !idle[p] && nowNs - lastEventNs[p] >= idleTimeoutNs)
            {
                idle[p] = true;
            }
            if (!idle[p])
            {
                anyActive = true;
                min = Math.min(min, maxEventTimeMs[p] - outOfOrdernessMs - 1);
            }
        }
        if (anyActive && min > watermarkMs)
        {
            watermarkMs = min;
        }
        return watermarkMs;
    }

    private void ensurePartition(final int partition)
    {
        if (partition < 0 || partition >= MAX_PARTITIONS)
        {
            throw new IllegalArgumentException("partition must be in [0, " + MAX_PARTITIONS + "): " + partition);
        }
        final int length = Math.max(maxEventTimeMs.length, Integer.highestOneBit(partition) << 1);
        if (length > maxEventTimeMs.length)
        {
            maxEventTimeMs = Arrays.copyOf(maxEventTimeMs, length);
            lastEventNs = Arrays.copyOf(lastEventNs, length);
            idle = Arrays.copyOf(idle, length);
            seen = Arrays.copyOf(seen, length);
        }
        partitionLimit = Math.max(partitionLimit, partition + 1);
    }
}
