package io.sluice;

import io.sluice.record.OutputJournal;
import io.sluice.state.KeyDictionary;
import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;
import io.sluice.window.KeyTags;
import io.sluice.window.Output;
import io.sluice.window.OutputSequence;
import io.sluice.window.WindowOperator;

/**
 * Everything one shard does with a ring slot, free of threads so that tests can drive it directly.
 * Every shard sees every slot: its own events are windowed, and every slot's watermark advances all
 * shards in journal order, so a shard without traffic still fires its windows.
 */
final class ShardProcessor implements AutoCloseable, RingPoller.SlotHandler
{
    private static final java.lang.invoke.VarHandle PROCESSED_INPUT_INDEX;

    static
    {
        try
        {
            PROCESSED_INPUT_INDEX = java.lang.invoke.MethodHandles.lookup()
                .findVarHandle(ShardProcessor.class, "processedInputIndex", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int shard;
    private final KeyDictionary dictionary;
    private final WindowOperator[] operators;
    private final Output[] outputs;
    private final long[] watermarksMs;
    private final OutputSequence outputSequence;
    static final int LATENCY_SAMPLE_EVERY = 1024;
    private org.agrona.concurrent.NanoClock clock;
    private java.util.function.LongConsumer latencySampler;
    private long ownEvents;
    @SuppressWarnings("unused") // read and written through PROCESSED_INPUT_INDEX, by the shard thread and by sinks
    private long processedInputIndex = -1;
    // The last slot handled: published as processed at the batch's end, once its outputs are committed.
    private long handledInputIndex = -1;
    private final CheckpointCoordinator checkpoints;
    private final OutputJournal outputJournal;

    /**
     * @param checkpoints   null without storage: no checkpoint barrier ever reaches the shard then.
     * @param outputJournal null without storage.
     */
    ShardProcessor(
        final int shard, final KeyDictionary dictionary, final WindowOperator[] operators, final Output[] outputs,
        final OutputSequence outputSequence, final CheckpointCoordinator checkpoints, final OutputJournal outputJournal)
    {
        this.outputJournal = outputJournal;
        this.shard = shard;
        this.outputSequence = outputSequence;
        this.checkpoints = checkpoints;
        this.dictionary = dictionary;
        this.operators = operators;
        this.outputs = outputs;
        this.watermarksMs = new long[operators.length];
        java.util.Arrays.fill(watermarksMs, Long.MIN_VALUE);
    }

    /**
     * The input journal index of the last slot this shard finished: every output of it and before is in the
     * output journal, committed (readers see it).
     */
    long processedInputIndex()
    {
        return (long)PROCESSED_INPUT_INDEX.getAcquire(this);
    }

    public void onSlot(final IngressSlot slot)
    {
        final long journalIndex = slot.journalIndex();
        outputSequence.inputIndex(journalIndex);
        try
        {
            dispatch(slot);
        }
        finally
        {
            handledInputIndex = journalIndex;
        }
    }

    /** The batch's outputs are one output journal commit; only then is the batch's progress published. */
    public void onBatchEnd()
    {
        if (outputJournal != null)
        {
            outputJournal.commit();
        }
        PROCESSED_INPUT_INDEX.setRelease(this, handledInputIndex);
    }

    private void dispatch(final IngressSlot slot)
    {
        final int type = slot.type();
        switch (type)
        {
            case IngressSlot.EVENT:
                final int pipeline = slot.pipeline();
                if (slot.shard() == shard)
                {
                    final int keyTag = slot.keyTag();
                    final long keyId = keyTag == KeyTags.TEXT ?
                        dictionary.intern(slot.keyChars(), slot.keyOffset(), slot.keyLength(), slot.keyHash()) : slot.keyLong();
                    operators[pipeline].onElement(
                        keyTag, keyId, slot.eventTimeMs(), slot.value(), slot.partition(), watermarksMs[pipeline]);
                    if (latencySampler != null && (++ownEvents & (LATENCY_SAMPLE_EVERY - 1)) == 0)
                    {
                        latencySampler.accept(clock.nanoTime() - slot.stampedNs());
                    }
                }
                advance(pipeline, slot.watermarkMs());
                break;

            case IngressSlot.TICK:
                advance(slot.pipeline(), slot.watermarkMs());
                break;

            case IngressSlot.QUERY:
                if (slot.shard() == shard)
                {
                    answer(slot);
                }
                break;

            case IngressSlot.CHECKPOINT:
                onCheckpointBarrier(slot.checkpointId());
                break;

            case IngressSlot.PADDING:
                break;

            case IngressSlot.END_OF_INPUT:
                for (int p = 0; p < operators.length; p++)
                {
                    advance(p, Long.MAX_VALUE);
                }
                break;

            default:
                throw new IllegalStateException("unknown slot type " + type);
        }
    }

    /** The shard's stall: it saves its state before handling the next slot; writing to disk happens elsewhere. */
    private void onCheckpointBarrier(final long checkpointId)
    {
        final long startNs = System.nanoTime();
        // The snapshot's output sequence says "journaled through here": what it counts must be committed, or a
        // crash after the checkpoint would lose outputs that recovery, restoring past them, never re-produces.
        if (outputJournal != null)
        {
            outputJournal.commit();
        }
        final StateWriter state = checkpoints.shardState(shard);
        saveTo(state.reset());
        checkpoints.onShardSaved(shard, checkpointId, System.nanoTime() - startNs);
    }

    int shard()
    {
        return shard;
    }

    /**
     * Reports, for one own event in {@link #LATENCY_SAMPLE_EVERY}, the nanoseconds from the sequencer stamping
     * it to this shard having windowed it (queueing in the ring included).
     */
    void sampleLatency(final org.agrona.concurrent.NanoClock clock, final java.util.function.LongConsumer sampler)
    {
        this.clock = clock;
        this.latencySampler = sampler;
    }

    private void answer(final IngressSlot slot)
    {
        final KeyQuery query = slot.query();
        final int pipeline = slot.pipeline();
        final int keyTag = slot.keyTag();
        final long keyId = keyTag == KeyTags.TEXT ?
            dictionary.find(slot.keyChars(), slot.keyOffset(), slot.keyLength(), slot.keyHash()) : slot.keyLong();
        if (keyTag == KeyTags.LONG || keyId >= 0)
        {
            final Output output = outputs[pipeline];
            operators[pipeline].visitWindows(keyTag, keyId, watermarksMs[pipeline], (start, end, buffer, offset) ->
                query.add(new WindowState(output.pipelineName(), start, end,
                    buffer.getLong(offset + io.sluice.window.AccumulatorLayout.COUNT_OFFSET),
                    buffer.getLong(offset + io.sluice.window.AccumulatorLayout.SUM_OFFSET),
                    buffer.getLong(offset + io.sluice.window.AccumulatorLayout.MIN_OFFSET),
                    buffer.getLong(offset + io.sluice.window.AccumulatorLayout.MAX_OFFSET))));
        }
        query.answer();
    }

    WindowOperator operator(final int pipeline)
    {
        return operators[pipeline];
    }

    /** Text keys interned by this shard. */
    int internedKeys()
    {
        return dictionary.size();
    }

    Output output(final int pipeline)
    {
        return outputs[pipeline];
    }

    long watermarkMs(final int pipeline)
    {
        return watermarksMs[pipeline];
    }

    /** The shard's whole state at a checkpoint barrier: everything it needs to go on as if never stopped. */
    void saveTo(final StateWriter out)
    {
        out.section(0x54A2D000).putInt(shard).putLong(outputSequence.peek())
            .putLongs(watermarksMs, watermarksMs.length);
        dictionary.saveTo(out);
        for (int p = 0; p < operators.length; p++)
        {
            operators[p].saveTo(out);
            outputs[p].saveTo(out);
        }
    }

    void restoreFrom(final StateReader in)
    {
        in.expectSection(0x54A2D000, "shard " + shard);
        in.expectInt(shard, "the shard number");
        outputSequence.restore(in.getLong());
        final long[] saved = in.getLongs(0);
        if (saved.length != watermarksMs.length)
        {
            throw new IllegalStateException("checkpoint holds " + saved.length + " pipeline watermarks for " + watermarksMs.length + " pipelines");
        }
        System.arraycopy(saved, 0, watermarksMs, 0, saved.length);
        dictionary.restoreFrom(in);
        for (int p = 0; p < operators.length; p++)
        {
            operators[p].restoreFrom(in);
            outputs[p].restoreFrom(in);
        }
        if (!in.atEnd())
        {
            throw new IllegalStateException("checkpoint part of shard " + shard + " has bytes after the last pipeline's state");
        }
    }

    public void close()
    {
        for (final WindowOperator operator : operators)
        {
            operator.close();
        }
        dictionary.close();
    }

    private void advance(final int pipeline, final long watermarkMs)
    {
        if (watermarkMs > watermarksMs[pipeline])
        {
            watermarksMs[pipeline] = watermarkMs;
            operators[pipeline].onWatermark(watermarkMs);
        }
    }
}
