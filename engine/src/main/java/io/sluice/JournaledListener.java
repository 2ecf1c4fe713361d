package io.sluice;

/**
 * Receives each published event once the input journal holds it: the point from which recovery will
 * replay it, so a source may release it upstream (acknowledge a message, commit an offset, answer a client).
 *
 * <p>Called on the engine's sequencer thread after the commit of the batch that carries the event, in
 * publish order; with {@link io.sluice.storage.Durability#SYNC} that commit includes the sync to disk. An
 * exception thrown here fails the engine, and a slow listener holds every shard back: hand the work on
 * rather than doing it here. Events recovery replays from the journal were acknowledged by the run that
 * journaled them and are not acknowledged again.
 */
@FunctionalInterface
public interface JournaledListener
{
    /**
     * @param pipelineId     the pipeline the event was published to
     * @param partition      its source partition, as published
     * @param sourcePosition its position in the source, as published
     * @param journalIndex   the index of its record in the input journal
     */
    void onJournaled(int pipelineId, int partition, long sourcePosition, long journalIndex);
}
