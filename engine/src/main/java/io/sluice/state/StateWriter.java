package io.sluice.state;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

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
    // Writes go through a plain view of the same memory: the expandable buffer checks its capacity on every
    // put, which for a million-entry table is most of the copy's cost. ensure() grows it and re-wraps this.
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private int position;
    private boolean closed;

    public StateWriter(final int initialCapacity)
    {
        buffer = new ExpandableDirectByteBuffer(Math.max(64, initialCapacity));
        view.wrap(buffer.addressOffset(), buffer.capacity());
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
        ensure(Integer.BYTES);
        view.putInt(position, value);
        position += Integer.BYTES;
        return this;
    }

    public StateWriter putLong(final long value)
    {
        ensure(Long.BYTES);
        view.putLong(position, value);
        position += Long.BYTES;
        return this;
    }

    public StateWriter putBoolean(final boolean value)
    {
        ensure(1);
        view.putByte(position, value ? (byte)1 : 0);
        position++;
        return this;
    }

    public StateWriter putBytes(final DirectBuffer source, final int offset, final int length)
    {
        putInt(length);
        ensure(length);
        view.putBytes(position, source, offset, length);
        position += length;
        return this;
    }

    /** Makes room for {@code bytes} more at once, so that a large structure grows the buffer once, not by doublings. */
    public StateWriter reserve(final long bytes)
    {
        if (position + bytes > Integer.MAX_VALUE - 64)
        {
            throw new IllegalStateException("state of " + (position + bytes) + " bytes exceeds one 2 GiB part; use more shards");
        }
        ensure((int)bytes);
        return this;
    }

    /** Copies words from off-heap memory without a length prefix; {@code length} is a multiple of 8. */
    public StateWriter putWords(final DirectBuffer source, final int offset, final int length)
    {
        ensure(length);
        for (int i = 0; i < length; i += Long.BYTES)
        {
            view.putLong(position + i, source.getLong(offset + i));
        }
        position += length;
        return this;
    }

    public StateWriter putInts(final int[] values, final int count)
    {
        putInt(count);
        ensure(count * Integer.BYTES);
        for (int i = 0; i < count; i++)
        {
            view.putInt(position, values[i]);
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
            view.putLong(position, values[i]);
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
            view.putByte(position++, values[i] ? (byte)1 : 0);
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
        if (position + bytes > view.capacity())
        {
            buffer.checkLimit(position + bytes);
            view.wrap(buffer.addressOffset(), buffer.capacity());
        }
    }
}
