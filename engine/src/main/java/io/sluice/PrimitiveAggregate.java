package io.sluice;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A user aggregate over {@code long} values whose accumulator is a fixed number of bytes of off-heap
 * state. It must be mergeable: sliding windows combine slices and sessions combine merged windows,
 * so {@code merge(a, b)} must equal adding b's values into a. Implementations must not allocate.
 *
 * <p>Example: a sum of squares keeps one long; {@code add} adds {@code v * v}, {@code merge} adds the
 * two longs, {@code result} returns it.
 */
public interface PrimitiveAggregate
{
    /** Name used in results and headers. */
    String name();

    /** Accumulator width in bytes (a multiple of 8 keeps fields aligned). */
    int accumulatorBytes();

    /** Writes the empty accumulator. */
    void reset(MutableDirectBuffer accumulator, int offset);

    void add(MutableDirectBuffer accumulator, int offset, long value);

    /** Folds {@code source} into {@code target}. */
    void merge(MutableDirectBuffer target, int targetOffset, DirectBuffer source, int sourceOffset);

    long result(DirectBuffer accumulator, int offset);
}
