package io.sluice.storage;

/**
 * What a journaled input survives once its results are out.
 *
 * <ul>
 *   <li>{@link #DEFAULT}: the journal is written to memory-mapped files and left to the page cache. Survives
 *       the process dying in any way (kill -9, crash, OOM): the kernel still has every page. Not a power cut
 *       or a kernel panic: the last seconds of the journal can be lost, and with them results already given
 *       out may be recomputed differently or not at all.</li>
 *   <li>{@link #SYNC}: the sequencer flushes the journal to the device (msync) at the end of each batch it
 *       takes from the ring, and only then lets the shards see the batch, so no result is released for an
 *       input that is not on disk. One flush covers a whole batch (group commit), so the cost per event falls
 *       as load rises. Survives power loss to the extent the device honours flushes.</li>
 * </ul>
 *
 * Checkpoints are written with fsync in both modes.
 */
public enum Durability
{
    DEFAULT, SYNC
}
