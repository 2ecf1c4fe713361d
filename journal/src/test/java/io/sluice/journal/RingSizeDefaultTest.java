package io.sluice.journal;

import io.sluice.Sluice;
import io.sluice.Windows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The ring's default size follows the storage (a small ring keeps a shard's state in cache, a large one absorbs journal stalls); a size given wins. */
class RingSizeDefaultTest
{
    @Test
    void inMemoryEngineDefaultsToTheSmallerRing()
    {
        try (Sluice sluice = withPipeline(Sluice.builder()).start())
        {
            assertEquals(1 << 14, sluice.ringSize());
            assertEquals(Sluice.Builder.DEFAULT_RING_SIZE_IN_MEMORY, sluice.ringSize());
        }
    }

    @Test
    void journaledEngineDefaultsToTheLargerRing(@TempDir final Path temp)
    {
        try (Sluice sluice = withPipeline(Sluice.builder()).storage(JournalStorage.open(temp)).checkpointInterval(Duration.ZERO).start())
        {
            assertEquals(1 << 16, sluice.ringSize());
            assertEquals(Sluice.Builder.DEFAULT_RING_SIZE_JOURNALED, sluice.ringSize());
        }
    }

    @Test
    void aRingSizeGivenWinsEitherWay(@TempDir final Path temp)
    {
        try (Sluice sluice = withPipeline(Sluice.builder()).ringSize(1 << 18).start())
        {
            assertEquals(1 << 18, sluice.ringSize());
        }
        try (Sluice sluice = withPipeline(Sluice.builder()).ringSize(1 << 8).storage(JournalStorage.open(temp))
            .checkpointInterval(Duration.ZERO).start())
        {
            assertEquals(1 << 8, sluice.ringSize());
        }
    }

    private static Sluice.Builder withPipeline(final Sluice.Builder builder)
    {
        return builder.pipeline("clicks", p -> p.window(Windows.tumbling(Duration.ofSeconds(1))));
    }
}
