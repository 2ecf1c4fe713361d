package io.sluice.window;

/** A shard's output sequence, shared by all its pipelines: (shard, sequence) names every output once. */
public final class OutputSequence
{
    private long next;

    public long next()
    {
        return next++;
    }
}
