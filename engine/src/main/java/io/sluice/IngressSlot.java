package io.sluice;

/**
 * One pre-allocated ring entry. Publishers fill the input fields; the sequencer, the ring's first
 * consumer, stamps {@link #watermarkMs} and {@link #shard}; shard processors, gated on the sequencer,
 * only read. The ring's sequence hand-offs order these writes (a store-release of the producer's or
 * sequencer's sequence, a load-acquire by the next stage), so the fields are plain.
 *
 * <p>Text keys live outside the slot, in one char array shared by the ring at {@link #keyOffset}: slots
 * then sit next to each other in memory (allocated in ring order), and a long-keyed event never touches
 * key storage.
 */
final class IngressSlot
{
    static final int EVENT = 0;
    /** Re-evaluate one pipeline's watermark (idle partitions) without an event. */
    static final int TICK = 1;
    /** End of input: every pipeline's watermark goes to +∞. */
    static final int END_OF_INPUT = 2;
    /** Checkpoint barrier: each stage saves its state as of every slot before this one. Never journaled. */
    static final int CHECKPOINT = 3;
    /** A status query for one key's live windows, answered by the shard that owns the key. Never journaled. */
    static final int QUERY = 4;
    /**
     * Nothing: a slot recovery claimed ahead of the records it read (slots are claimed in blocks) and had no
     * record left for. Shards skip it. Never journaled.
     */
    static final int PADDING = 5;

    int type;
    int pipeline;
    long eventTimeMs;
    long value;
    int partition;
    /** Where the event's source resumes after it; journaled so that recovery can tell the source. */
    long sourcePosition;
    int keyTag;
    long keyLong;
    long keyHash;
    int keyLength;
    final char[] keyChars;
    final int keyOffset;

    long checkpointId;
    KeyQuery query;

    long watermarkMs;
    int shard;
    /** The sequencer's clock when it stamped the slot: the start of its processing latency. */
    long stampedNs;
    /** The slot's input journal index, stamped by the sequencer when it journals it; -1 without a journal. */
    long journalIndex = -1;

    IngressSlot(final char[] keyChars, final int keyOffset)
    {
        this.keyChars = keyChars;
        this.keyOffset = keyOffset;
    }
}
