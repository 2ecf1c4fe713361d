package io.sluice;

/**
 * The events of the sequencer's current batch, held in primitive columns until the batch's journal commit
 * and then handed to the {@link JournaledListener}: acknowledging on append would promise what a crash
 * before the commit could still take back.
 */
final class JournaledAcks
{
    private final JournaledListener listener;
    private final int[] pipelineIds;
    private final int[] partitions;
    private final long[] sourcePositions;
    private final long[] journalIndexes;
    private int size;

    /** @param batchLimit the most slots one batch can hold. */
    JournaledAcks(final JournaledListener listener, final int batchLimit)
    {
        this.listener = listener;
        this.pipelineIds = new int[batchLimit];
        this.partitions = new int[batchLimit];
        this.sourcePositions = new long[batchLimit];
        this.journalIndexes = new long[batchLimit];
    }

    void add(final int pipelineId, final int partition, final long sourcePosition, final long journalIndex)
    {
        pipelineIds[size] = pipelineId;
        partitions[size] = partition;
        sourcePositions[size] = sourcePosition;
        journalIndexes[size] = journalIndex;
        size++;
    }

    /** After the commit: every event held is now in the journal. */
    void deliver()
    {
        final int count = size;
        size = 0; // before the calls: a listener that throws fails the engine, which never delivers again
        for (int i = 0; i < count; i++)
        {
            listener.onJournaled(pipelineIds[i], partitions[i], sourcePositions[i], journalIndexes[i]);
        }
    }
}
