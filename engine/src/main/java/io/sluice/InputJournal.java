package io.sluice;

import io.sluice.codecs.EndOfInputDecoder;
import io.sluice.codecs.EndOfInputEncoder;
import io.sluice.codecs.InputEventDecoder;
import io.sluice.codecs.InputEventEncoder;
import io.sluice.codecs.KeyKind;
import io.sluice.codecs.LongKeyEventDecoder;
import io.sluice.codecs.LongKeyEventEncoder;
import io.sluice.codecs.MessageHeaderDecoder;
import io.sluice.codecs.MessageHeaderEncoder;
import io.sluice.codecs.NarrowLongKeyEventDecoder;
import io.sluice.codecs.NarrowLongKeyEventEncoder;
import io.sluice.codecs.PlainLongKeyEventDecoder;
import io.sluice.codecs.PlainLongKeyEventEncoder;
import io.sluice.codecs.TickDecoder;
import io.sluice.codecs.TickEncoder;
import io.sluice.record.CharArraySequence;
import io.sluice.record.Utf8Keys;
import io.sluice.storage.MessageLog;
import io.sluice.window.KeyTags;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The input journal as the sequencer writes it and recovery reads it back: one SBE record per ring
 * slot (event, tick or end of input), with the sequencer's clock, so that replaying the records through
 * the same stamping gives the same watermarks, idle partitions included. A record's index in the log is
 * the input's identity.
 *
 * <p>The clock is the log's stamp ({@link MessageLog#stamp(long)}): the sequencer reads it once per batch,
 * so the log stores it once per batch. An event with a long key on partition 0 without a source position (a
 * plain publish) is a {@code NarrowLongKeyEvent} of 25 bytes when its key and value fit 32 bits and its
 * pipeline id 8, else a {@code PlainLongKeyEvent} of 34; other long-keyed events are a {@code LongKeyEvent}
 * of 46; one with a text key an {@code InputEvent}, which holds the key text (and the clock again). Every byte
 * journaled costs CPU: each fresh page of the journal's file is a page the machine must allocate and zero
 * (about 9 µs each on the machines Sluice is measured on), and in a journaled run the thread that does so
 * ahead of the writer used as much CPU as the shard.
 */
final class InputJournal implements AutoCloseable
{
    private final MessageLog log;
    private final UnsafeBuffer scratch;
    private final UnsafeBuffer keyBytes;
    // A decoded text key lands here first: a journal written with a longer maxKeyLength must not spill
    // past the slot's own char range.
    private final char[] keyChars;
    private final int maxKeyLength;
    private final CharArraySequence keyView = new CharArraySequence();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final InputEventEncoder eventEncoder = new InputEventEncoder();
    private final InputEventDecoder eventDecoder = new InputEventDecoder();
    private final LongKeyEventEncoder longKeyEventEncoder = new LongKeyEventEncoder();
    private final LongKeyEventDecoder longKeyEventDecoder = new LongKeyEventDecoder();
    private final PlainLongKeyEventEncoder plainLongKeyEventEncoder = new PlainLongKeyEventEncoder();
    private final PlainLongKeyEventDecoder plainLongKeyEventDecoder = new PlainLongKeyEventDecoder();
    private final NarrowLongKeyEventEncoder narrowLongKeyEventEncoder = new NarrowLongKeyEventEncoder();
    private final NarrowLongKeyEventDecoder narrowLongKeyEventDecoder = new NarrowLongKeyEventDecoder();
    private final TickEncoder tickEncoder = new TickEncoder();
    private final TickDecoder tickDecoder = new TickDecoder();
    private final EndOfInputEncoder endEncoder = new EndOfInputEncoder();
    private final EndOfInputDecoder endDecoder = new EndOfInputDecoder();

    InputJournal(final MessageLog log, final int maxKeyLength)
    {
        this.log = log;
        final int maxKeyBytes = maxKeyLength * Utf8Keys.MAX_BYTES_PER_CHAR;
        this.keyBytes = new UnsafeBuffer(ByteBuffer.allocateDirect(maxKeyBytes));
        this.keyChars = new char[maxKeyBytes];
        this.maxKeyLength = maxKeyLength;
        this.scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(256 + maxKeyBytes));
    }

    MessageLog log()
    {
        return log;
    }

    /** @return the record's index. */
    long append(final IngressSlot slot, final long ingestTimeNs)
    {
        log.stamp(ingestTimeNs);
        final int length;
        switch (slot.type())
        {
            case IngressSlot.EVENT:
                if (slot.keyTag() == KeyTags.TEXT)
                {
                    length = encodeTextKeyEvent(slot, ingestTimeNs);
                }
                else if (slot.partition() == 0 && slot.sourcePosition() == Sluice.NO_POSITION)
                {
                    length = isNarrow(slot) ? encodeNarrowLongKeyEvent(slot) : encodePlainLongKeyEvent(slot);
                }
                else
                {
                    length = encodeLongKeyEvent(slot);
                }
                break;

            case IngressSlot.TICK:
                tickEncoder.wrapAndApplyHeader(scratch, 0, headerEncoder).ingestTimeNs(ingestTimeNs).pipelineId(slot.pipeline());
                length = tickEncoder.encodedLength();
                break;

            default:
                endEncoder.wrapAndApplyHeader(scratch, 0, headerEncoder).ingestTimeNs(ingestTimeNs);
                length = endEncoder.encodedLength();
                break;
        }
        return log.append(scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + length);
    }

    /** Ends the batch: the records appended so far become readable, and as durable as the log's durability asks. */
    void commit()
    {
        log.commit();
    }

    /**
     * Fills a slot from a record, as the publisher and the ring had filled it.
     *
     * @param stamp the log's stamp of the record ({@link MessageLog.Reader#stamp()}).
     * @return the sequencer's clock when the record was journaled.
     * @throws IllegalStateException if the record is not one this class writes.
     */
    long decode(final DirectBuffer buffer, final int offset, final int length, final long stamp, final IngressSlot slot)
    {
        headerDecoder.wrap(buffer, offset);
        switch (headerDecoder.templateId())
        {
            case NarrowLongKeyEventDecoder.TEMPLATE_ID:
                final NarrowLongKeyEventDecoder narrow = narrowLongKeyEventDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                slot.event(narrow.pipelineId(), narrow.eventTimeMs(), narrow.value(), 0, Sluice.NO_POSITION);
                slot.longKey(narrow.keyLong());
                return stamp;

            case PlainLongKeyEventDecoder.TEMPLATE_ID:
                final PlainLongKeyEventDecoder plain = plainLongKeyEventDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                slot.event(plain.pipelineId(), plain.eventTimeMs(), plain.value(), 0, Sluice.NO_POSITION);
                slot.longKey(plain.keyLong());
                return stamp;

            case LongKeyEventDecoder.TEMPLATE_ID:
                final LongKeyEventDecoder longKeyed = longKeyEventDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                slot.event(longKeyed.pipelineId(), longKeyed.eventTimeMs(), longKeyed.value(), longKeyed.partition(),
                    longKeyed.sourcePosition());
                slot.longKey(longKeyed.keyLong());
                return stamp;

            case InputEventDecoder.TEMPLATE_ID:
                eventDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                slot.event(eventDecoder.pipelineId(), eventDecoder.eventTimeMs(), eventDecoder.value(), eventDecoder.partition(),
                    eventDecoder.sourcePosition());
                final long keyLong = eventDecoder.keyLong();
                final long ingestTimeNs = eventDecoder.ingestTimeNs();
                if (eventDecoder.keyKind() == KeyKind.TEXT)
                {
                    slot.textKey(decodeKeyInto(slot));
                }
                else
                {
                    slot.longKey(keyLong);
                }
                return ingestTimeNs;

            case TickDecoder.TEMPLATE_ID:
                tickDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                slot.type(IngressSlot.TICK);
                slot.pipeline(tickDecoder.pipelineId());
                return tickDecoder.ingestTimeNs();

            case EndOfInputDecoder.TEMPLATE_ID:
                endDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                slot.type(IngressSlot.END_OF_INPUT);
                return endDecoder.ingestTimeNs();

            default:
                throw new IllegalStateException("not an input record: schema " + headerDecoder.schemaId() +
                    " template " + headerDecoder.templateId() + " (" + length + " bytes)");
        }
    }

    public void close()
    {
        log.close();
    }

    /** @return the key's length in chars, now in the slot's char range. */
    private int decodeKeyInto(final IngressSlot slot)
    {
        final int encodedLength = eventDecoder.keyLength();
        // A key of at most maxKeyLength chars takes at most keyBytes' capacity: more bytes, more chars.
        final int chars = encodedLength > keyBytes.capacity() ? Integer.MAX_VALUE :
            Utf8Keys.decode(keyBytes, 0, eventDecoder.getKey(keyBytes, 0, encodedLength), keyChars, 0);
        if (chars > maxKeyLength)
        {
            throw new IllegalStateException("input journal " + log + ": an event's text key of " +
                (chars == Integer.MAX_VALUE ? encodedLength + " UTF-8 bytes" : chars + " chars") + " is longer than this engine's maxKeyLength " +
                maxKeyLength + "; the engine that wrote the journal allowed longer keys: start with Sluice.builder().maxKeyLength(n) as large as it had");
        }
        System.arraycopy(keyChars, 0, slot.keyChars(), slot.keyOffset(), chars);
        return chars;
    }

    private static boolean isNarrow(final IngressSlot slot)
    {
        final long key = slot.keyLong();
        final long value = slot.value();
        return key == (int)key && value == (int)value && slot.pipeline() <= 0xFF;
    }

    private int encodeNarrowLongKeyEvent(final IngressSlot slot)
    {
        narrowLongKeyEventEncoder.wrapAndApplyHeader(scratch, 0, headerEncoder)
            .eventTimeMs(slot.eventTimeMs())
            .value((int)slot.value())
            .keyLong((int)slot.keyLong())
            .pipelineId((short)slot.pipeline());
        return narrowLongKeyEventEncoder.encodedLength();
    }

    private int encodePlainLongKeyEvent(final IngressSlot slot)
    {
        plainLongKeyEventEncoder.wrapAndApplyHeader(scratch, 0, headerEncoder)
            .eventTimeMs(slot.eventTimeMs())
            .value(slot.value())
            .keyLong(slot.keyLong())
            .pipelineId(slot.pipeline());
        return plainLongKeyEventEncoder.encodedLength();
    }

    private int encodeLongKeyEvent(final IngressSlot slot)
    {
        longKeyEventEncoder.wrapAndApplyHeader(scratch, 0, headerEncoder)
            .eventTimeMs(slot.eventTimeMs())
            .value(slot.value())
            .keyLong(slot.keyLong())
            .sourcePosition(slot.sourcePosition())
            .partition(slot.partition())
            .pipelineId(slot.pipeline());
        return longKeyEventEncoder.encodedLength();
    }

    /** Text keys keep the original InputEvent, with the key's UTF-8 bytes (and the clock, which the stamp repeats). */
    private int encodeTextKeyEvent(final IngressSlot slot, final long ingestTimeNs)
    {
        final int keyLength = encodeKey(slot);
        eventEncoder.wrapAndApplyHeader(scratch, 0, headerEncoder)
            .eventTimeMs(slot.eventTimeMs())
            .value(slot.value())
            .keyLong(0) // the slot holds the text key's hash there
            .sourcePosition(slot.sourcePosition())
            .partition(slot.partition())
            .pipelineId(slot.pipeline())
            .keyKind(KeyKind.TEXT)
            .ingestTimeNs(ingestTimeNs)
            .putKey(keyBytes, 0, keyLength);
        return eventEncoder.encodedLength();
    }

    private int encodeKey(final IngressSlot slot)
    {
        return Utf8Keys.encode(keyView.wrap(slot.keyChars(), slot.keyOffset(), slot.keyLength()), keyBytes, 0);
    }
}
