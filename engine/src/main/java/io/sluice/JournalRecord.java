package io.sluice;

import io.sluice.record.CharArraySequence;
import io.sluice.window.KeyTags;

/**
 * One input journal record as the sequencer wrote it. A reused flyweight: valid only during the callback.
 * Events carry what their publisher gave; ticks (re-evaluations of an idle pipeline's watermark) and the end
 * of input carry only their kind, pipeline and time.
 */
public final class JournalRecord
{
    /** What a record is. */
    public enum Type
    {
        EVENT, TICK, END_OF_INPUT
    }

    private final IngressSlot slot;
    private final CharArraySequence keyText = new CharArraySequence();
    private final StringBuilder longKeyText = new StringBuilder(20);
    private long index;
    private long ingestTimeNs;

    JournalRecord(final IngressSlot slot)
    {
        this.slot = slot;
    }

    JournalRecord wrap(final long index, final long ingestTimeNs)
    {
        this.index = index;
        this.ingestTimeNs = ingestTimeNs;
        return this;
    }

    IngressSlot slot()
    {
        return slot;
    }

    /** The record's journal index: the input's identity. */
    public long index()
    {
        return index;
    }

    /** The sequencer's clock (epoch ns) when it journaled the record. */
    public long ingestTimeNs()
    {
        return ingestTimeNs;
    }

    public Type type()
    {
        switch (slot.type())
        {
            case IngressSlot.EVENT:
                return Type.EVENT;
            case IngressSlot.TICK:
                return Type.TICK;
            default:
                return Type.END_OF_INPUT;
        }
    }

    public boolean isEvent()
    {
        return slot.type() == IngressSlot.EVENT;
    }

    /** The pipeline's id in the recording engine (its declaration order); -1 for the end of input. */
    public int pipelineId()
    {
        return slot.type() == IngressSlot.END_OF_INPUT ? -1 : slot.pipeline();
    }

    public int partition()
    {
        return slot.partition();
    }

    public long eventTimeMs()
    {
        return slot.eventTimeMs();
    }

    public boolean isLongKey()
    {
        return slot.keyTag() == KeyTags.LONG;
    }

    /** A long key; 0 for a text key. */
    public long keyAsLong()
    {
        return isLongKey() ? slot.keyLong() : 0;
    }

    /** The key as text: the publisher's text, or the decimal form of a long key. */
    public CharSequence key()
    {
        if (isLongKey())
        {
            longKeyText.setLength(0);
            return longKeyText.append(slot.keyLong());
        }
        return keyText.wrap(slot.keyChars(), slot.keyOffset(), slot.keyLength());
    }

    public long value()
    {
        return slot.value();
    }

    /** Where the event's source resumes after it, as its publisher said; {@link Sluice#NO_POSITION} if it did not. */
    public long sourcePosition()
    {
        return slot.sourcePosition();
    }

    public String toString()
    {
        return isEvent() ?
            "#" + index + " event pipeline=" + slot.pipeline() + " partition=" + slot.partition() + " time=" + slot.eventTimeMs() +
            " key=" + key() + " value=" + slot.value() + " position=" + slot.sourcePosition() :
            "#" + index + " " + type().name().toLowerCase(java.util.Locale.ROOT) + (slot.type() == IngressSlot.TICK ? " pipeline=" + slot.pipeline() : "");
    }
}
