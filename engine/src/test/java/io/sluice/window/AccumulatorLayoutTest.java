package io.sluice.window;

import io.sluice.Aggregate;
import io.sluice.Aggregates;
import io.sluice.PrimitiveAggregate;
import io.sluice.state.DirectMemory;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Adding to an accumulator gives the same block whether it lives off-heap (raw addresses) or in an array. */
class AccumulatorLayoutTest
{
    private static final PrimitiveAggregate SUM_OF_SQUARES = new PrimitiveAggregate()
    {
        public String name()
        {
            return "sum_of_squares";
        }

        public int accumulatorBytes()
        {
            return Long.BYTES;
        }

        public void reset(final MutableDirectBuffer accumulator, final int offset)
        {
            accumulator.putLong(offset, 0);
        }

        public void add(final MutableDirectBuffer accumulator, final int offset, final long value)
        {
            accumulator.putLong(offset, accumulator.getLong(offset) + value * value);
        }

        public void merge(final MutableDirectBuffer target, final int targetOffset, final DirectBuffer source, final int sourceOffset)
        {
            target.putLong(targetOffset, target.getLong(targetOffset) + source.getLong(sourceOffset));
        }

        public long result(final DirectBuffer accumulator, final int offset)
        {
            return accumulator.getLong(offset);
        }
    };

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void offHeapAndOnHeapAccumulatorsAgreeExactly(final boolean withCustom)
    {
        final Aggregate[] aggregates = withCustom ?
            new Aggregate[] {Aggregates.count(), Aggregates.sum(), Aggregates.min(), Aggregates.max(), Aggregates.custom(SUM_OF_SQUARES)} :
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
