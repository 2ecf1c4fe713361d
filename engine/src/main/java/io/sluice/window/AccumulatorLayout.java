package io.sluice.window;

import io.sluice.Aggregate;
import io.sluice.PrimitiveAggregate;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

/**
 * Byte layout of one accumulator and the operations on it.
 *
 * <pre>
 *   0        8        16       24       32
 *   +--------+--------+--------+--------+------------------------------+
 *   | count  |  sum   |  min   |  max   | custom aggregates, in order  |
 *   +--------+--------+--------+--------+------------------------------+
 * </pre>
 *
 * The built-in block is always maintained (see {@link io.sluice.Aggregates}); custom aggregates follow
 * at fixed offsets.
 */
public final class AccumulatorLayout
{
    public static final int COUNT_OFFSET = 0;
    public static final int SUM_OFFSET = 8;
    public static final int MIN_OFFSET = 16;
    public static final int MAX_OFFSET = 24;
    public static final int BUILTIN_BYTES = 32;

    private final Aggregate[] declared;
    private final PrimitiveAggregate[] customs;
    private final int[] customOffsets;
    private final int[] declaredCustomIndex;
    private final int bytes;

    public AccumulatorLayout(final Aggregate[] declared)
    {
        this.declared = declared.clone();
        int customCount = 0;
        for (final Aggregate aggregate : declared)
        {
            if (aggregate.kind() == Aggregate.Kind.CUSTOM)
            {
                customCount++;
            }
        }
        customs = new PrimitiveAggregate[customCount];
        customOffsets = new int[customCount];
        declaredCustomIndex = new int[declared.length];
        int offset = BUILTIN_BYTES;
        int c = 0;
        for (int i = 0; i < declared.length; i++)
        {
            declaredCustomIndex[i] = -1;
            if (declared[i].kind() == Aggregate.Kind.CUSTOM)
            {
                customs[c] = declared[i].custom();
                customOffsets[c] = offset;
                declaredCustomIndex[i] = c;
                offset += org.agrona.BitUtil.align(customs[c].accumulatorBytes(), 8);
                c++;
            }
        }
        bytes = offset;
    }

    public int bytes()
    {
        return bytes;
    }

    /** Whether the accumulator is the built-in block alone, so that callers may merge it field by field. */
    public boolean builtinOnly()
    {
        return customs.length == 0;
    }

    /** Merges built-in totals, summed elsewhere, into an accumulator: the tail of a merge done in registers. */
    public static void mergeBuiltins(
        final MutableDirectBuffer target, final int targetOffset, final long count, final long sum, final long min, final long max)
    {
        target.putLong(targetOffset + COUNT_OFFSET, target.getLong(targetOffset + COUNT_OFFSET) + count);
        target.putLong(targetOffset + SUM_OFFSET, target.getLong(targetOffset + SUM_OFFSET) + sum);
        target.putLong(targetOffset + MIN_OFFSET, Math.min(target.getLong(targetOffset + MIN_OFFSET), min));
        target.putLong(targetOffset + MAX_OFFSET, Math.max(target.getLong(targetOffset + MAX_OFFSET), max));
    }

    /** Writes built-in totals, summed elsewhere, over an accumulator of the built-in block alone. */
    public static void writeBuiltins(
        final MutableDirectBuffer target, final int targetOffset, final long count, final long sum, final long min, final long max)
    {
        target.putLong(targetOffset + COUNT_OFFSET, count);
        target.putLong(targetOffset + SUM_OFFSET, sum);
        target.putLong(targetOffset + MIN_OFFSET, min);
        target.putLong(targetOffset + MAX_OFFSET, max);
    }

    /** Initialises an accumulator holding exactly one value. */
    public void first(final MutableDirectBuffer buffer, final int offset, final long value)
    {
        if (buffer.byteArray() == null && customs.length == 0)
        {
            firstOffHeap(buffer.addressOffset() + offset, value);
            return;
        }
        buffer.putLong(offset + COUNT_OFFSET, 1);
        buffer.putLong(offset + SUM_OFFSET, value);
        buffer.putLong(offset + MIN_OFFSET, value);
        buffer.putLong(offset + MAX_OFFSET, value);
        for (int i = 0; i < customs.length; i++)
        {
            customs[i].reset(buffer, offset + customOffsets[i]);
            customs[i].add(buffer, offset + customOffsets[i], value);
        }
    }

    public void add(final MutableDirectBuffer buffer, final int offset, final long value)
    {
        if (buffer.byteArray() == null && customs.length == 0)
        {
            addOffHeap(buffer.addressOffset() + offset, value);
            return;
        }
        buffer.putLong(offset + COUNT_OFFSET, buffer.getLong(offset + COUNT_OFFSET) + 1);
        buffer.putLong(offset + SUM_OFFSET, buffer.getLong(offset + SUM_OFFSET) + value);
        // Stores without branches: with a few values per window, whether one is a new minimum or maximum
        // is a coin the branch predictor cannot call, and the line is being written anyway.
        buffer.putLong(offset + MIN_OFFSET, Math.min(buffer.getLong(offset + MIN_OFFSET), value));
        buffer.putLong(offset + MAX_OFFSET, Math.max(buffer.getLong(offset + MAX_OFFSET), value));
        for (int i = 0; i < customs.length; i++)
        {
            customs[i].add(buffer, offset + customOffsets[i], value);
        }
    }

    /**
     * The built-in block at a raw address. Through a buffer, every load and store goes through an object that
     * may or may not be an array, which the JIT must treat as possibly aliasing the buffer's own fields, so it
     * reloads them around each store; at a raw address it knows better.
     */
    private static void addOffHeap(final long address, final long value)
    {
        UnsafeApi.putLong(address + COUNT_OFFSET, UnsafeApi.getLong(address + COUNT_OFFSET) + 1);
        UnsafeApi.putLong(address + SUM_OFFSET, UnsafeApi.getLong(address + SUM_OFFSET) + value);
        UnsafeApi.putLong(address + MIN_OFFSET, Math.min(UnsafeApi.getLong(address + MIN_OFFSET), value));
        UnsafeApi.putLong(address + MAX_OFFSET, Math.max(UnsafeApi.getLong(address + MAX_OFFSET), value));
    }

    /** As {@link #addOffHeap}, for an accumulator's first value. */
    private static void firstOffHeap(final long address, final long value)
    {
        UnsafeApi.putLong(address + COUNT_OFFSET, 1);
        UnsafeApi.putLong(address + SUM_OFFSET, value);
        UnsafeApi.putLong(address + MIN_OFFSET, value);
        UnsafeApi.putLong(address + MAX_OFFSET, value);
    }

    /** The empty accumulator: count 0, and min/max at their identities. */
    public void clear(final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putLong(offset + COUNT_OFFSET, 0);
        buffer.putLong(offset + SUM_OFFSET, 0);
        buffer.putLong(offset + MIN_OFFSET, Long.MAX_VALUE);
        buffer.putLong(offset + MAX_OFFSET, Long.MIN_VALUE);
        for (int i = 0; i < customs.length; i++)
        {
            customs[i].reset(buffer, offset + customOffsets[i]);
        }
    }

    public void merge(final MutableDirectBuffer target, final int targetOffset, final DirectBuffer source, final int sourceOffset)
    {
        target.putLong(targetOffset + COUNT_OFFSET, target.getLong(targetOffset + COUNT_OFFSET) + source.getLong(sourceOffset + COUNT_OFFSET));
        target.putLong(targetOffset + SUM_OFFSET, target.getLong(targetOffset + SUM_OFFSET) + source.getLong(sourceOffset + SUM_OFFSET));
        target.putLong(targetOffset + MIN_OFFSET, Math.min(target.getLong(targetOffset + MIN_OFFSET), source.getLong(sourceOffset + MIN_OFFSET)));
        target.putLong(targetOffset + MAX_OFFSET, Math.max(target.getLong(targetOffset + MAX_OFFSET), source.getLong(sourceOffset + MAX_OFFSET)));
        for (int i = 0; i < customs.length; i++)
        {
            customs[i].merge(target, targetOffset + customOffsets[i], source, sourceOffset + customOffsets[i]);
        }
    }

    /** The declared aggregate's result, by declaration index. */
    public long value(final DirectBuffer buffer, final int offset, final int aggregateIndex)
    {
        switch (declared[aggregateIndex].kind())
        {
            case COUNT:
                return buffer.getLong(offset + COUNT_OFFSET);
            case SUM:
                return buffer.getLong(offset + SUM_OFFSET);
            case MIN:
                return buffer.getLong(offset + MIN_OFFSET);
            case MAX:
                return buffer.getLong(offset + MAX_OFFSET);
            default:
                final int c = declaredCustomIndex[aggregateIndex];
                return customs[c].result(buffer, offset + customOffsets[c]);
        }
    }
}
