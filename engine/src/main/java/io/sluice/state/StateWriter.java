package io.sluice.state;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * Serialises a shard's or the sequencer's state into one growable off-heap buffer, at memory-copy speed:
 * off-heap tables go in as raw byte ranges, primitive arrays element by element. Each structure opens
 * with a section marker so that restoring into a differently configured engine fails loudly instead of
 * misreading bytes.
 *
 * <p>One writer per engine thread, reused from checkpoint to checkpoint: after the first, it has the
 * capacity it needs and is not grown again unless the state grows.
 */
public final class StateWriter
{
    private final ExpandableDirectByteBuffer buffer;
    private int position;
    private boolean closed;

    public StateWriter(final int initialCapacity)
    {
        buffer = new ExpandableDirectByteBuffer(Math.max(64, initialCapacity));
    }

    /** Starts over, keeping the capacity. */
    public StateWriter reset()
    {
        position = 0;
        return this;
    }

    public int length()
    {
        return position;
    }

    /** The bytes written so far are [0, {@link #length()}). */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    public StateWriter section(final int marker)
    {
        return putInt(marker);
    }

    public StateWriter putInt(final int value)
    {
        buffer.putInt(position, value);
        position += Integer.BYTES;
        return this;
    }

    public StateWriter putLong(final long value)
    {
        buffer.putLong(position, value);
        position += Long.BYTES;
        return this;
    }

    public StateWriter putBoolean(final boolean value)
    {
        buffer.putByte(position, value ? (byte)1 : 0);
        position++;
        return this;
    }

    public StateWriter putBytes(final DirectBuffer source, final int offset, final int length)
    {
        putInt(length);
        buffer.putBytes(position, source, offset, length);
        position += length;
        return this;
    }

    public StateWriter putInts(final int[] values, final int count)
    {
        putInt(count);
        ensure(count * Integer.BYTES);
        for (int i = 0; i < count; i++)
        {
            buffer.putInt(position, values[i]);
            position += Integer.BYTES;
        }
        return this;
    }

    public StateWriter putLongs(final long[] values, final int count)
    {
        putInt(count);
        ensure(count * Long.BYTES);
        for (int i = 0; i < count; i++)
        {
            buffer.putLong(position, values[i]);
            position += Long.BYTES;
        }
        return this;
    }

    public StateWriter putBooleans(final boolean[] values, final int count)
    {
        putInt(count);
        ensure(count);
        for (int i = 0; i < count; i++)
        {
            buffer.putByte(position++, values[i] ? (byte)1 : 0);
        }
        return this;
    }

    /** Frees the off-heap buffer now rather than at GC; the writer is unusable afterwards. */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            BufferUtil.free(buffer.byteBuffer());
        }
    }

    private void ensure(final int bytes)
    {
        buffer.checkLimit(position + bytes);
    }
}
