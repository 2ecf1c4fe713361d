package io.sluice.bench;

import io.sluice.Aggregates;
import io.sluice.state.KeyDictionary;
import io.sluice.window.AccumulatorLayout;
import io.sluice.window.KeyTags;
import io.sluice.window.Output;
import io.sluice.window.OutputSequence;
import io.sluice.window.WindowOperator;
import io.sluice.window.WindowOperators;

import java.util.function.LongUnaryOperator;

/**
 * {@link WindowUpdateBenchmark}'s loop as a plain function, for {@link SideBySide}: {@code applyAsLong(n)}
 * runs the next n events through one operator and returns the nanoseconds they took. Each build under
 * comparison loads its own copy of this class, so the loop is the same code compiled against each build.
 */
public final class OperatorLap implements LongUnaryOperator
{
    private final long[] events;
    private final WindowOperator operator;
    private long watermarkMs = Long.MIN_VALUE;
    private long maxTimeMs = Long.MIN_VALUE;
    private long timeShiftMs;
    private int cursor;
    private long consumed;

    public OperatorLap(final String window, final int keyCount)
    {
        events = WindowUpdateBenchmark.events(keyCount);
        final Output output = new Output("lap", 0, 0, new OutputSequence(), new KeyDictionary(16),
            new AccumulatorLayout(Aggregates.standard()), r -> consumed += r.sum(), late -> consumed += late.value(),
            Throwable::printStackTrace, null);
        operator = WindowOperators.create(WindowUpdateBenchmark.windowSpec(window), 0, output, keyCount);
    }

    public long applyAsLong(final long count)
    {
        final long started = System.nanoTime();
        final long[] events = this.events;
        final WindowOperator operator = this.operator;
        for (long n = 0; n < count; n++)
        {
            final int i = cursor * 3;
            final long t = events[i] + timeShiftMs;
            operator.onElement(KeyTags.LONG, events[i + 1], t, events[i + 2], 0, watermarkMs);
            if (t > maxTimeMs)
            {
                maxTimeMs = t;
                final long watermark = t - WindowUpdateBenchmark.BOUND_MS - 1;
                if (watermark > watermarkMs)
                {
                    watermarkMs = watermark;
                    operator.onWatermark(watermark);
                }
            }
            if (++cursor == WindowUpdateBenchmark.EVENTS)
            {
                cursor = 0;
                timeShiftMs += WindowUpdateBenchmark.EVENTS / 100 + WindowUpdateBenchmark.BOUND_MS * 2;
            }
        }
        return System.nanoTime() - started;
    }

    /** What the listeners saw, so that no result goes unread. */
    public long consumed()
    {
        return consumed;
    }
}
