package io.sluice.record;

import io.sluice.LateEvent;
import io.sluice.WindowResult;
import io.sluice.codecs.KeyKind;
import io.sluice.codecs.LateEventDecoder;
import io.sluice.codecs.LateEventEncoder;
import io.sluice.codecs.MessageHeaderDecoder;
import io.sluice.codecs.MessageHeaderEncoder;
import io.sluice.codecs.WindowResultDecoder;
import io.sluice.codecs.WindowResultEncoder;
import io.sluice.storage.MessageLog;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * One shard's output journal: every result and late event, SBE-encoded with its (shard, sequence)
 * identity, appended before any listener sees it. After a crash the engine replays its input and the
 * shard produces the same outputs with the same sequences again; those already journaled
 * ({@code sequence <= journaledThrough}) are suppressed, so the journal holds each output exactly once.
 */
public final class OutputJournal implements AutoCloseable
{
    private final MessageLog log;
    private final long journaledThrough;
    private final UnsafeBuffer scratch;
    private final UnsafeBuffer keyBytes;
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final WindowResultEncoder resultEncoder = new WindowResultEncoder();
    private final LateEventEncoder lateEncoder = new LateEventEncoder();

    /**
     * @param journaledThrough the highest sequence the log already holds (-1 for none), read with
     *                         {@link #lastSequence(MessageLog)}.
     * @param maxKeyLength     the engine's longest key, in chars.
     */
    public OutputJournal(final MessageLog log, final long journaledThrough, final int maxKeyLength)
    {
        this.log = log;
        this.journaledThrough = journaledThrough;
        final int maxKeyBytes = maxKeyLength * Utf8Keys.MAX_BYTES_PER_CHAR;
        this.keyBytes = new UnsafeBuffer(ByteBuffer.allocateDirect(maxKeyBytes));
        this.scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(256 + maxKeyBytes));
    }

    /** True while recovery re-produces outputs the journal already holds: they must not go out again. */
    public boolean alreadyJournaled(final long sequence)
    {
        return sequence <= journaledThrough;
    }

    public long journaledThrough()
    {
        return journaledThrough;
    }

    /** Ends the shard's batch: the outputs appended so far become readable to sinks. */
    public void commit()
    {
        log.commit();
    }

    public void append(final WindowResult result)
    {
        final boolean longKey = result.isLongKey();
        final int keyLength = longKey ? 0 : Utf8Keys.encode(result.key(), keyBytes, 0);
        resultEncoder.wrapAndApplyHeader(scratch, 0, header)
            .windowStartMs(result.windowStartMs())
            .windowEndMs(result.windowEndMs())
            .keyLong(longKey ? result.keyAsLong() : 0)
            .count(result.count())
            .sum(result.sum())
            .min(result.min())
            .max(result.max())
            .sequence(result.sequence())
            .firing(result.firing())
            .shard(result.shard())
            .pipelineId(result.pipelineId())
            .keyKind(longKey ? KeyKind.LONG : KeyKind.TEXT)
            .inputIndex(result.inputIndex())
            .putKey(keyBytes, 0, keyLength);
        log.append(scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + resultEncoder.encodedLength());
    }

    public void append(final LateEvent late)
    {
        final boolean longKey = late.isLongKey();
        final int keyLength = longKey ? 0 : Utf8Keys.encode(late.key(), keyBytes, 0);
        lateEncoder.wrapAndApplyHeader(scratch, 0, header)
            .eventTimeMs(late.eventTimeMs())
            .value(late.value())
            .keyLong(longKey ? late.keyAsLong() : 0)
            .watermarkMs(late.watermarkMs())
            .sequence(late.sequence())
            .partition(late.partition())
            .shard(late.shard())
            .pipelineId(late.pipelineId())
            .keyKind(longKey ? KeyKind.LONG : KeyKind.TEXT)
            .inputIndex(late.inputIndex())
            .putKey(keyBytes, 0, keyLength);
        log.append(scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + lateEncoder.encodedLength());
    }

    /** The sequence of the log's last output, or -1 if it is empty. */
    public static long lastSequence(final MessageLog log)
    {
        final long last = log.lastIndex();
        if (last == MessageLog.NO_INDEX)
        {
            return -1;
        }
        final long[] sequence = {-1};
        try (MessageLog.Reader reader = log.reader())
        {
            if (!reader.seek(last) || !reader.next((index, buffer, offset, length) -> sequence[0] = sequenceOf(buffer, offset)))
            {
                throw new IllegalStateException("cannot read the last output (index " + last + ")");
            }
        }
        return sequence[0];
    }

    /** The (shard) sequence of one journaled output. */
    public static long sequenceOf(final DirectBuffer buffer, final int offset)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, offset);
        switch (header.templateId())
        {
            case WindowResultDecoder.TEMPLATE_ID:
                return new WindowResultDecoder().wrapAndApplyHeader(buffer, offset, header).sequence();
            case LateEventDecoder.TEMPLATE_ID:
                return new LateEventDecoder().wrapAndApplyHeader(buffer, offset, header).sequence();
            default:
                throw new IllegalStateException("not an output record: template " + header.templateId());
        }
    }

    public void close()
    {
        log.close();
    }
}
