package io.sluice;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A key's live windows, asked of the shard that owns it through the ring, exactly as its state holds them. */
class LiveWindowsTest
{
    @Test
    void eachWindowTypeReportsTheKeysOpenWindowsOldestFirst() throws Exception
    {
        try (Sluice sluice = Sluice.builder().shards(2).ringSize(1 << 8)
            .pipeline("tumbling", p -> p.watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(500)))
                .window(Windows.tumbling(Duration.ofSeconds(1))))
            .pipeline("sliding", p -> p.watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(500)))
                .window(Windows.sliding(Duration.ofSeconds(2), Duration.ofSeconds(1))))
            .pipeline("sessions", p -> p.watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(500)))
                .window(Windows.session(Duration.ofMillis(300))))
            .start())
        {
            for (final String pipeline : sluice.pipelines())
            {
                sluice.publish(pipeline, 100, "alice", 5);
                sluice.publish(pipeline, 700, "alice", 3);
                sluice.publish(pipeline, 1_200, "alice", 9);
                sluice.publish(pipeline, 1_250, 42L, 1);
                sluice.publish(pipeline, 1_300, "bob", 2);
            }
            // The watermark stands at 1300 - 500 - 1 = 799: windows ending by 800 have fired and, without lateness, gone.
            assertEquals(List.of(
                new WindowState("tumbling", 0, 1_000, 2, 8, 3, 5),
                new WindowState("tumbling", 1_000, 2_000, 1, 9, 9, 9)), sluice.liveWindows("tumbling", "alice"));
            assertEquals(List.of(
                new WindowState("sliding", -1_000, 1_000, 2, 8, 3, 5),
                new WindowState("sliding", 0, 2_000, 3, 17, 3, 9),
                new WindowState("sliding", 1_000, 3_000, 1, 9, 9, 9)), sluice.liveWindows("sliding", "alice"));
            assertEquals(List.of(
                new WindowState("sessions", 700, 1_000, 1, 3, 3, 3),
                new WindowState("sessions", 1_200, 1_500, 1, 9, 9, 9)), sluice.liveWindows("sessions", "alice"));
            assertEquals(List.of(new WindowState("tumbling", 1_000, 2_000, 1, 1, 1, 1)), sluice.liveWindows("tumbling", 42L));
            assertEquals(List.of(), sluice.liveWindows("tumbling", "nobody"), "an unknown key has no windows, and is not interned");
            assertEquals(List.of(), sluice.liveWindows("tumbling", 7L));

            // The watermark moves to 1899: [0, 1000) and the session ending at 1500 fire and go.
            for (final String pipeline : sluice.pipelines())
            {
                sluice.publish(pipeline, 2_400, "bob", 1);
            }
            assertEquals(List.of(new WindowState("tumbling", 1_000, 2_000, 1, 9, 9, 9)), sluice.liveWindows("tumbling", "alice"));
            assertEquals(List.of(
                new WindowState("sliding", 0, 2_000, 3, 17, 3, 9),
                new WindowState("sliding", 1_000, 3_000, 1, 9, 9, 9)), sluice.liveWindows("sliding", "alice"));
            assertEquals(List.of(), sluice.liveWindows("sessions", "alice"));
        }
    }

    @Test
    void askingAClosedEngineIsAClearError()
    {
        final Sluice sluice = Sluice.builder().pipeline("p", p -> p.window(Windows.tumbling(Duration.ofSeconds(1)))).start();
        sluice.close();
        assertEquals("Sluice is closed: no shard to ask about key 'k' of p",
            assertThrows(IllegalStateException.class, () -> sluice.liveWindows("p", "k")).getMessage());
    }
}
