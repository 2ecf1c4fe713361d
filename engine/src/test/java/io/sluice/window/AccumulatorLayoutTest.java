package io.sluice.window;

import io.sluice.Aggregate;
import io.sluice.Aggregates;
import io.sluice.state.DirectMemory;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Adding to an accumulator gives the same block whether it lives off-heap (raw addresses) or in an array. */
class AccumulatorLayoutTest
{
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void offHeapAndOnHeapAccumulatorsAgreeExactly(final boolean withCustom)
    {
        final Aggregate[] aggregates = withCustom ?
            new Aggregate[] {Aggregates.count(), Aggregates.sum(), Aggregates.min(), Aggregates.max(), Aggregates.custom(new WindowScriptTest.SumOfSquares())} :
            Aggregates.standard();
        final AccumulatorLayout layout = new AccumulatorLayout(aggregates);
        final int offset = 24; // not at the start of either buffer
        final UnsafeBuffer onHeap = new UnsafeBuffer(new byte[offset + layout.bytes()]);
        try (DirectMemory memory = new DirectMemory(offset + layout.bytes()))
        {
            final UnsafeBuffer offHeap = memory.buffer();
            final SplittableRandom random = new SplittableRandom(17);
            long count = 0;
            long sum = 0;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            long squares = 0;
            for (int i = 0; i < 10_000; i++)
            {
                final long value = random.nextLong(-1_000_000, 1_000_000);
                if (i == 0)
                {
                    layout.first(onHeap, offset, value);
                    layout.first(offHeap, offset, value);
                }
                else
                {
                    layout.add(onHeap, offset, value);
                    layout.add(offHeap, offset, value);
                }
                count++;
                sum += value;
                min = Math.min(min, value);
                max = Math.max(max, value);
                squares += value * value;
            }
            for (final UnsafeBuffer buffer : new UnsafeBuffer[] {onHeap, offHeap})
            {
                assertEquals(count, layout.value(buffer, offset, 0));
                assertEquals(sum, layout.value(buffer, offset, 1));
                assertEquals(min, layout.value(buffer, offset, 2));
                assertEquals(max, layout.value(buffer, offset, 3));
                if (withCustom)
                {
                    assertEquals(squares, layout.value(buffer, offset, 4));
                }
            }
            assertEquals(0L, offHeap.getLong(0), "nothing written before the accumulator");
        }
    }
}
