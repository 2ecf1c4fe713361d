package io.sluice;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.IdleStrategy;

import java.util.function.Supplier;

/**
 * How the engine's stages map onto threads (in the manner of Aeron's media driver threading modes).
 *
 * <ul>
 *   <li>{@link #DEDICATED} (default): the sequencer on one thread and each shard on its own; shards run in
 *       parallel. It wants a core per engine thread plus one for the publisher.</li>
 *   <li>{@link #SHARED}: the sequencer and every shard take turns on one thread, each duty cycle handing its
 *       batch straight on. With one shard on a 2-core machine, publisher and engine then have a core each
 *       instead of three busy threads sharing two, which the scheduler slices into milliseconds: the choice
 *       for latency there. It gives up parallel shards, and some throughput.</li>
 * </ul>
 *
 * Results do not depend on the mode: order, watermarks and outputs are the same either way.
 */
public enum ThreadingMode
{
    DEDICATED, SHARED;

    /** Runners (not yet started) for the stages in order: one each, or (SHARED) one taking them in turn. */
    AgentRunner[] runners(final Agent[] stages, final Supplier<IdleStrategy> idleStrategies, final ErrorHandler errors)
    {
        final Agent[] threads = this == SHARED ? new Agent[] {new SharedAgent(stages)} : stages;
        final AgentRunner[] runners = new AgentRunner[threads.length];
        for (int i = 0; i < threads.length; i++)
        {
            runners[i] = new AgentRunner(idleStrategies.get(), errors, null, threads[i]);
        }
        return runners;
    }

    /** The stages in turn on one thread, named like the dedicated ones so that thread dumps and CPU accounts find it. */
    private static final class SharedAgent extends CompositeAgent
    {
        SharedAgent(final Agent... stages)
        {
            super(stages);
        }

        public String roleName()
        {
            return "sluice-shared";
        }
    }
}
