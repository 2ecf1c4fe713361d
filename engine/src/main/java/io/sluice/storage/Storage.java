package io.sluice.storage;

/**
 * Where an engine keeps what must survive it: the input journal (every accepted input, in the order
 * shards see it) and one output journal per shard (every result and late event with its (shard,
 * sequence) identity). Given to {@code Sluice.builder().storage(...)}; the engine owns and closes it.
 */
public interface Storage extends AutoCloseable
{
    MessageLog inputLog();

    /** The output journal of one shard, created empty on first use. */
    MessageLog outputLog(int shard);

    /**
     * The shard count the storage belongs to: the one recorded when it was first started, or else
     * {@code requested}, recorded now, durably, before any output journal exists. Recovery needs the shard
     * count the journals were written with, and a crash while the output journals were being created must
     * not leave a different one behind.
     */
    int shardCount(int requested);

    /** Where checkpoints are kept. */
    CheckpointStore checkpoints();

    /**
     * Called after each checkpoint is durable and older ones pruned: input that no kept checkpoint needs may
     * now go (whole journal files), as the storage's retention says. A storage that keeps everything does nothing.
     */
    void onCheckpointWritten();

    /**
     * The index from which the input journal still holds every record, or {@link MessageLog#NO_INDEX} if it
     * never deleted any: recovery without a checkpoint at or after it is impossible.
     */
    long inputRetainedFrom();

    /**
     * What the storage repaired when it was opened (e.g. files a crash left half-created), one sentence each;
     * the engine reports them with its recovery warnings.
     */
    default java.util.List<String> openingWarnings()
    {
        return java.util.List.of();
    }

    /** A human-readable name for messages, e.g. the directory. */
    String describe();

    void close();
}
