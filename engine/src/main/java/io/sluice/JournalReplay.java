package io.sluice;

import io.sluice.storage.MessageLog;

import org.agrona.collections.Int2IntHashMap;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Reads a recorded input journal for audit, and re-runs it through another engine: "what would this window
 * have said last Tuesday". It only reads: give it a log opened read-only (the journal module's
 * {@code JournalStorage.readInputJournal}) and the live directory is never written, even while its engine
 * runs. Records arrive in journal order through one reused {@link JournalRecord}.
 *
 * <pre>{@code
 * try (JournalReplay replay = JournalReplay.of(JournalStorage.readInputJournal(liveDirectory));
 *      Sluice whatIf = Sluice.builder().pipeline("clicks", p -> p.window(Windows.tumbling(Duration.ofMinutes(5)))...).start())
 * {
 *     replay.rerun(JournalRange.eventTimes(tuesdayStartMs, tuesdayEndMs), whatIf);
 * } // closing the engine ends its input: every window fires
 * }</pre>
 */
public final class JournalReplay implements AutoCloseable
{
    private final MessageLog log;
    private final InputJournal decoder;
    // One slot, decoded into and read back: as long a key as any engine may journal.
    private final IngressSlot slot = new IngressRing(1, IngressSlot.MAX_KEY_LENGTH).newSlot().wrap(0);
    private final JournalRecord record = new JournalRecord(slot);

    private JournalReplay(final MessageLog log)
    {
        this.log = log;
        this.decoder = new InputJournal(log, IngressSlot.MAX_KEY_LENGTH);
    }

    /** The replay owns the log and closes it. */
    public static JournalReplay of(final MessageLog inputLog)
    {
        if (inputLog == null)
        {
            throw new IllegalArgumentException("inputLog must not be null");
        }
        return new JournalReplay(inputLog);
    }

    /** The index of the journal's last record, or {@link MessageLog#NO_INDEX} if it is empty. */
    public long lastIndex()
    {
        return log.lastIndex();
    }

    /**
     * Hands every record in the range to the consumer, in journal order; ticks and the end of input are
     * records too, but an event-time bound selects events only.
     *
     * @return the number of records handed over.
     * @throws io.sluice.storage.JournalDamagedException at a document (a batch of records) that fails its checksum,
     *                                                   before any of its records is handed on.
     */
    public long read(final JournalRange range, final Consumer<JournalRecord> consumer)
    {
        long handed = 0;
        try (MessageLog.Reader reader = log.reader())
        {
            // A start the journal does not hold (before its first record, or pruned) reads from the beginning.
            if (range.fromIndex() != JournalRange.FIRST)
            {
                reader.seek(range.fromIndex());
            }
            final long[] last = {MessageLog.NO_INDEX};
            final JournalRecord[] selected = {null};
            final MessageLog.MessageHandler handler = (index, buffer, offset, length) ->
            {
                last[0] = index;
                final long ingestTimeNs = decoder.decode(buffer, offset, length, reader.stamp(), slot);
                selected[0] = index >= range.fromIndex() && index <= range.toIndex() &&
                    range.selects(slot.type() == IngressSlot.EVENT, slot.eventTimeMs()) ? record.wrap(index, ingestTimeNs) : null;
            };
            while (reader.next(handler) && last[0] <= range.toIndex())
            {
                if (selected[0] != null)
                {
                    consumer.accept(selected[0]);
                    handed++;
                }
            }
        }
        return handed;
    }

    /**
     * Publishes the range's events into another engine, with their partitions, times, keys, values and source
     * positions, each to the pipeline of the same id. The engine computes its own watermarks from them; close
     * it to end its input and fire what is open.
     *
     * @return the number of events published.
     */
    public long rerun(final JournalRange range, final Sluice engine)
    {
        final List<String> names = engine.pipelines();
        return rerun(range, engine, id -> id < names.size() ? names.get(id) : null);
    }

    /**
     * Like {@link #rerun(JournalRange, Sluice)}, with recorded pipeline ids mapped to the engine's pipeline
     * names; events whose pipeline maps to null are left out.
     */
    public long rerun(final JournalRange range, final Sluice engine, final IntFunction<String> pipelineForRecordedId)
    {
        final Int2IntHashMap targetIds = new Int2IntHashMap(Integer.MIN_VALUE);
        final long[] published = {0};
        read(range, recorded ->
        {
            if (!recorded.isEvent())
            {
                return;
            }
            int target = targetIds.get(recorded.pipelineId());
            if (target == Integer.MIN_VALUE)
            {
                final String name = pipelineForRecordedId.apply(recorded.pipelineId());
                target = name == null ? -1 : engine.pipelineId(name);
                targetIds.put(recorded.pipelineId(), target);
            }
            if (target < 0)
            {
                return;
            }
            if (recorded.isLongKey())
            {
                engine.publish(target, recorded.partition(), recorded.eventTimeMs(), recorded.keyAsLong(), recorded.value(),
                    recorded.sourcePosition());
            }
            else
            {
                engine.publish(target, recorded.partition(), recorded.eventTimeMs(), recorded.key(), recorded.value(),
                    recorded.sourcePosition());
            }
            published[0]++;
        });
        return published[0];
    }

    public void close()
    {
        log.close();
    }
}
