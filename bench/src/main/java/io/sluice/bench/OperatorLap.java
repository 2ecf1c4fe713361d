package io.sluice.bench;

import io.sluice.Aggregates;
import io.sluice.LateListener;
import io.sluice.ResultListener;
import io.sluice.WindowSpec;
import io.sluice.Windows;
import io.sluice.state.KeyDictionary;
import io.sluice.window.AccumulatorLayout;
import io.sluice.window.KeyTags;
import io.sluice.window.Output;
import io.sluice.window.OutputSequence;
import io.sluice.window.WindowOperator;
import io.sluice.window.WindowOperators;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.LongUnaryOperator;

/**
 * One window operator driven as the shard thread drives it, on pre-generated events: each element judged
 * against the watermark, then the watermark advanced, firing windows. {@link WindowUpdateBenchmark}
 * measures {@link #run} under JMH; {@link SideBySide} loads one copy of this class per build under
 * comparison and times it with {@link #applyAsLong}, so both measure the same loop.
 *
 * <pre>
 *   pre-generated events ──► WindowOperator.onElement ──► onWatermark ──► Output ──► listeners
 * </pre>
 *
 * Keys are drawn uniformly; event time advances 1 ms per 100 events by default with up to 100 ms of
 * disorder, so a 1 s tumbling window holds ~10 events per key at 10 000 keys, and windows fire
 * continuously: a firing's cost per key is shared by ten events. More events per millisecond share it
 * among more ({@code eventsPerMs}).
 */
public final class OperatorLap implements LongUnaryOperator, AutoCloseable
{
    static final int EVENTS = 1 << 20;
    static final long BOUND_MS = 100;
    static final int DEFAULT_EVENTS_PER_MS = 100;

    // Events interleaved as (time, key, value) triples, as a ring slot holds them: one stream to read, not three.
    private final long[] events;
    private final KeyDictionary dictionary = new KeyDictionary(16);
    private final WindowOperator operator;
    private final int eventsPerMs;
    private long watermarkMs = Long.MIN_VALUE;
    private long maxTimeMs = Long.MIN_VALUE;
    private long timeShiftMs;
    private int cursor;
    private long consumed;

    /** With listeners that sum what they see, so that no result goes unread: for {@link SideBySide}. */
    public OperatorLap(final String window, final int keyCount)
    {
        this(window, keyCount, DEFAULT_EVENTS_PER_MS);
    }

    /** As {@link #OperatorLap(String, int)}, with event time advancing 1 ms per {@code eventsPerMs} events. */
    public OperatorLap(final String window, final int keyCount, final int eventsPerMs)
    {
        this(window, keyCount, eventsPerMs, null, null);
    }

    /**
     * @param window      as {@link WindowUpdateBenchmark#window}.
     * @param eventsPerMs events per millisecond of event time.
     * @param results     null for a listener summing each result's sum.
     * @param late        null for a listener summing each late value.
     */
    public OperatorLap(
        final String window, final int keyCount, final int eventsPerMs, final ResultListener results, final LateListener late)
    {
        if (eventsPerMs < 1)
        {
            throw new IllegalArgumentException("eventsPerMs must be at least 1: " + eventsPerMs);
        }
        this.eventsPerMs = eventsPerMs;
        events = events(keyCount, eventsPerMs);
        final Output output = new Output("lap", 0, 0, new OutputSequence(), dictionary, new AccumulatorLayout(Aggregates.standard()),
            results != null ? results : r -> consumed += r.sum(), late != null ? late : l -> consumed += l.value(),
            Throwable::printStackTrace, null);
        operator = WindowOperators.create(windowSpec(window), 0, output, keyCount, BOUND_MS);
    }

    /** Runs the next {@code count} events; the same events come round again shifted forward in time. */
    public void run(final long count)
    {
        run(count, false);
    }

    /**
     * Runs the next {@code count} events as {@link #run(long)} does, timing each watermark's work (the
     * firings, and whatever else the operator does per watermark) apart from the elements': for
     * {@link FiringShare}.
     *
     * @return the nanoseconds spent in {@code onWatermark}.
     */
    public long runTimingWatermarks(final long count)
    {
        return run(count, true);
    }

    // One branch per watermark (every hundred events at the default density), always the same way in a lap.
    private long run(final long count, final boolean timeWatermarks)
    {
        final long[] events = this.events;
        final WindowOperator operator = this.operator;
        long watermarkNanos = 0;
        for (long n = 0; n < count; n++)
        {
            final int i = cursor * 3;
            final long t = events[i] + timeShiftMs;
            operator.onElement(KeyTags.LONG, events[i + 1], t, events[i + 2], 0, watermarkMs);
            if (t > maxTimeMs)
            {
                maxTimeMs = t;
                final long watermark = t - BOUND_MS - 1;
                if (watermark > watermarkMs)
                {
                    watermarkMs = watermark;
                    if (timeWatermarks)
                    {
                        final long started = System.nanoTime();
                        operator.onWatermark(watermark);
                        watermarkNanos += System.nanoTime() - started;
                    }
                    else
                    {
                        operator.onWatermark(watermark);
                    }
                }
            }
            if (++cursor == EVENTS)
            {
                cursor = 0;
                timeShiftMs += EVENTS / eventsPerMs + BOUND_MS * 2;
            }
        }
        return watermarkNanos;
    }

    /** @return the nanoseconds the next {@code count} events took. */
    public long applyAsLong(final long count)
    {
        final long started = System.nanoTime();
        run(count);
        return System.nanoTime() - started;
    }

    /** What the default listeners saw. */
    public long consumed()
    {
        return consumed;
    }

    public void close()
    {
        operator.close();
        dictionary.close();
    }

    /** The events every lap runs by default: (time, key, value) triples, the same for a given key count. */
    static long[] events(final int keyCount)
    {
        return events(keyCount, DEFAULT_EVENTS_PER_MS);
    }

    static long[] events(final int keyCount, final int eventsPerMs)
    {
        final SplittableRandom random = new SplittableRandom(7);
        final long[] events = new long[EVENTS * 3];
        for (int i = 0; i < EVENTS; i++)
        {
            events[i * 3] = i / eventsPerMs - random.nextLong(BOUND_MS);
            events[i * 3 + 1] = random.nextInt(keyCount);
            events[i * 3 + 2] = random.nextLong(1000);
        }
        return events;
    }

    private static WindowSpec windowSpec(final String window)
    {
        switch (window)
        {
            case "sliding":
                return Windows.sliding(Duration.ofSeconds(10), Duration.ofSeconds(1));
            case "sliding-50ms":
                return Windows.sliding(Duration.ofSeconds(2), Duration.ofMillis(50));
            case "sliding-10ms":
                return Windows.sliding(Duration.ofSeconds(2), Duration.ofMillis(10));
            case "sliding-100":
                return Windows.sliding(Duration.ofSeconds(100), Duration.ofSeconds(1));
            case "tumbling-10s":
                return Windows.tumbling(Duration.ofSeconds(10));
            case "session":
                return Windows.session(Duration.ofMillis(500));
            default:
                return Windows.tumbling(Duration.ofSeconds(1));
        }
    }
}
