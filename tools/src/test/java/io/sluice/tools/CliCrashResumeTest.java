package io.sluice.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once through the CLI: {@code sluice run} on a journaled config is killed with SIGKILL at random
 * moments, the same command is run again each time, and in the end every output file is byte for byte the
 * file an uninterrupted run writes.
 */
class CliCrashResumeTest
{
    private static final int KILLS = Integer.getInteger("sluice.cli.kills", 5);
    private static final long SEED = Long.getLong("sluice.cli.seed", System.nanoTime());

    @Test
    void killedAndRerunWritesTheFilesOfAnUninterruptedRun(@TempDir final Path temp) throws Exception
    {
        final Path reference = Files.createDirectories(temp.resolve("reference"));
        final Path crashed = Files.createDirectories(temp.resolve("crashed"));
        writeConfig(reference);
        writeConfig(crashed);
        final CliProcess.Result straight = CliProcess.run(reference, "run", "pipeline.yaml");
        assertEquals(0, straight.exitCode(), straight.stderr());

        final SplittableRandom random = new SplittableRandom(SEED);
        int kills = 0;
        for (int attempt = 0; attempt < KILLS * 3 && kills < KILLS; attempt++)
        {
            final Process run = CliProcess.start(crashed, "run", "pipeline.yaml");
            if (run.waitFor(random.nextLong(300, 2_500), TimeUnit.MILLISECONDS))
            {
                break; // finished before the kill came
            }
            run.destroyForcibly();
            run.waitFor();
            kills++;
        }
        final CliProcess.Result last = CliProcess.run(crashed, "run", "pipeline.yaml");
        System.out.println("kills=" + kills + " seed=" + SEED + "; last run: " + last.stdout().trim());
        assertEquals(0, last.exitCode(), last.stderr());
        assertTrue(kills >= 1, "at least one kill landed (seed " + SEED + ")");

        for (final String file : new String[] {"out/per_second.csv", "out/rolling.csv", "out/sessions.csv", "out/late.csv"})
        {
            final byte[] expected = Files.readAllBytes(reference.resolve(file));
            assertTrue(expected.length > 10_000 || file.contains("late"), file + " holds results: " + expected.length);
            assertArrayEquals(expected, Files.readAllBytes(crashed.resolve(file)),
                file + " after " + kills + " kills (seed " + SEED + ") equals the uninterrupted run's");
        }
        try (Stream<Path> deadLetters = Files.list(crashed.resolve("out")))
        {
            assertEquals(4, deadLetters.count(), "the four output files, nothing else");
        }
    }

    private static void writeConfig(final Path directory) throws Exception
    {
        Files.writeString(directory.resolve("pipeline.yaml"), String.join("\n",
            "app_name: crash",
            "source: {type: generator, events: 400000, keys: 2000, distribution: zipf, rate: 150000, disorder: 100ms,",
            "         late_fraction: 0.01, seed: 5}",
            "processing: {parallelism: 2, queue_size: 4096, checkpoint_interval: 300ms}",
            "watermarks: {out_of_orderness: 200ms}",
            "windowing:",
            "  windows:",
            "    - {name: per_second, type: tumbling, size: 1s, allowed_lateness: 100ms}",
            "    - {name: rolling, type: sliding, size: 4s, slide: 1s}",
            "    - {name: sessions, type: session, gap: 300ms}",
            "sink: {type: file, path: out/{window}.csv, format: csv}",
            "late_sink: {type: file, path: out/late.csv}",
            "journal: {dir: var/journal}",
            ""));
    }
}
