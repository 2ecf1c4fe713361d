package io.sluice.window;

/** A shard's output sequence, shared by all its pipelines: (shard, sequence) names every output once. */
public final class OutputSequence
{
    private long next;

    public long next()
    {
        return next++;
    }

    /** Recovery: continue from a checkpoint's count. */
    public void restore(final long nextSequence)
    {
        next = nextSequence;
    }

    /** The sequence the next output will take, i.e. how many outputs the shard has produced. */
    public long peek()
    {
        return next;
    }
}
