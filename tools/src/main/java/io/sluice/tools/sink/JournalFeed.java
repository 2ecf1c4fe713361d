package io.sluice.tools.sink;

import io.sluice.Sluice;
import io.sluice.codecs.KeyKind;
import io.sluice.codecs.LateEventDecoder;
import io.sluice.codecs.MessageHeaderDecoder;
import io.sluice.codecs.WindowResultDecoder;
import io.sluice.journal.JournalStorage;
import io.sluice.storage.MessageLog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntToLongFunction;

/**
 * Exactly-once sinks: a thread that tails every shard's output journal and writes the outputs to the
 * {@link Sinks} in one order, whatever the shards' timing: by (input index, shard, sequence). It writes an
 * output only once every shard has finished the inputs up to its input index ({@link Sluice#shardProgress}),
 * so no shard can still produce one that sorts before it.
 *
 * <p>Every second, and when it finishes, it forces the files and then commits ({@link SinkState}) how far it
 * read each journal and how long each file is. A restarted run cuts each file back to its committed length
 * and reads on from there: what it writes again is byte for byte what it wrote before the crash.
 */
public final class JournalFeed implements AutoCloseable
{
    private static final long COMMIT_INTERVAL_NS = 1_000_000_000L;

    private final Sinks sinks;
    private final SinkState state;
    private final MessageLog[] logs;
    private final MessageLog.Reader[] readers;
    private final Head[] heads;
    private final long[] lastRead;
    private final IntToLongFunction progress;
    private final Thread thread;
    private final Path storage;
    private final java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean finishing;
    private volatile Throwable failure;
    private long nextCommitNs;

    /**
     * @param progress per shard, the input index it has finished (the engine's shardProgress).
     */
    public JournalFeed(final Path storage, final int shards, final Sinks sinks, final SinkState state, final IntToLongFunction progress)
    {
        this.sinks = sinks;
        this.state = state;
        this.progress = progress;
        this.storage = storage;
        this.logs = new MessageLog[shards];
        this.readers = new MessageLog.Reader[shards];
        this.heads = new Head[shards];
        this.lastRead = new long[shards];
        this.thread = new Thread(this::run, "sluice-sink");
        this.thread.setDaemon(true);
    }

    /** Starts the thread and returns once it has opened the journals where the sink state says to resume. */
    public JournalFeed start() throws InterruptedException
    {
        nextCommitNs = System.nanoTime() + COMMIT_INTERVAL_NS;
        thread.start();
        opened.await();
        if (failure != null)
        {
            throw new IllegalStateException(failure.getMessage(), failure);
        }
        return this;
    }

    /** Chronicle tailers belong to one thread: the feed's own opens them. */
    private void open()
    {
        for (int s = 0; s < readers.length; s++)
        {
            logs[s] = JournalStorage.readOutputJournal(storage, s);
            readers[s] = logs[s].reader();
            heads[s] = new Head(s);
            lastRead[s] = state.lastRead(s);
            if (lastRead[s] != MessageLog.NO_INDEX)
            {
                if (!readers[s].seek(lastRead[s]) || !readers[s].next((index, buffer, offset, length) -> { }))
                {
                    throw new IllegalStateException("the sink state says shard " + s + "'s output journal was read up to index " +
                        lastRead[s] + ", which the journal does not hold: " + state.file() + " does not belong to " + storage);
                }
            }
        }
    }

    /** Call once the engine has stopped or closed: writes every output left, commits, and returns. */
    public void finish() throws InterruptedException
    {
        finishing = true;
        thread.join();
        if (failure != null)
        {
            throw new IllegalStateException("the sink failed: " + failure.getMessage(), failure);
        }
    }

    /** Closes the journals; after {@link #finish()}, whose thread owned them. */
    public void close()
    {
        for (int s = 0; s < readers.length; s++)
        {
            if (readers[s] != null)
            {
                readers[s].close();
            }
            if (logs[s] != null)
            {
                logs[s].close();
            }
        }
    }

    private void run()
    {
        try
        {
            try
            {
                open();
            }
            finally
            {
                opened.countDown();
            }
            while (true)
            {
                final boolean last = finishing; // read before the progress, which is then final too
                long safe = Long.MAX_VALUE;
                if (!last)
                {
                    for (int s = 0; s < heads.length; s++)
                    {
                        safe = Math.min(safe, progress.applyAsLong(s));
                    }
                }
                final int written = drain(safe);
                if (last && written == 0)
                {
                    commit();
                    return;
                }
                if (System.nanoTime() >= nextCommitNs)
                {
                    commit();
                    nextCommitNs = System.nanoTime() + COMMIT_INTERVAL_NS;
                }
                if (written == 0)
                {
                    Thread.sleep(1);
                }
            }
        }
        catch (final Throwable t)
        {
            failure = t;
        }
    }

    /** Writes, in merge order, every available output whose input index is at most {@code safe}. */
    private int drain(final long safe)
    {
        int written = 0;
        while (true)
        {
            Head next = null;
            for (final Head head : heads)
            {
                if (!head.present)
                {
                    readers[head.shard].next(head);
                }
                if (head.present && head.inputIndex <= safe && (next == null || head.sortsBefore(next)))
                {
                    next = head;
                }
            }
            if (next == null)
            {
                return written;
            }
            sinks.write(next.row);
            lastRead[next.shard] = next.journalIndex;
            next.present = false;
            written++;
        }
    }

    private void commit() throws IOException
    {
        final Map<Path, Long> lengths = sinks.sync();
        state.commit(lastRead, lengths);
    }

    /** A shard's next output, decoded, waiting its turn in the merge. */
    private static final class Head implements MessageLog.MessageHandler
    {
        final int shard;
        final OutputRow row = new OutputRow();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final WindowResultDecoder result = new WindowResultDecoder();
        final LateEventDecoder late = new LateEventDecoder();
        boolean present;
        long journalIndex;
        long inputIndex;
        long sequence;

        Head(final int shard)
        {
            this.shard = shard;
        }

        boolean sortsBefore(final Head other)
        {
            if (inputIndex != other.inputIndex)
            {
                return inputIndex < other.inputIndex;
            }
            return shard != other.shard ? shard < other.shard : sequence < other.sequence;
        }

        public void onMessage(final long index, final org.agrona.DirectBuffer buffer, final int offset, final int length)
        {
            header.wrap(buffer, offset);
            row.key.setLength(0);
            if (header.templateId() == WindowResultDecoder.TEMPLATE_ID)
            {
                result.wrapAndApplyHeader(buffer, offset, header);
                row.late = false;
                row.pipelineId = result.pipelineId();
                row.windowStartMs = result.windowStartMs();
                row.windowEndMs = result.windowEndMs();
                row.count = result.count();
                row.sum = result.sum();
                row.min = result.min();
                row.max = result.max();
                row.firing = result.firing();
                sequence = result.sequence();
                inputIndex = result.inputIndex();
                if (result.keyKind() == KeyKind.LONG)
                {
                    row.key.append(result.keyLong());
                }
                else
                {
                    row.key.append(result.key());
                }
            }
            else if (header.templateId() == LateEventDecoder.TEMPLATE_ID)
            {
                late.wrapAndApplyHeader(buffer, offset, header);
                row.late = true;
                row.pipelineId = late.pipelineId();
                row.eventTimeMs = late.eventTimeMs();
                row.value = late.value();
                row.partition = late.partition();
                row.watermarkMs = late.watermarkMs();
                sequence = late.sequence();
                inputIndex = late.inputIndex();
                if (late.keyKind() == KeyKind.LONG)
                {
                    row.key.append(late.keyLong());
                }
                else
                {
                    row.key.append(late.key());
                }
            }
            else
            {
                throw new IllegalStateException("shard " + shard + "'s output journal holds a record of template " +
                    header.templateId() + " at index " + index + ", which is not an output");
            }
            journalIndex = index;
            present = true;
        }
    }
}
