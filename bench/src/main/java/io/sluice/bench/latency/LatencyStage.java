package io.sluice.bench.latency;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The latencies of one point an event reaches (its result, its journal record), measured from its intended
 * send time on the load's clock. Recording is wait-free and thread-safe; intervals are taken by one reader.
 */
public final class LatencyStage
{
    private final OpenLoopLoad.Clock clock;
    private final Recorder recorder;
    private final long highestTrackableNs;

    /** @param highestTrackableNs latencies above it are recorded at it (and counted). */
    LatencyStage(final OpenLoopLoad.Clock clock, final long highestTrackableNs)
    {
        this.clock = clock;
        this.recorder = new Recorder(highestTrackableNs, 3);
        this.highestTrackableNs = highestTrackableNs;
    }

    /** An event sent at {@code intendedNs} has reached this stage now. */
    public void complete(final long intendedNs)
    {
        complete(intendedNs, clock.nanoTime());
    }

    public void complete(final long intendedNs, final long completedNs)
    {
        recorder.recordValue(Math.min(highestTrackableNs, Math.max(0, completedNs - intendedNs)));
    }

    /** The latencies recorded since the last call (an interval of the run); the recorder starts a new interval. */
    public Histogram takeInterval()
    {
        return recorder.getIntervalHistogram();
    }
}
