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
 *   <li>{@link #DEDICATED}: the sequencer on one thread and each shard on its own; shards run in
 *       parallel. It wants a core per engine thread plus one for the publisher.</li>
 *   <li>{@link #SHARED}: the sequencer and every shard take turns on one thread, each duty cycle handing its
 *       batch straight on. It gives up parallel shards.</li>
 * </ul>
 *
 * Unless the builder is told otherwise, the engine takes {@link #forCores}: dedicated threads only where
 * the machine has a core for each of them and for a publisher. With more busy threads than cores, the
 * engine's speed depends on how the scheduler happens to place them: on two cores with one shard, a quarter
 * of the runs of {@code EndToEndBenchmark} stayed at 5-7 M events/s against 21-24 M for the others, the
 * sequencer polling right behind the publisher and both spending five times their usual CPU per event.
 * One engine thread ran at 20-24 M in every run, so on two cores it is both faster in the median and steady.
 *
 * Results do not depend on the mode: order, watermarks and outputs are the same either way.
 */
public enum ThreadingMode
{
    DEDICATED, SHARED;

    /**
     * The mode for an engine of {@code shards} shards on a machine of {@code cores} cores: DEDICATED when
     * its sequencer, its shards and one publisher can each have a core, else SHARED.
     */
    public static ThreadingMode forCores(final int shards, final int cores)
    {
        if (shards < 1 || cores < 1)
        {
            throw new IllegalArgumentException("shards and cores must be at least 1: shards=" + shards + ", cores=" + cores);
        }
        return cores >= shards + 2 ? DEDICATED : SHARED;
    }

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
