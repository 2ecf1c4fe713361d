package io.sluice;

/**
 * Which records of a journal to read: an index range (inclusive), optionally narrowed to events whose event
 * time lies in [fromEventTimeMs, toEventTimeMs). Event time is not journal order (inputs arrive out of
 * order), so an event-time bound is a filter over the index range, not a seek.
 */
public record JournalRange(long fromIndex, long toIndex, long fromEventTimeMs, long toEventTimeMs)
{
    /** From the journal's first record. */
    public static final long FIRST = Long.MIN_VALUE;
    /** To the journal's last record. */
    public static final long LAST = Long.MAX_VALUE;

    public JournalRange
    {
        if (fromIndex > toIndex)
        {
            throw new IllegalArgumentException("fromIndex " + fromIndex + " is after toIndex " + toIndex);
        }
        if (fromEventTimeMs > toEventTimeMs)
        {
            throw new IllegalArgumentException("fromEventTimeMs " + fromEventTimeMs + " is after toEventTimeMs " + toEventTimeMs);
        }
    }

    /** Every record. */
    public static JournalRange all()
    {
        return new JournalRange(FIRST, LAST, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Records with index in [fromIndex, toIndex]. */
    public static JournalRange indexes(final long fromIndex, final long toIndex)
    {
        return new JournalRange(fromIndex, toIndex, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Events with event time in [fromEventTimeMs, toEventTimeMs), anywhere in the journal. */
    public static JournalRange eventTimes(final long fromEventTimeMs, final long toEventTimeMs)
    {
        return new JournalRange(FIRST, LAST, fromEventTimeMs, toEventTimeMs);
    }

    /** The same index range, narrowed to events in [fromEventTimeMs, toEventTimeMs). */
    public JournalRange withEventTimes(final long fromEventTimeMs, final long toEventTimeMs)
    {
        return new JournalRange(fromIndex, toIndex, fromEventTimeMs, toEventTimeMs);
    }

    boolean timeBounded()
    {
        return fromEventTimeMs != Long.MIN_VALUE || toEventTimeMs != Long.MAX_VALUE;
    }

    boolean selects(final boolean event, final long eventTimeMs)
    {
        if (!timeBounded())
        {
            return true;
        }
        return event && eventTimeMs >= fromEventTimeMs && eventTimeMs < toEventTimeMs;
    }
}
