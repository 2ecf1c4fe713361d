package io.sluice;

/**
 * One firing of one window for one key. A reused flyweight: valid only during the callback; copy what
 * you keep. {@link #count()}, {@link #sum()}, {@link #min()} and {@link #max()} are always available;
 * {@link #value(int)} returns the pipeline's declared aggregates in declaration order.
 */
public interface WindowResult
{
    String pipeline();

    int pipelineId();

    long windowStartMs();

    /** Exclusive. */
    long windowEndMs();

    /** The key as text: the publisher's text, or the decimal form of a long key. */
    CharSequence key();

    /** True when the key was published as a long; then {@link #keyAsLong()} is it. */
    boolean isLongKey();

    long keyAsLong();

    long count();

    long sum();

    long min();

    long max();

    /** The i-th aggregate given to {@code aggregate(...)}. */
    long value(int aggregateIndex);

    /** 0 for the on-time firing, then 1, 2... for each late re-firing of the same window. */
    int firing();

    int shard();

    /** The shard's output sequence: (shard, sequence) identifies this output. */
    long sequence();

    /**
     * The input journal index of the input whose processing produced this output (the event, or the event
     * or tick whose watermark fired the window); -1 without a journal. Merging shards' outputs by
     * (inputIndex, shard, sequence) gives one order whatever the threads' timing.
     */
    long inputIndex();
}
