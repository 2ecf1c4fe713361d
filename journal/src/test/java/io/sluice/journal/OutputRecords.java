package io.sluice.journal;

import io.sluice.codecs.LateEventDecoder;
import io.sluice.codecs.MessageHeaderDecoder;
import io.sluice.codecs.WindowResultDecoder;
import io.sluice.storage.MessageLog;
import net.openhft.chronicle.queue.RollCycles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads every shard's output journal in a storage directory back as text lines, for comparisons. */
final class OutputRecords
{
    private OutputRecords()
    {
    }

    /** Lines {@code shard,sequence,R|L,...fields} in journal order, shard by shard. */
    static List<String> read(final Path directory, final int shards)
    {
        final List<String> lines = new ArrayList<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final WindowResultDecoder result = new WindowResultDecoder();
        final LateEventDecoder late = new LateEventDecoder();
        for (int shard = 0; shard < shards; shard++)
        {
            forEachRecord(directory, shard, (index, buffer, offset, length) ->
            {
                header.wrap(buffer, offset);
                if (header.templateId() == WindowResultDecoder.TEMPLATE_ID)
                {
                    result.wrapAndApplyHeader(buffer, offset, header);
                    lines.add(result.shard() + "," + result.sequence() + ",R," + result.pipelineId() + "," +
                        result.windowStartMs() + "," + result.windowEndMs() + "," + result.keyKind() + ":" + result.keyLong() +
                        ":" + result.key() + "," + result.count() + "," + result.sum() + "," + result.min() + "," + result.max() +
                        "," + result.firing());
                }
                else
                {
                    late.wrapAndApplyHeader(buffer, offset, header);
                    lines.add(late.shard() + "," + late.sequence() + ",L," + late.pipelineId() + "," + late.eventTimeMs() + "," +
                        late.keyKind() + ":" + late.keyLong() + ":" + late.key() + "," + late.value() + "," + late.watermarkMs());
                }
            });
        }
        return lines;
    }

    /** Every record of every shard's output journal as hex of its exact bytes, shard by shard, in journal order. */
    static List<String> readRaw(final Path directory, final int shards)
    {
        final List<String> records = new ArrayList<>();
        for (final List<String> shard : readRawByShard(directory, shards))
        {
            records.addAll(shard);
        }
        return records;
    }

    /** Per shard, its output journal's records as hex of their exact bytes, in journal order. */
    static List<List<String>> readRawByShard(final Path directory, final int shards)
    {
        final List<List<String>> byShard = new ArrayList<>();
        for (int shard = 0; shard < shards; shard++)
        {
            final List<String> records = new ArrayList<>();
            byShard.add(records);
            forEachRecord(directory, shard, (index, buffer, offset, length) ->
            {
                final byte[] bytes = new byte[length];
                buffer.getBytes(offset, bytes);
                records.add(java.util.HexFormat.of().formatHex(bytes));
            });
        }
        return byShard;
    }

    private static void forEachRecord(final Path directory, final int shard, final MessageLog.MessageHandler handler)
    {
        final Path shardDirectory = directory.resolve("output").resolve("shard-" + shard);
        if (!Files.exists(shardDirectory))
        {
            return;
        }
        try (ChronicleMessageLog log = new ChronicleMessageLog(shardDirectory, RollCycles.FAST_DAILY, io.sluice.storage.Durability.DEFAULT);
            MessageLog.Reader reader = log.reader())
        {
            while (reader.next(handler))
            {
                // each record goes to the handler
            }
        }
    }
}
