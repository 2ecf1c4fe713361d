package io.sluice.window;

import io.sluice.Aggregate;
import io.sluice.Aggregates;
import io.sluice.WindowSpec;
import io.sluice.state.KeyDictionary;
import io.sluice.state.StateReader;
import io.sluice.testing.SavedState;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Drives one window operator by hand, as a shard does, and records what it outputs as text lines:
 * {@code start,end,key,count,sum,min,max,firing} for results and {@code late:key,t,value} for late events.
 * The watermark an element is judged against is the last one given to {@link #watermark(long)}.
 */
public final class WindowHarness implements AutoCloseable
{
    private final KeyDictionary dictionary = new KeyDictionary(16);
    private final Function<Output, WindowOperator> operatorFactory;
    private final Output out;
    private WindowOperator operator;
    private final List<String> output = new ArrayList<>();
    private long watermarkMs = Long.MIN_VALUE;

    public WindowHarness(final WindowSpec window, final long latenessMs)
    {
        this(window, latenessMs, Aggregates.standard());
    }

    public WindowHarness(final WindowSpec window, final long latenessMs, final Aggregate[] aggregates)
    {
        this(aggregates, out -> WindowOperators.create(window, latenessMs, out, 16, 0));
    }

    /** A harness around an operator built by hand, e.g. with unusual internal sizes. */
    public WindowHarness(final Aggregate[] aggregates, final Function<Output, WindowOperator> operatorFactory)
    {
        this.operatorFactory = operatorFactory;
        out = new Output("test", 0, 0, new OutputSequence(), dictionary, new AccumulatorLayout(aggregates),
            r ->
            {
                final StringBuilder line = new StringBuilder().append(r.windowStartMs()).append(',').append(r.windowEndMs())
                    .append(',').append(r.key()).append(',').append(r.count()).append(',').append(r.sum()).append(',')
                    .append(r.min()).append(',').append(r.max()).append(',').append(r.firing());
                for (int i = 0; i < aggregates.length; i++)
                {
                    if (aggregates[i].kind() == Aggregate.Kind.CUSTOM)
                    {
                        line.append(',').append(aggregates[i].name()).append('=').append(r.value(i));
                    }
                }
                output.add(line.toString());
            },
            late -> output.add("late:" + late.key() + "," + late.eventTimeMs() + "," + late.value()),
            t ->
            {
                throw new AssertionError(t);
            },
            null);
        operator = operatorFactory.apply(out);
    }

    public WindowHarness element(final String key, final long eventTimeMs, final long value)
    {
        final char[] chars = key.toCharArray();
        final long id = dictionary.intern(chars, chars.length, KeyDictionary.hash(chars, chars.length));
        operator.onElement(KeyTags.TEXT, id, eventTimeMs, value, 0, watermarkMs);
        return this;
    }

    public WindowHarness longKeyElement(final long key, final long eventTimeMs, final long value)
    {
        operator.onElement(KeyTags.LONG, key, eventTimeMs, value, 0, watermarkMs);
        return this;
    }

    public WindowHarness watermark(final long watermarkMs)
    {
        if (watermarkMs > this.watermarkMs)
        {
            this.watermarkMs = watermarkMs;
            operator.onWatermark(watermarkMs);
        }
        return this;
    }

    public WindowHarness endOfInput()
    {
        return watermark(Long.MAX_VALUE);
    }

    /**
     * Sorts harness output lines: results go to {@code results}, late events are counted.
     *
     * @return how many of the lines were late events.
     */
    public static int collectResults(final List<String> lines, final List<String> results)
    {
        int late = 0;
        for (final String line : lines)
        {
            if (line.startsWith("late:"))
            {
                late++;
            }
            else
            {
                results.add(line);
            }
        }
        return late;
    }

    /** Output since the last call, in emission order. */
    public List<String> drain()
    {
        final List<String> drained = new ArrayList<>(output);
        output.clear();
        return drained;
    }

    /** Saves the operator's state and goes on with a new operator restored from it, as recovery would. */
    public WindowHarness checkpointAndRestore()
    {
        final StateReader saved = SavedState.readerOf(operator::saveTo);
        operator.close();
        operator = operatorFactory.apply(out);
        operator.restoreFrom(saved);
        return this;
    }

    public WindowOperator operator()
    {
        return operator;
    }

    public void close()
    {
        operator.close();
        dictionary.close();
    }
}
