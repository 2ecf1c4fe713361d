package io.sluice.journal;

import io.sluice.Aggregates;
import io.sluice.PrimitiveAggregate;
import io.sluice.Sluice;
import io.sluice.ThreadingMode;
import io.sluice.Watermarks;
import io.sluice.Windows;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recovery replays the journal through the ring to shard threads. Whatever the threading mode and however
 * small the ring (so that the replaying thread waits on the shards over and over), a replay without output
 * journals must write every shard's outputs again byte for byte; a shard failing mid-replay must fail the
 * start, not leave it waiting on a ring nobody drains.
 */
class RecoveryReplayTest
{
    private static final int EVENTS = 60_000;

    @TempDir
    Path temp;

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void aReplayThroughATinyRingWritesEveryShardsOutputsAgainByteForByte(final ThreadingMode mode) throws IOException
    {
        final Path original = temp.resolve("original");
        try (Sluice sluice = CheckpointRecoveryTest.engine(original, "tumbling"))
        {
            for (int i = 0; i < EVENTS; i++)
            {
                CheckpointRecoveryTest.publish(sluice, i);
            }
        }
        final Path copy = TestFiles.copyTree(original, temp.resolve("copy"));
        TestFiles.deleteRecursively(copy.resolve("output"));
        try (Sluice replayed = CrashChild.withPipelines(Sluice.builder(), Duration.ofMillis(500))
            .shards(CheckpointRecoveryTest.SHARDS)
            .ringSize(64)
            .threadingMode(mode)
            .storage(JournalStorage.open(copy))
            .checkpointInterval(Duration.ZERO)
            .start())
        {
            assertEquals(EVENTS + 1, replayed.recoveredRecords(), "every event and the end of input");
        }
        final List<List<String>> expected = OutputRecords.readRawByShard(original, CheckpointRecoveryTest.SHARDS);
        final List<List<String>> actual = OutputRecords.readRawByShard(copy, CheckpointRecoveryTest.SHARDS);
        for (int shard = 0; shard < expected.size(); shard++)
        {
            assertTrue(expected.get(shard).size() > 1_000, "shard " + shard + " has outputs to compare");
            assertEquals(expected.get(shard), actual.get(shard), "shard " + shard);
        }
    }

    @Test
    void aShardFailingMidReplayFailsTheStart()
    {
        final Path directory = temp.resolve("failing");
        final FailOnValue aggregate = new FailOnValue();
        try (Sluice sluice = engine(directory, aggregate))
        {
            for (int i = 0; i < EVENTS; i++)
            {
                sluice.publish("values", i, i % 100, i);
            }
        }
        aggregate.failOn = EVENTS / 2; // replays fine up to here, then the shard throws
        final IllegalStateException failed = assertTimeoutPreemptively(Duration.ofSeconds(60),
            () -> assertThrows(IllegalStateException.class, () -> engine(directory, aggregate).close()));
        assertTrue(failed.getMessage().contains("recovery failed"), failed.getMessage());
        assertTrue(causes(failed, "value " + EVENTS / 2 + " refused"), "the shard's exception is the cause: " + failed);
    }

    private static Sluice engine(final Path directory, final FailOnValue aggregate)
    {
        return Sluice.builder()
            .shards(CheckpointRecoveryTest.SHARDS)
            .ringSize(64)
            .errorHandler(error -> { }) // expected; the start's exception carries it
            .storage(JournalStorage.open(directory))
            .checkpointInterval(Duration.ZERO)
            .pipeline("values", p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ZERO))
                .window(Windows.tumbling(Duration.ofMillis(100)))
                .aggregate(Aggregates.count(), Aggregates.custom(aggregate)))
            .start();
    }

    private static boolean causes(final Throwable failure, final String message)
    {
        for (Throwable t = failure; t != null; t = t.getCause())
        {
            if (t.getMessage() != null && t.getMessage().contains(message))
            {
                return true;
            }
        }
        return false;
    }

    /** A sum that refuses one value once told to: the stand-in for a shard that breaks mid-replay. */
    private static final class FailOnValue implements PrimitiveAggregate
    {
        volatile long failOn = -1;

        public String name()
        {
            return "sum_refusing";
        }

        public int accumulatorBytes()
        {
            return 8;
        }

        public void reset(final MutableDirectBuffer accumulator, final int offset)
        {
            accumulator.putLong(offset, 0);
        }

        public void add(final MutableDirectBuffer accumulator, final int offset, final long value)
        {
            if (value == failOn)
            {
                throw new IllegalArgumentException("value " + value + " refused");
            }
            accumulator.putLong(offset, accumulator.getLong(offset) + value);
        }

        public void merge(final MutableDirectBuffer target, final int targetOffset, final DirectBuffer source, final int sourceOffset)
        {
            target.putLong(targetOffset, target.getLong(targetOffset) + source.getLong(sourceOffset));
        }

        public long result(final DirectBuffer accumulator, final int offset)
        {
            return accumulator.getLong(offset);
        }
    }
}
