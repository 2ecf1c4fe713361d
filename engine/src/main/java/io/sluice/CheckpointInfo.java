package io.sluice;

/**
 * A durable checkpoint.
 *
 * @param id            increasing checkpoint number.
 * @param journalIndex  the input-journal index it stands at: recovery replays from the record after it
 *                      ({@code -1}: before the first record).
 * @param bytes         written to disk, parts and manifest.
 * @param durationNs    from the barrier's publication to the manifest's rename.
 * @param maxStallNs    the longest any shard spent saving its state instead of processing events.
 */
public record CheckpointInfo(long id, long journalIndex, long bytes, long durationNs, long maxStallNs)
{
}
