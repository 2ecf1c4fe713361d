package io.sluice;

/**
 * The aggregates a pipeline can report. Count, sum, min and max are kept together in one 32-byte
 * block per window slice whichever are asked for: four adds in one cache line cost less than
 * choosing among them per event.
 */
public final class Aggregates
{
    private static final Aggregate COUNT = new Aggregate(Aggregate.Kind.COUNT, null);
    private static final Aggregate SUM = new Aggregate(Aggregate.Kind.SUM, null);
    private static final Aggregate MIN = new Aggregate(Aggregate.Kind.MIN, null);
    private static final Aggregate MAX = new Aggregate(Aggregate.Kind.MAX, null);

    private Aggregates()
    {
    }

    public static Aggregate count()
    {
        return COUNT;
    }

    /** Sum of values; wraps on overflow like Java's long arithmetic (and Flink's LongSum). */
    public static Aggregate sum()
    {
        return SUM;
    }

    public static Aggregate min()
    {
        return MIN;
    }

    public static Aggregate max()
    {
        return MAX;
    }

    public static Aggregate custom(final PrimitiveAggregate aggregate)
    {
        if (aggregate == null)
        {
            throw new IllegalArgumentException("custom aggregate must not be null");
        }
        if (aggregate.accumulatorBytes() <= 0 || aggregate.accumulatorBytes() > 1024)
        {
            throw new IllegalArgumentException("custom aggregate '" + aggregate.name() +
                "' accumulatorBytes must be in [1, 1024]: " + aggregate.accumulatorBytes());
        }
        return new Aggregate(Aggregate.Kind.CUSTOM, aggregate);
    }

    /** count, sum, min, max: what the CLI formats report. */
    public static Aggregate[] standard()
    {
        return new Aggregate[]{COUNT, SUM, MIN, MAX};
    }
}
