package io.sluice;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    @Test
    void dedicatedThreadsOnlyWhereTheSequencerEachShardAndAPublisherHaveACore()
    {
        assertEquals(ThreadingMode.SHARED, ThreadingMode.forCores(1, 1));
        assertEquals(ThreadingMode.SHARED, ThreadingMode.forCores(1, 2));
        assertEquals(ThreadingMode.DEDICATED, ThreadingMode.forCores(1, 3));
        assertEquals(ThreadingMode.SHARED, ThreadingMode.forCores(2, 3));
        assertEquals(ThreadingMode.DEDICATED, ThreadingMode.forCores(2, 4));
        assertEquals(ThreadingMode.SHARED, ThreadingMode.forCores(8, 9));
        assertEquals(ThreadingMode.DEDICATED, ThreadingMode.forCores(8, 64));
    }

    @Test
    void forCoresRefusesNoShardsOrNoCores()
    {
        final IllegalArgumentException noCores = assertThrows(IllegalArgumentException.class, () -> ThreadingMode.forCores(1, 0));
        assertEquals("shards and cores must be at least 1: shards=1, cores=0", noCores.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ThreadingMode.forCores(0, 4));
    }

    @Test
    void theEngineRunsInTheModeItWasGivenElseInTheOneForThisMachinesCores()
    {
        final int cores = Runtime.getRuntime().availableProcessors();
        for (final int shards : new int[] {1, 2, 4})
        {
            try (Sluice sluice = startWith(Sluice.builder().shards(shards)))
            {
                assertEquals(ThreadingMode.forCores(shards, cores), sluice.threadingMode(), "shards=" + shards);
                assertEquals(sluice.threadingMode() == ThreadingMode.SHARED ? 1 : shards + 1, sluice.engineThreads().length);
            }
        }
        for (final ThreadingMode mode : ThreadingMode.values())
        {
            try (Sluice sluice = startWith(Sluice.builder().shards(2).threadingMode(mode)))
            {
                assertEquals(mode, sluice.threadingMode());
            }
        }
    }

    private static Sluice startWith(final Sluice.Builder builder)
    {
        return builder
            .pipeline("p", p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ZERO))
                .window(Windows.tumbling(Duration.ofSeconds(1))))
            .start();
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
