package io.sluice;

import io.sluice.state.KeyDictionary;
import io.sluice.window.KeyTags;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A view of one ring slot: 64 bytes off-heap, one cache line, aligned to one. Every event crosses three
 * threads through its slot (publisher, sequencer, shard), and each crossing moves the slot's cache lines
 * between cores; as a Java object the slot was 120 bytes, two lines and part of a third. A consumer stage
 * owns one view and {@link #wrap}s it onto each slot it reads; publishers, which may be any threads, write
 * through the static {@code write} methods, which hold no state.
 *
 * <p>Publishers fill the input fields; the sequencer, the ring's first consumer, stamps the watermark, the
 * owning shard, its clock and the journal index; shard processors, gated on the sequencer, only read. The
 * ring's sequence hand-offs order these writes (a store-release of the producer's or sequencer's sequence,
 * a load-acquire by the next stage), so the fields are plain.
 *
 * <pre>
 *   0  event time ms         8  value (a barrier's checkpoint id)   16  long key, or a text key's hash
 *  24  source position      32  watermark ms                         40  journal index
 *  48  stamped ns           56  pipeline u16   58  partition u16   60  key length u16   62  type u8   63  shard u8
 * </pre>
 *
 * A key length of 0 means a long key: a text key is never empty. Text keys live outside the slot, in one
 * char array of the ring ({@link IngressRing#keyChars}), so a long-keyed event never touches key storage.
 * The narrow fields fit the engine's bounds: pipelines below 65 535, partitions below 4 096, keys up to
 * 65 535 chars, shards up to 256.
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

    static final int BYTES = 64;
    static final int MAX_KEY_LENGTH = 0xFFFF;

    private static final int EVENT_TIME_OFFSET = 0;
    private static final int VALUE_OFFSET = 8;
    private static final int KEY_OFFSET = 16;
    private static final int SOURCE_POSITION_OFFSET = 24;
    private static final int WATERMARK_OFFSET = 32;
    private static final int JOURNAL_INDEX_OFFSET = 40;
    private static final int STAMPED_NS_OFFSET = 48;
    private static final int PIPELINE_OFFSET = 56;
    private static final int PARTITION_OFFSET = 58;
    private static final int KEY_LENGTH_OFFSET = 60;
    private static final int TYPE_OFFSET = 62;
    private static final int SHARD_OFFSET = 63;

    private final IngressRing ring;
    private final UnsafeBuffer buffer;
    private int offset;
    private int index;

    IngressSlot(final IngressRing ring)
    {
        this.ring = ring;
        this.buffer = ring.slots();
    }

    /** Points this view at the slot of a ring sequence. */
    IngressSlot wrap(final long sequence)
    {
        index = ring.indexOf(sequence);
        offset = index * BYTES;
        return this;
    }

    // Publishers' writes, one call per slot. The slot is claimed and not yet published: no one else reads it.
    // A key is text when keyText is not null, else keyLong.

    static void writeEvent(
        final IngressRing ring,
        final long sequence,
        final int pipeline,
        final int partition,
        final long eventTimeMs,
        final long keyLong,
        final CharSequence keyText,
        final long value,
        final long sourcePosition)
    {
        final int index = ring.indexOf(sequence);
        putEvent(ring.slots(), index * BYTES, pipeline, eventTimeMs, value, partition, sourcePosition);
        writeKey(ring, index, keyLong, keyText);
    }

    static void writeQuery(
        final IngressRing ring, final long sequence, final int pipeline, final long keyLong, final CharSequence keyText, final KeyQuery query)
    {
        final int index = ring.indexOf(sequence);
        final int offset = index * BYTES;
        ring.queries()[index] = query;
        ring.slots().putChar(offset + PIPELINE_OFFSET, (char)pipeline);
        ring.slots().putByte(offset + TYPE_OFFSET, (byte)QUERY);
        writeKey(ring, index, keyLong, keyText);
    }

    static void writeCheckpoint(final IngressRing ring, final long sequence, final long checkpointId)
    {
        final int offset = ring.indexOf(sequence) * BYTES;
        ring.slots().putLong(offset + VALUE_OFFSET, checkpointId);
        ring.slots().putByte(offset + TYPE_OFFSET, (byte)CHECKPOINT);
    }

    static void writeTick(final IngressRing ring, final long sequence, final int pipeline)
    {
        final int offset = ring.indexOf(sequence) * BYTES;
        ring.slots().putChar(offset + PIPELINE_OFFSET, (char)pipeline);
        ring.slots().putByte(offset + TYPE_OFFSET, (byte)TICK);
    }

    static void writeEndOfInput(final IngressRing ring, final long sequence)
    {
        ring.slots().putByte(ring.indexOf(sequence) * BYTES + TYPE_OFFSET, (byte)END_OF_INPUT);
    }

    private static void putEvent(
        final UnsafeBuffer buffer,
        final int offset,
        final int pipeline,
        final long eventTimeMs,
        final long value,
        final int partition,
        final long sourcePosition)
    {
        buffer.putLong(offset + EVENT_TIME_OFFSET, eventTimeMs);
        buffer.putLong(offset + VALUE_OFFSET, value);
        buffer.putLong(offset + SOURCE_POSITION_OFFSET, sourcePosition);
        buffer.putChar(offset + PIPELINE_OFFSET, (char)pipeline);
        buffer.putChar(offset + PARTITION_OFFSET, (char)partition);
        buffer.putByte(offset + TYPE_OFFSET, (byte)EVENT);
    }

    /** A text key is copied into the slot's char range and hashed there; a long key is stored as it is. */
    private static void writeKey(final IngressRing ring, final int index, final long keyLong, final CharSequence keyText)
    {
        final int offset = index * BYTES;
        final UnsafeBuffer buffer = ring.slots();
        if (keyText != null)
        {
            buffer.putLong(offset + KEY_OFFSET, KeyDictionary.copyAndHash(keyText, ring.keyChars(), ring.keyOffsetOf(index)));
            buffer.putChar(offset + KEY_LENGTH_OFFSET, (char)keyText.length());
        }
        else
        {
            buffer.putLong(offset + KEY_OFFSET, keyLong);
            buffer.putChar(offset + KEY_LENGTH_OFFSET, (char)0);
        }
    }

    // The consumer stages' reads and writes, through a view wrapped onto the slot.

    int type()
    {
        return buffer.getByte(offset + TYPE_OFFSET);
    }

    void type(final int type)
    {
        buffer.putByte(offset + TYPE_OFFSET, (byte)type);
    }

    int pipeline()
    {
        return buffer.getChar(offset + PIPELINE_OFFSET);
    }

    void pipeline(final int pipeline)
    {
        buffer.putChar(offset + PIPELINE_OFFSET, (char)pipeline);
    }

    int partition()
    {
        return buffer.getChar(offset + PARTITION_OFFSET);
    }

    long eventTimeMs()
    {
        return buffer.getLong(offset + EVENT_TIME_OFFSET);
    }

    long value()
    {
        return buffer.getLong(offset + VALUE_OFFSET);
    }

    /** A checkpoint barrier's id, in the place an event's value takes. */
    long checkpointId()
    {
        return buffer.getLong(offset + VALUE_OFFSET);
    }

    long sourcePosition()
    {
        return buffer.getLong(offset + SOURCE_POSITION_OFFSET);
    }

    /** An event as a decoded journal record gives it; the key follows with {@link #longKey} or {@link #textKey}. */
    void event(final int pipeline, final long eventTimeMs, final long value, final int partition, final long sourcePosition)
    {
        putEvent(buffer, offset, pipeline, eventTimeMs, value, partition, sourcePosition);
    }

    int keyTag()
    {
        return buffer.getChar(offset + KEY_LENGTH_OFFSET) == 0 ? KeyTags.LONG : KeyTags.TEXT;
    }

    /** A long key; meaningless for a text key. */
    long keyLong()
    {
        return buffer.getLong(offset + KEY_OFFSET);
    }

    void longKey(final long key)
    {
        buffer.putLong(offset + KEY_OFFSET, key);
        buffer.putChar(offset + KEY_LENGTH_OFFSET, (char)0);
    }

    /** A text key of {@code length} chars already in {@link #keyChars()} at {@link #keyOffset()}: hashes it there. */
    void textKey(final int length)
    {
        buffer.putLong(offset + KEY_OFFSET, KeyDictionary.hash(ring.keyChars(), keyOffset(), length));
        buffer.putChar(offset + KEY_LENGTH_OFFSET, (char)length);
    }

    /** The key's well-mixed hash, either kind: what the owning shard is chosen by. */
    long keyHash()
    {
        final long key = buffer.getLong(offset + KEY_OFFSET);
        return buffer.getChar(offset + KEY_LENGTH_OFFSET) == 0 ? KeyDictionary.mix(key) : key;
    }

    /** A text key's length in chars; 0 for a long key. */
    int keyLength()
    {
        return buffer.getChar(offset + KEY_LENGTH_OFFSET);
    }

    char[] keyChars()
    {
        return ring.keyChars();
    }

    int keyOffset()
    {
        return ring.keyOffsetOf(index);
    }

    KeyQuery query()
    {
        return ring.queries()[index];
    }

    long watermarkMs()
    {
        return buffer.getLong(offset + WATERMARK_OFFSET);
    }

    void watermarkMs(final long watermarkMs)
    {
        buffer.putLong(offset + WATERMARK_OFFSET, watermarkMs);
    }

    int shard()
    {
        return buffer.getByte(offset + SHARD_OFFSET) & 0xFF;
    }

    void shard(final int shard)
    {
        buffer.putByte(offset + SHARD_OFFSET, (byte)shard);
    }

    /** The sequencer's clock when it stamped the slot: the start of its processing latency. */
    long stampedNs()
    {
        return buffer.getLong(offset + STAMPED_NS_OFFSET);
    }

    void stampedNs(final long stampedNs)
    {
        buffer.putLong(offset + STAMPED_NS_OFFSET, stampedNs);
    }

    /** The slot's input journal index, stamped by the sequencer; -1 without a journal. */
    long journalIndex()
    {
        return buffer.getLong(offset + JOURNAL_INDEX_OFFSET);
    }

    void journalIndex(final long journalIndex)
    {
        buffer.putLong(offset + JOURNAL_INDEX_OFFSET, journalIndex);
    }
}
