package io.sluice.state;

/**
 * Event-time timers, earliest first by (time, kind). Read the earliest with the peek methods, then
 * {@link #poll()} it, then act on it (acting may add timers). Operators hold the concrete class so that
 * calls stay direct; this interface is the contract both implementations are tested against.
 */
public interface Timers
{
    /** @param kind a small ordinal; lower kinds pop first at equal times. */
    void add(long time, int kind, long key, int tag, long aux);

    boolean isEmpty();

    int size();

    long peekTime();

    int peekKind();

    long peekKey();

    int peekTag();

    long peekAux();

    void poll();
}
