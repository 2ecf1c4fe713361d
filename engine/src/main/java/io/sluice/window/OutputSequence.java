package io.sluice.window;

/**
 * A shard's output sequence, shared by all its pipelines: (shard, sequence) names every output once. It also
 * holds the input journal index of the slot being processed, which every output records: merged by (input
 * index, shard, sequence), the shards' outputs have one order whatever the timing.
 */
public final class OutputSequence
{
    private long next;
    private long inputIndex = -1;

    /** The input journal index of the slot the shard is processing now; -1 without a journal. */
    public long inputIndex()
    {
        return inputIndex;
    }

    public void inputIndex(final long journalIndex)
    {
        inputIndex = journalIndex;
    }

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
