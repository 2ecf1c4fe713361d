package io.sluice;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad calls fail before the ring with a message that names the argument and the rule, and never
 * poison a shard: the engine keeps working after each of them.
 */
class BadInputTest
{
    private final List<String> results = new ArrayList<>();
    private Sluice sluice;

    @BeforeEach
    void setUp()
    {
        sluice = Sluice.builder()
            .maxKeyLength(8)
            .pipeline("p", p -> p.window(Windows.tumbling(Duration.ofMillis(10))).onResult(r -> add(r.key() + "," + r.count())))
            .start();
    }

    @AfterEach
    void tearDown()
    {
        sluice.close();
    }

    private synchronized void add(final String line)
    {
        results.add(line);
    }

    private static void assertRejected(final Class<? extends Exception> type, final String messagePart, final Executable call)
    {
        final Exception e = assertThrows(type, call);
        assertTrue(e.getMessage().contains(messagePart), "message '" + e.getMessage() + "' should mention '" + messagePart + "'");
    }

    @Test
    void shouldRejectBadEventsBeforeTheRingAndKeepWorking()
    {
        assertRejected(IllegalArgumentException.class, "key must not be null", () -> sluice.publish("p", 1, (CharSequence)null, 1));
        assertRejected(IllegalArgumentException.class, "key must not be empty", () -> sluice.publish("p", 1, "", 1));
        assertRejected(IllegalArgumentException.class, "maxKeyLength 8", () -> sluice.publish("p", 1, "123456789", 1));
        assertRejected(IllegalArgumentException.class, "unpaired surrogate at index 1", () -> sluice.publish("p", 1, "a\uD83D", 1));
        assertRejected(IllegalArgumentException.class, "unpaired surrogate at index 0", () -> sluice.publish("p", 1, "\uDE00b", 1));
        assertRejected(IllegalArgumentException.class, "outside the supported range",
            () -> sluice.publish("p", EventTimes.MAX_EVENT_TIME_MS + 1, "a", 1));
        assertRejected(IllegalArgumentException.class, "outside the supported range",
            () -> sluice.tryPublish("p", Long.MIN_VALUE, 5L, 1));
        assertRejected(IllegalArgumentException.class, "unknown pipeline 'q'", () -> sluice.publish("q", 1, "a", 1));
        assertRejected(IllegalArgumentException.class, "unknown pipeline 'null'", () -> sluice.publish(null, 1, "a", 1));
        assertRejected(IllegalArgumentException.class, "partition must be in", () -> sluice.publish(0, -1, 1, "a", 1));
        assertRejected(IllegalArgumentException.class, "pipelineId must be in", () -> sluice.publish(7, 0, 1, "a", 1));

        sluice.publish("p", EventTimes.MIN_EVENT_TIME_MS, "12345678", 1);
        sluice.publish("p", EventTimes.MAX_EVENT_TIME_MS, "12345678", 1);
        sluice.close();
        assertEquals(List.of("12345678,1", "12345678,1"), results);
    }

    @Test
    void shouldRejectPublishAfterClose()
    {
        sluice.close();
        assertRejected(IllegalStateException.class, "closed", () -> sluice.publish("p", 1, "a", 1));
        assertRejected(IllegalStateException.class, "closed", () -> sluice.tryPublish("p", 1, 1L, 1));
    }

    @Test
    void shouldRejectBadWindowAndPipelineDefinitions()
    {
        assertRejected(IllegalArgumentException.class, "tumbling window size must be > 0", () -> Windows.tumbling(Duration.ZERO));
        assertRejected(IllegalArgumentException.class, "tumbling window size must be > 0", () -> Windows.tumbling(Duration.ofMillis(-1)));
        assertRejected(IllegalArgumentException.class, "|offset| < size",
            () -> Windows.tumbling(Duration.ofMillis(10), Duration.ofMillis(-10)));
        assertRejected(IllegalArgumentException.class, "sliding window slide must be > 0",
            () -> Windows.sliding(Duration.ofMillis(10), Duration.ZERO));
        assertRejected(IllegalArgumentException.class, "|offset| < slide",
            () -> Windows.sliding(Duration.ofMillis(10), Duration.ofMillis(5), Duration.ofMillis(5)));
        assertRejected(IllegalArgumentException.class, "session gap must be > 0", () -> Windows.session(Duration.ofMillis(-5)));
        assertRejected(IllegalArgumentException.class, "whole number of milliseconds", () -> Windows.session(Duration.ofNanos(10)));
        assertRejected(IllegalArgumentException.class, "at most", () -> Windows.tumbling(Duration.ofDays(365L * 100)));
        assertRejected(IllegalArgumentException.class, "allowed lateness must be >= 0",
            () -> Sluice.builder().pipeline("x", p -> p.window(Windows.session(Duration.ofMillis(1))).allowedLateness(Duration.ofMillis(-1))));
        assertRejected(IllegalArgumentException.class, "out-of-orderness bound must be >= 0",
            () -> Watermarks.boundedOutOfOrderness(Duration.ofMillis(-1)));
        assertRejected(IllegalArgumentException.class, "no window", () -> Sluice.builder().pipeline("x", p -> { }));
        assertRejected(IllegalArgumentException.class, "duplicate pipeline name 'x'", () -> Sluice.builder()
            .pipeline("x", p -> p.window(Windows.session(Duration.ofMillis(1))))
            .pipeline("x", p -> p.window(Windows.session(Duration.ofMillis(1)))));
        assertRejected(IllegalArgumentException.class, "no pipelines", () -> Sluice.builder().start());
        assertRejected(IllegalArgumentException.class, "ringSize must be a power of two", () -> Sluice.builder().ringSize(1000));
        assertRejected(IllegalArgumentException.class, "ringSize must be a power of two in [2, 2^24]", () -> Sluice.builder().ringSize(1 << 25));
        assertRejected(IllegalArgumentException.class, "maxKeyLength must be in [1, 65535]", () -> Sluice.builder().maxKeyLength(65_536));
        assertRejected(IllegalArgumentException.class, "maxKeyLength must be in [1, 65535]", () -> Sluice.builder().maxKeyLength(0));
        assertRejected(IllegalArgumentException.class, "shards must be in", () -> Sluice.builder().shards(0));
        assertRejected(IllegalArgumentException.class, "give at least one aggregate",
            () -> Sluice.builder().pipeline("x", p -> p.aggregate()));
    }

    @Test
    void shouldReportListenerExceptionAndCarryOn()
    {
        final List<Throwable> errors = new ArrayList<>();
        final List<String> seen = new ArrayList<>();
        try (Sluice failing = Sluice.builder()
            .errorHandler(errors::add)
            .pipeline("p", p -> p.window(Windows.tumbling(Duration.ofMillis(10))).onResult(r ->
            {
                if (r.windowStartMs() == 0)
                {
                    throw new IllegalStateException("listener bug");
                }
                seen.add(r.windowStartMs() + "," + r.count());
            }))
            .start())
        {
            failing.publish("p", 1, 1L, 1);
            failing.publish("p", 11, 1L, 1);
            failing.close();
            assertEquals(1, failing.listenerErrorCount());
        }
        assertEquals(List.of("10,1"), seen);
        assertEquals("listener bug", errors.get(0).getMessage());
    }
}
