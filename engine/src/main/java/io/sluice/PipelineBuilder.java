package io.sluice;

import java.time.Duration;

/**
 * Describes one named pipeline: watermarks, window, aggregates, lateness and where results go.
 * Validation happens here, when the engine is built, never on the hot path.
 */
public final class PipelineBuilder
{
    private final String name;
    private WatermarkSpec watermarks = Watermarks.boundedOutOfOrderness(Duration.ZERO);
    private WindowSpec window;
    private Aggregate[] aggregates = Aggregates.standard();
    private long allowedLatenessMs;
    private ResultListener resultListener;
    private LateListener lateListener;

    PipelineBuilder(final String name)
    {
        this.name = name;
    }

    public PipelineBuilder watermarks(final WatermarkSpec watermarks)
    {
        if (watermarks == null)
        {
            throw new IllegalArgumentException("pipeline '" + name + "': watermarks must not be null");
        }
        this.watermarks = watermarks;
        return this;
    }

    public PipelineBuilder window(final WindowSpec window)
    {
        if (window == null)
        {
            throw new IllegalArgumentException("pipeline '" + name + "': window must not be null");
        }
        this.window = window;
        return this;
    }

    /** The aggregates results report, in this order for {@link WindowResult#value(int)}. */
    public PipelineBuilder aggregate(final Aggregate... aggregates)
    {
        if (aggregates == null || aggregates.length == 0)
        {
            throw new IllegalArgumentException("pipeline '" + name + "': give at least one aggregate");
        }
        for (final Aggregate aggregate : aggregates)
        {
            if (aggregate == null)
            {
                throw new IllegalArgumentException("pipeline '" + name + "': aggregates must not contain null");
            }
        }
        this.aggregates = aggregates.clone();
        return this;
    }

    /** How long after a window's end (in event time) late events still update and re-fire it. */
    public PipelineBuilder allowedLateness(final Duration lateness)
    {
        this.allowedLatenessMs = EventTimes.checkDuration("pipeline '" + name + "': allowed lateness", lateness, true);
        return this;
    }

    /** Called on a shard thread with a reused flyweight; with several shards, from several threads. */
    public PipelineBuilder onResult(final ResultListener listener)
    {
        this.resultListener = listener;
        return this;
    }

    /** Called on a shard thread for each event dropped as late; counted whether or not a listener is set. */
    public PipelineBuilder onLate(final LateListener listener)
    {
        this.lateListener = listener;
        return this;
    }

    String name()
    {
        return name;
    }

    WatermarkSpec watermarks()
    {
        return watermarks;
    }

    WindowSpec window()
    {
        return window;
    }

    Aggregate[] aggregates()
    {
        return aggregates;
    }

    long allowedLatenessMs()
    {
        return allowedLatenessMs;
    }

    ResultListener resultListener()
    {
        return resultListener;
    }

    LateListener lateListener()
    {
        return lateListener;
    }

    void conclude()
    {
        if (window == null)
        {
            throw new IllegalArgumentException("pipeline '" + name + "': no window; call window(Windows.tumbling(...)) or similar");
        }
    }
}
