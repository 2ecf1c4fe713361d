package io.sluice.storage;

import org.agrona.DirectBuffer;

/**
 * An append-only log of opaque messages, each named by a stable, increasing index. The engine encodes
 * (SBE) and decodes; a log only stores bytes. The journal module implements it on Chronicle Queue.
 *
 * <p>Appends come in batches: the messages appended since the last {@link #commit()} become visible to
 * readers together, at the commit (a log may also commit earlier on its own, e.g. when a batch is large).
 * A crash loses an uncommitted batch whole. One thread appends at a time; any number of readers.
 */
public interface MessageLog extends AutoCloseable
{
    long NO_INDEX = -1;
    long NO_STAMP = 0;

    /** @return the index of the appended message. */
    long append(DirectBuffer buffer, int offset, int length);

    /**
     * Sets the stamp of the messages appended from now on: one long a log stores once for many messages (once
     * per document in a Chronicle log) and gives back with each of them ({@link Reader#stamp()}). The input
     * journal's stamp is the sequencer's clock, which is the same for a whole batch: stored per message, it
     * was an eighth of every event record. A message appended before any stamp is set has {@link #NO_STAMP}.
     */
    void stamp(long stamp);

    /**
     * Ends the batch: every message appended so far becomes visible to readers, and as durable as the log's
     * {@link Durability} asks before this returns: flushed to the device for {@link Durability#SYNC}, in the
     * page cache for {@link Durability#DEFAULT}.
     */
    void commit();

    /** @return the index of the last complete message, or {@link #NO_INDEX} if there is none. */
    long lastIndex();

    /** A new reader, positioned before the first message. */
    Reader reader();

    void close();

    /** Reads messages in index order. */
    interface Reader extends AutoCloseable
    {
        /** Positions the reader so that the next message read is {@code index}. @return false if absent. */
        boolean seek(long index);

        /** Reads the next message, if any. @return false at the end of the log. */
        boolean next(MessageHandler handler);

        /** The stamp the message last read was appended under (see {@link MessageLog#stamp(long)}). */
        long stamp();

        void close();
    }

    /** The buffer is valid during the call only. */
    @FunctionalInterface
    interface MessageHandler
    {
        void onMessage(long index, DirectBuffer buffer, int offset, int length);
    }
}
