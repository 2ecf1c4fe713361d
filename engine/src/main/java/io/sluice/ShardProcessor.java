package io.sluice;

import io.sluice.state.KeyDictionary;
import io.sluice.window.KeyTags;
import io.sluice.window.Output;
import io.sluice.window.WindowOperator;

/**
 * Everything one shard does with a ring slot, free of threads so that tests can drive it directly.
 * Every shard sees every slot: its own events are windowed, and every slot's watermark advances all
 * shards in journal order, so a shard without traffic still fires its windows.
 */
final class ShardProcessor implements AutoCloseable, RingPoller.SlotHandler
{
    private final int shard;
    private final KeyDictionary dictionary;
    private final WindowOperator[] operators;
    private final Output[] outputs;
    private final long[] watermarksMs;

    ShardProcessor(final int shard, final KeyDictionary dictionary, final WindowOperator[] operators, final Output[] outputs)
    {
        this.shard = shard;
        this.dictionary = dictionary;
        this.operators = operators;
        this.outputs = outputs;
        this.watermarksMs = new long[operators.length];
        java.util.Arrays.fill(watermarksMs, Long.MIN_VALUE);
    }

    public void onSlot(final IngressSlot slot)
    {
        switch (slot.type)
        {
            case IngressSlot.EVENT:
                final int pipeline = slot.pipeline;
                if (slot.shard == shard)
                {
                    final long keyId = slot.keyTag == KeyTags.TEXT ?
                        dictionary.intern(slot.keyChars, slot.keyOffset, slot.keyLength, slot.keyHash) : slot.keyLong;
                    operators[pipeline].onElement(
                        slot.keyTag, keyId, slot.eventTimeMs, slot.value, slot.partition, watermarksMs[pipeline]);
                }
                advance(pipeline, slot.watermarkMs);
                break;

            case IngressSlot.TICK:
                advance(slot.pipeline, slot.watermarkMs);
                break;

            case IngressSlot.END_OF_INPUT:
                for (int p = 0; p < operators.length; p++)
                {
                    advance(p, Long.MAX_VALUE);
                }
                break;

            default:
                throw new IllegalStateException("unknown slot type " + slot.type);
        }
    }

    int shard()
    {
        return shard;
    }

    Output output(final int pipeline)
    {
        return outputs[pipeline];
    }

    long watermarkMs(final int pipeline)
    {
        return watermarksMs[pipeline];
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
