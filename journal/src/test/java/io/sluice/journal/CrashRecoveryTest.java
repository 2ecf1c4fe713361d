package io.sluice.journal;

import io.sluice.ThreadingMode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once across crashes: a child JVM runs a journaled pipeline over a generated input; this test
 * kills it with SIGKILL at random moments, restarts it, again and again, then compares its output
 * journals with those of an uninterrupted run. Same multiset, no duplicate (shard, sequence), nothing
 * missing, nothing different. The killed child checkpoints every 100 ms, so kills can also land while a
 * checkpoint is being written, and restarts recover from checkpoints; the reference run takes none.
 *
 * <p>{@code -Dsluice.crash.kills=N} raises the number of kills (default 20), {@code -Dsluice.crash.events=N}
 * the input size (default 1 000 000).
 */
class CrashRecoveryTest
{
    private static final int SHARDS = 2;
    private static final long EVENTS = Long.getLong("sluice.crash.events", 1_000_000);
    private static final int KILLS = Integer.getInteger("sluice.crash.kills", 20);
    private static final long SEED = Long.getLong("sluice.crash.seed", System.nanoTime());

    @Test
    void outputsAfterRepeatedKillsEqualAnUninterruptedRun(@TempDir final Path temp) throws Exception
    {
        final Path reference = temp.resolve("reference");
        final Path crashed = temp.resolve("crashed");
        assertEquals("DONE", runToCompletion(reference, 0, 0), "the uninterrupted run completes");

        final SplittableRandom random = new SplittableRandom(SEED);
        int kills = 0;
        int starts = 0;
        int restartsFromCheckpoint = 0;
        String lastResume = "";
        int stalledStarts = 0;
        boolean done = false;
        while (kills < KILLS && !done)
        {
            starts++;
            // Restarts alternate the threading mode: a mode is no part of the state, so recovery must not care.
            final Process child = start(crashed, 200, 100, starts % 2 == 0 ? ThreadingMode.DEDICATED : ThreadingMode.SHARED);
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
            {
                final String ready = out.readLine();
                assertTrue(ready != null && ready.startsWith("READY"), "child started (seed " + SEED + "): " + ready);
                System.out.println("start " + starts + ": " + ready);
                if (!ready.startsWith("READY checkpoint=-1 "))
                {
                    restartsFromCheckpoint++;
                }
                // Kill during recovery sometimes, mostly while it takes input.
                // Kills that keep landing before a restart journals anything would starve the run; after two such
                // starts in a row, a start gets seconds, doubling, before its kill. (Before storage set aside the
                // files a kill left half-created, each restart waited 10 s on them, and runs of 20 starts stalled.)
                final String resume = ready.replaceAll(".* resume=(\\d+).*", "$1");
                stalledStarts = resume.equals(lastResume) ? stalledStarts + 1 : 0;
                lastResume = resume;
                final long delayMs = stalledStarts >= 2 ? Math.min(16_000, 1_000L << (stalledStarts - 2)) :
                    random.nextInt(10) == 0 ? 0 : random.nextLong(10, 600);
                if (child.waitFor(delayMs, TimeUnit.MILLISECONDS))
                {
                    done = true; // finished before the kill came
                }
                else
                {
                    child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no close()
                    child.waitFor();
                    kills++;
                }
            }
        }
        if (!done)
        {
            assertEquals("DONE", runToCompletion(crashed, 0, 100), "the run completes after " + kills + " kills");
        }
        assertTrue(kills >= Math.min(KILLS, 1), "at least one kill landed (seed " + SEED + ", " + starts + " starts)");
        assertTrue(restartsFromCheckpoint > 0, "some restarts recovered from a checkpoint (seed " + SEED + ")");

        System.out.println("kills=" + kills + " starts=" + starts + " seed=" + SEED);
        final List<String> expected = OutputRecords.read(reference, SHARDS);
        final List<String> actual = OutputRecords.read(crashed, SHARDS);
        assertTrue(expected.size() > 10_000, "the input produces plenty of outputs: " + expected.size());
        assertNoDuplicateIdentity(actual);
        final List<String> sortedExpected = new ArrayList<>(expected);
        final List<String> sortedActual = new ArrayList<>(actual);
        sortedExpected.sort(null);
        sortedActual.sort(null);
        assertEquals(sortedExpected.size(), sortedActual.size(), "same number of outputs after " + kills + " kills (seed " + SEED + ")");
        assertEquals(sortedExpected, sortedActual, "same outputs after " + kills + " kills (seed " + SEED + ")");
    }

    private static void assertNoDuplicateIdentity(final List<String> lines)
    {
        final Set<String> identities = new HashSet<>();
        for (final String line : lines)
        {
            final String[] fields = line.split(",", 3);
            assertTrue(identities.add(fields[0] + "," + fields[1]), "duplicate (shard, sequence): " + line);
        }
    }

    private static String runToCompletion(final Path directory, final int eventsPerPause, final long checkpointMs) throws Exception
    {
        return ChildJvm.run(CrashChild.class, CrashChild.arguments(directory, EVENTS, SHARDS, eventsPerPause, checkpointMs));
    }

    /**
     * Frequent checkpoints in the crashed run, so that kills land before, during and after them; none in the
     * reference run, which therefore checks checkpoint recovery against plain journal replay.
     */
    private static Process start(
        final Path directory, final int eventsPerPause, final long checkpointMs, final ThreadingMode threading) throws IOException
    {
        return ChildJvm.start(CrashChild.class, CrashChild.arguments(directory, EVENTS, SHARDS, eventsPerPause, checkpointMs, threading));
    }
}
