package io.sluice.state;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * A cache-line-aligned off-heap region that can be freed deterministically. Agrona's aligned
 * allocation hands out a slice, which cannot be freed until GC; this keeps the original buffer and
 * wraps the aligned part of it.
 */
public final class DirectMemory implements AutoCloseable
{
    private static final int ALIGNMENT = 64;

    private ByteBuffer allocation;
    private final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);

    public DirectMemory(final int capacityBytes)
    {
        if (capacityBytes < 0 || capacityBytes > Integer.MAX_VALUE - ALIGNMENT)
        {
            throw new IllegalArgumentException("capacityBytes out of range: " + capacityBytes);
        }
        allocation = ByteBuffer.allocateDirect(capacityBytes + ALIGNMENT);
        final long address = BufferUtil.address(allocation);
        final int offset = (int)((ALIGNMENT - (address & (ALIGNMENT - 1))) & (ALIGNMENT - 1));
        buffer.wrap(allocation, offset, capacityBytes);
        buffer.setMemory(0, capacityBytes, (byte)0);
    }

    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    public int capacity()
    {
        return buffer.capacity();
    }

    public void close()
    {
        if (allocation != null)
        {
            BufferUtil.free(allocation);
            allocation = null;
            buffer.wrap(0, 0);
        }
    }
}
