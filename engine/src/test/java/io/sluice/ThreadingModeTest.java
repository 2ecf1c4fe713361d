package io.sluice;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ThreadingModeTest
{
    private static final ErrorHandler RETHROW = e -> { throw new AssertionError(e); };

    @Test
    void dedicatedGivesEachStageARunnerOfItsOwnName()
    {
        final AgentRunner[] runners = ThreadingMode.DEDICATED.runners(
            new Agent[] {new NamedStage("sluice-sequencer", null), new NamedStage("sluice-shard-0", null)},
            BusySpinIdleStrategy::new, RETHROW);

        assertEquals(2, runners.length);
        assertEquals("sluice-sequencer", runners[0].agent().roleName());
        assertEquals("sluice-shard-0", runners[1].agent().roleName());
    }

    @Test
    void sharedRunsEveryStageInTurnOnOneThreadNamedLikeTheEngines() throws Exception
    {
        final List<String> turns = new ArrayList<>();
        final AgentRunner[] runners = ThreadingMode.SHARED.runners(
            new Agent[] {new NamedStage("sluice-sequencer", turns), new NamedStage("sluice-shard-0", turns)},
            BusySpinIdleStrategy::new, RETHROW);

        assertEquals(1, runners.length);
        // The thread takes the agent's role name, and per-thread CPU accounting looks for the "sluice-" prefix.
        assertEquals("sluice-shared", runners[0].agent().roleName());
        runners[0].agent().doWork();
        runners[0].agent().doWork();
        assertEquals(List.of("sluice-sequencer", "sluice-shard-0", "sluice-sequencer", "sluice-shard-0"), turns);
    }

    private static final class NamedStage implements Agent
    {
        private final String name;
        private final List<String> turns;

        NamedStage(final String name, final List<String> turns)
        {
            this.name = name;
            this.turns = turns;
        }

        public int doWork()
        {
            turns.add(name);
            return 1;
        }

        public String roleName()
        {
            return name;
        }
    }
}
