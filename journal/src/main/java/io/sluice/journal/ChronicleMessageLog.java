package io.sluice.journal;

import io.sluice.storage.MessageLog;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;

/**
 * A {@link MessageLog} on one Chronicle Queue directory: one document per message, the document's
 * Chronicle index as the message index (cycle in the high bits, sequence within the cycle in the low).
 * Messages are copied from and read in place from the queue's memory-mapped files, without allocating.
 *
 * <p>Chronicle appenders belong to a thread; the appending thread may change between recovery (the
 * starting thread) and normal running (the engine's thread), so the appender is re-acquired when it does.
 */
final class ChronicleMessageLog implements MessageLog
{
    private final SingleChronicleQueue queue;
    private final String name;
    private ExcerptAppender appender;
    private Thread appenderThread;

    ChronicleMessageLog(final Path directory, final RollCycle rollCycle)
    {
        this.name = directory.toString();
        this.queue = SingleChronicleQueueBuilder.binary(directory).rollCycle(rollCycle).build();
    }

    public long append(final DirectBuffer buffer, final int offset, final int length)
    {
        final ExcerptAppender appender = appender();
        try (DocumentContext document = appender.writingDocument())
        {
            final Bytes<?> bytes = document.wire().bytes();
            final byte[] array = buffer.byteArray();
            if (array != null)
            {
                bytes.write(array, (int)(buffer.addressOffset() - BufferUtil.ARRAY_BASE_OFFSET) + offset, length);
            }
            else
            {
                bytes.unsafeWrite(buffer.addressOffset() + offset, length);
            }
        }
        return appender.lastIndexAppended();
    }

    public long lastIndex()
    {
        final long last = queue.lastIndex();
        return last < 0 ? NO_INDEX : last;
    }

    public Reader reader()
    {
        return new TailerReader(queue.createTailer());
    }

    public void close()
    {
        if (appender != null)
        {
            appender.close();
            appender = null;
        }
        queue.close();
    }

    public String toString()
    {
        return name;
    }

    private ExcerptAppender appender()
    {
        final Thread current = Thread.currentThread();
        if (appenderThread != current)
        {
            if (appender != null)
            {
                appender.close();
            }
            appender = queue.createAppender();
            appenderThread = current;
        }
        return appender;
    }

    private static final class TailerReader implements Reader
    {
        private final ExcerptTailer tailer;
        private final UnsafeBuffer view = new UnsafeBuffer(0, 0);

        TailerReader(final ExcerptTailer tailer)
        {
            this.tailer = tailer;
        }

        public boolean seek(final long index)
        {
            return tailer.moveToIndex(index);
        }

        public boolean next(final MessageHandler handler)
        {
            try (DocumentContext document = tailer.readingDocument())
            {
                if (!document.isPresent())
                {
                    return false;
                }
                final Bytes<?> bytes = document.wire().bytes();
                final int length = (int)bytes.readRemaining();
                view.wrap(bytes.addressForRead(bytes.readPosition()), length);
                handler.onMessage(document.index(), view, 0, length);
                return true;
            }
        }

        public void close()
        {
            tailer.close();
        }
    }
}
