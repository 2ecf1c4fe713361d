package io.sluice.tools.sink;

import io.sluice.LateEvent;
import io.sluice.WindowResult;

/**
 * Sinks fed straight from the engine's listeners, for runs without a journal: nothing to resume from, so
 * nothing is committed. Shard threads call in; one lock keeps lines whole (their order across shards is
 * the threads' order).
 */
public final class ListenerFeed
{
    private final Sinks sinks;
    private final OutputRow row = new OutputRow();

    public ListenerFeed(final Sinks sinks)
    {
        this.sinks = sinks;
    }

    public synchronized void onResult(final WindowResult result)
    {
        row.late = false;
        row.pipelineId = result.pipelineId();
        row.windowStartMs = result.windowStartMs();
        row.windowEndMs = result.windowEndMs();
        row.key.setLength(0);
        row.key.append(result.key());
        row.count = result.count();
        row.sum = result.sum();
        row.min = result.min();
        row.max = result.max();
        row.firing = result.firing();
        sinks.write(row);
    }

    public synchronized void onLate(final LateEvent late)
    {
        row.late = true;
        row.pipelineId = late.pipelineId();
        row.eventTimeMs = late.eventTimeMs();
        row.value = late.value();
        row.partition = late.partition();
        row.watermarkMs = late.watermarkMs();
        row.key.setLength(0);
        row.key.append(late.key());
        sinks.write(row);
    }

    /** Flushes the files; call after the engine stopped. */
    public synchronized void finish() throws java.io.IOException
    {
        sinks.sync();
    }
}
