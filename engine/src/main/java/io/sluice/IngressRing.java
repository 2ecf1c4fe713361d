package io.sluice;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.MultiProducerSequencer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.Sequencer;
import com.lmax.disruptor.YieldingWaitStrategy;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The ingress ring: Disruptor's multi-producer sequencer claiming and publishing slots of one cache line
 * each, off-heap ({@link IngressSlot} has the layout). Disruptor's {@code RingBuffer} keeps an object per
 * slot; here the sequencer alone is Disruptor's, so that a slot is 64 bytes of memory aligned to a line
 * rather than an object of 120 bytes: each event then moves one line between cores at each stage, and a
 * ring streams through the shard's cache at half the bytes.
 *
 * <p>Beside the slots, the ring keeps text keys (a char range per slot, {@code maxKeyLength} long) and the
 * query object of a {@link IngressSlot#QUERY} slot, which memory cannot hold.
 *
 * <p>The slots' memory is freed by the garbage collector, not on close: a publisher on another thread may
 * still be writing a slot it claimed while the engine closes, and must not write to freed memory.
 */
final class IngressRing
{
    /** Slots times 64 bytes must fit one buffer. */
    static final int MAX_SIZE = 1 << 24;

    private final Sequencer sequencer;
    private final UnsafeBuffer slots;
    private final char[] keyChars;
    private final KeyQuery[] queries;
    private final int maxKeyLength;
    private final int mask;

    /**
     * @param size         slots, a power of two up to {@link #MAX_SIZE}.
     * @param maxKeyLength chars reserved per slot for a text key, up to {@link IngressSlot#MAX_KEY_LENGTH}.
     */
    IngressRing(final int size, final int maxKeyLength)
    {
        if (size < 1 || Integer.bitCount(size) != 1 || size > MAX_SIZE)
        {
            throw new IllegalArgumentException("ring size must be a power of two in [1, 2^24]: " + size);
        }
        if (maxKeyLength < 1 || maxKeyLength > IngressSlot.MAX_KEY_LENGTH)
        {
            throw new IllegalArgumentException("maxKeyLength must be in [1, " + IngressSlot.MAX_KEY_LENGTH + "]: " + maxKeyLength);
        }
        final long keyCharCount = (long)size * maxKeyLength;
        if (keyCharCount > Integer.MAX_VALUE - 16)
        {
            throw new IllegalArgumentException("ringSize x maxKeyLength = " + keyCharCount + " chars exceeds one array; lower one of them");
        }
        // The wait strategy only matters to Disruptor's own event processors, which the engine does not use:
        // its stages poll. Yielding keeps publishing free of the lock a blocking strategy would signal.
        this.sequencer = new MultiProducerSequencer(size, new YieldingWaitStrategy());
        this.slots = new UnsafeBuffer(BufferUtil.allocateDirectAligned(size * IngressSlot.BYTES, IngressSlot.BYTES));
        this.keyChars = new char[(int)keyCharCount];
        this.queries = new KeyQuery[size];
        this.maxKeyLength = maxKeyLength;
        this.mask = size - 1;
        final IngressSlot slot = newSlot();
        for (int i = 0; i < size; i++)
        {
            slot.wrap(i).journalIndex(-1);
        }
    }

    /** A view for one thread's reads and stamps. */
    IngressSlot newSlot()
    {
        return new IngressSlot(this);
    }

    int size()
    {
        return mask + 1;
    }

    long next()
    {
        return sequencer.next();
    }

    /** Claims the last of {@code n} consecutive slots; blocks while they are not free. */
    long next(final int n)
    {
        return sequencer.next(n);
    }

    long tryNext() throws InsufficientCapacityException
    {
        return sequencer.tryNext();
    }

    void publish(final long sequence)
    {
        sequencer.publish(sequence);
    }

    /** The highest claimed sequence; slots up to it may not all be published yet (see {@link #isAvailable}). */
    long cursor()
    {
        return sequencer.getCursor();
    }

    boolean isAvailable(final long sequence)
    {
        return sequencer.isAvailable(sequence);
    }

    boolean hasAvailableCapacity(final int slots)
    {
        return sequencer.hasAvailableCapacity(slots);
    }

    /** Publishers wait until every gating sequence has passed a slot before claiming it again. */
    void addGatingSequences(final Sequence... gatingSequences)
    {
        sequencer.addGatingSequences(gatingSequences);
    }

    long minimumGatingSequence()
    {
        return sequencer.getMinimumSequence();
    }

    int indexOf(final long sequence)
    {
        return (int)sequence & mask;
    }

    int keyOffsetOf(final int index)
    {
        return index * maxKeyLength;
    }

    UnsafeBuffer slots()
    {
        return slots;
    }

    char[] keyChars()
    {
        return keyChars;
    }

    KeyQuery[] queries()
    {
        return queries;
    }
}
