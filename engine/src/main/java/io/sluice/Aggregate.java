package io.sluice;

import java.util.Objects;

/**
 * One aggregate a pipeline reports. Count, sum, min and max are built in; anything else is a
 * {@link PrimitiveAggregate}. Build with {@link Aggregates}.
 */
public final class Aggregate
{
    public enum Kind
    {
        COUNT, SUM, MIN, MAX, CUSTOM
    }

    private final Kind kind;
    private final PrimitiveAggregate custom;

    Aggregate(final Kind kind, final PrimitiveAggregate custom)
    {
        this.kind = kind;
        this.custom = custom;
    }

    public Kind kind()
    {
        return kind;
    }

    /** The user aggregate when {@link #kind()} is CUSTOM, else null. */
    public PrimitiveAggregate custom()
    {
        return custom;
    }

    public String name()
    {
        return kind == Kind.CUSTOM ? custom.name() : kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean equals(final Object o)
    {
        return o instanceof Aggregate && ((Aggregate)o).kind == kind && ((Aggregate)o).custom == custom;
    }

    public int hashCode()
    {
        return Objects.hash(kind, custom);
    }

    public String toString()
    {
        return name();
    }
}
