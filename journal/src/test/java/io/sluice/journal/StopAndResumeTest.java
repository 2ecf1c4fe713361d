package io.sluice.journal;

import io.sluice.Sluice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stop() leaves a run open: a later start() resumes it, open windows included, as if it never stopped. */
class StopAndResumeTest
{
    private static final int EVENTS = 30_000;

    @Test
    void stoppedRunResumedToTheEndEqualsAnUninterruptedRun(@TempDir final Path temp)
    {
        final Path straight = temp.resolve("straight");
        try (Sluice sluice = engine(straight))
        {
            for (int i = 0; i < EVENTS; i++)
            {
                CheckpointRecoveryTest.publish(sluice, i);
            }
        }

        final Path stopped = temp.resolve("stopped");
        final List<Integer> outputsAtStop = new ArrayList<>();
        int next = 0;
        for (final int stopAt : new int[] {7_000, 19_000})
        {
            final Sluice sluice = engine(stopped);
            final long resume = resumeOf(sluice);
            assertEquals(next, resume, "resumes right after the last event it accepted");
            for (int i = next; i < stopAt; i++)
            {
                CheckpointRecoveryTest.publish(sluice, i);
            }
            sluice.stop();
            next = stopAt;
            outputsAtStop.add(OutputRecords.readRaw(stopped, 2).size());
        }
        try (Sluice sluice = engine(stopped))
        {
            assertEquals(next, resumeOf(sluice));
            for (int i = next; i < EVENTS; i++)
            {
                CheckpointRecoveryTest.publish(sluice, i);
            }
        }
        final List<String> expected = OutputRecords.readRaw(straight, 2);
        assertTrue(outputsAtStop.get(0) > 0 && outputsAtStop.get(1) < expected.size(), "stops left windows open: " + outputsAtStop);
        assertEquals(expected, OutputRecords.readRaw(stopped, 2));
    }

    private static long resumeOf(final Sluice sluice)
    {
        long resume = 0;
        for (final String pipeline : sluice.pipelines())
        {
            resume = Math.max(resume, sluice.resumePosition(pipeline, 0));
        }
        return resume;
    }

    private static Sluice engine(final Path directory)
    {
        return CrashChild.withPipelines(Sluice.builder(), Duration.ofMillis(500))
            .shards(2)
            .ringSize(1 << 10)
            .storage(JournalStorage.open(directory))
            .checkpointInterval(Duration.ZERO)
            .start();
    }
}
