package io.sluice.journal;

import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;

/**
 * Leaves a torn record at the end of a journal, as a writer killed in the middle of an append does: it
 * opens a document, writes part of a message, and halts the JVM before the document is complete.
 * Argument: the journal (queue) directory.
 */
public final class TornAppendChild
{
    private TornAppendChild()
    {
    }

    @SuppressWarnings("resource") // halting with the document open is the point
    public static void main(final String[] args)
    {
        System.setProperty("chronicle.analytics.disable", "true");
        final SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(Path.of(args[0])).build();
        final ExcerptAppender appender = queue.createAppender();
        final DocumentContext document = appender.writingDocument();
        for (int i = 0; i < 20; i++)
        {
            document.wire().bytes().writeByte((byte)(0x5A + i));
        }
        System.out.println("TORN at " + queue.lastIndex());
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
