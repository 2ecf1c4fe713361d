package io.sluice;

/** Receives late events on the shard thread that judged them late. */
@FunctionalInterface
public interface LateListener
{
    void onLate(LateEvent late);
}
