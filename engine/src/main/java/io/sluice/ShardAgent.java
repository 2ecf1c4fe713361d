package io.sluice;

import com.lmax.disruptor.EventPoller;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;

/**
 * Runs one {@link ShardProcessor} on its own thread, polling the ring behind the sequencer. A failure
 * inside the engine (not a listener: those are caught in {@code Output}) stops the engine loudly:
 * publishers get an exception instead of blocking on a ring nobody drains.
 */
final class ShardAgent implements Agent, EventPoller.Handler<IngressSlot>
{
    private static final int BATCH_LIMIT = 1024;

    private final ShardProcessor processor;
    private final EventPoller<IngressSlot> poller;
    private final EngineFailure failure;
    private int batchCount;

    ShardAgent(final ShardProcessor processor, final EventPoller<IngressSlot> poller, final EngineFailure failure)
    {
        this.processor = processor;
        this.poller = poller;
        this.failure = failure;
    }

    public String roleName()
    {
        return "sluice-shard-" + processor.shard();
    }

    public int doWork() throws Exception
    {
        batchCount = 0;
        try
        {
            poller.poll(this);
        }
        catch (final Throwable t)
        {
            failure.fail(new IllegalStateException("shard " + processor.shard() + " failed", t));
            throw new AgentTerminationException(t);
        }
        return batchCount;
    }

    public boolean onEvent(final IngressSlot slot, final long sequence, final boolean endOfBatch)
    {
        processor.onSlot(slot);
        return ++batchCount < BATCH_LIMIT;
    }
}
