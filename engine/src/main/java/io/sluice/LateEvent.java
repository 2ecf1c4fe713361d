package io.sluice;

/**
 * An event that arrived after all its windows were past their allowed lateness, routed to the late
 * output instead of being dropped. A reused flyweight: valid only during the callback.
 */
public interface LateEvent
{
    String pipeline();

    int pipelineId();

    long eventTimeMs();

    CharSequence key();

    boolean isLongKey();

    long keyAsLong();

    long value();

    int partition();

    /** The watermark the event was judged against. */
    long watermarkMs();

    int shard();

    long sequence();

    /** The input journal index of the late event (-1 without a journal). */
    long inputIndex();
}
