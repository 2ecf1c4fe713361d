package io.sluice.state;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Reads back what a {@link StateWriter} wrote, in the same order. Configuration equality is checked
 * once, before any state is read, against the configuration line of the checkpoint's manifest; what is
 * checked here is structure. A section marker that does not match, or a read past the end, is an
 * {@link IllegalStateException} naming what was expected.
 */
public final class StateReader
{
    private final DirectBuffer buffer;
    private final int limit;
    private final String source;
    private int position;

    /** @param source names the bytes (a checkpoint part) in error messages. */
    public StateReader(final DirectBuffer buffer, final int offset, final int length, final String source)
    {
        this.buffer = buffer;
        this.position = offset;
        this.limit = offset + length;
        this.source = source;
    }

    public boolean atEnd()
    {
        return position == limit;
    }

    public void expectSection(final int marker, final String what)
    {
        final int found = getInt();
        if (found != marker)
        {
            throw mismatch("expected the state of " + what + " (section 0x" + Integer.toHexString(marker) +
                ") but found section 0x" + Integer.toHexString(found));
        }
    }

    /** Checks an identity saved with the state (e.g. which shard a part belongs to). */
    public void expectInt(final int expected, final String what)
    {
        final int found = getInt();
        if (found != expected)
        {
            throw mismatch(what + " is " + expected + " in this engine but " + found + " in the checkpoint");
        }
    }

    public int getInt()
    {
        require(Integer.BYTES);
        final int value = buffer.getInt(position);
        position += Integer.BYTES;
        return value;
    }

    public long getLong()
    {
        require(Long.BYTES);
        final long value = buffer.getLong(position);
        position += Long.BYTES;
        return value;
    }

    public boolean getBoolean()
    {
        require(1);
        return buffer.getByte(position++) != 0;
    }

    /** @return the length of the byte range, which is copied to destination at offset 0. */
    public int getBytes(final MutableDirectBuffer destination)
    {
        final int length = getCount(1);
        if (length > destination.capacity())
        {
            throw mismatch("a byte range of " + length + " does not fit its destination of " + destination.capacity());
        }
        destination.putBytes(0, buffer, position, length);
        position += length;
        return length;
    }

    /** The counterpart of {@code StateWriter.putWords}: {@code length} (a multiple of 8) bytes to destination. */
    public void getWords(final MutableDirectBuffer destination, final int destinationOffset, final int length)
    {
        require(length);
        for (int i = 0; i < length; i += Long.BYTES)
        {
            destination.putLong(destinationOffset + i, buffer.getLong(position + i));
        }
        position += length;
    }

    /** The length prefix of the next range (bytes, or elements of an array), without consuming it. */
    public int peekCount()
    {
        require(Integer.BYTES);
        return buffer.getInt(position);
    }

    /** @return a new array of at least minLength elements holding the saved ones first. */
    public int[] getInts(final int minLength)
    {
        final int count = getCount(Integer.BYTES);
        final int[] values = new int[Math.max(count, minLength)];
        for (int i = 0; i < count; i++)
        {
            values[i] = buffer.getInt(position);
            position += Integer.BYTES;
        }
        return values;
    }

    /** @return a new array of at least minLength elements holding the saved ones first. */
    public long[] getLongs(final int minLength)
    {
        final int count = getCount(Long.BYTES);
        final long[] values = new long[Math.max(count, minLength)];
        for (int i = 0; i < count; i++)
        {
            values[i] = buffer.getLong(position);
            position += Long.BYTES;
        }
        return values;
    }

    /** @return a new array of at least minLength elements holding the saved ones first. */
    public boolean[] getBooleans(final int minLength)
    {
        final int count = getCount(1);
        final boolean[] values = new boolean[Math.max(count, minLength)];
        for (int i = 0; i < count; i++)
        {
            values[i] = buffer.getByte(position++) != 0;
        }
        return values;
    }

    private int getCount(final int elementBytes)
    {
        final int count = getInt();
        if (count < 0)
        {
            throw mismatch("negative length " + count);
        }
        require((long)count * elementBytes);
        return count;
    }

    private void require(final long bytes)
    {
        if (position + bytes > limit)
        {
            throw mismatch("needs " + bytes + " more bytes at offset " + position + " but the state ends at " + limit);
        }
    }

    private IllegalStateException mismatch(final String detail)
    {
        return new IllegalStateException(source + ": " + detail +
            "; the checkpoint was written by a differently configured engine (pipelines, windows, aggregates)");
    }
}
