package io.sluice;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;

/**
 * Runs one {@link ShardProcessor} on its own thread, polling the ring behind the sequencer. A failure
 * inside the engine (not a listener: those are caught in {@code Output}) stops the engine loudly:
 * publishers get an exception instead of blocking on a ring nobody drains.
 */
final class ShardAgent implements Agent
{
    private final ShardProcessor processor;
    private final RingPoller poller;
    private final EngineFailure failure;

    ShardAgent(final ShardProcessor processor, final RingPoller poller, final EngineFailure failure)
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
        try
        {
            return poller.poll(processor);
        }
        catch (final Throwable t)
        {
            failure.fail(new IllegalStateException("shard " + processor.shard() + " failed", t));
            throw new AgentTerminationException(t);
        }
    }
}
