package io.sluice;

import io.sluice.storage.MessageLog;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each event is journaled in the shortest record its fields allow, and decodes back to the slot it came
 * from: the narrow record exactly when key and value fit 32 bits and the pipeline id 8.
 */
class InputJournalTest
{
    private final BytesLog log = new BytesLog();
    private final InputJournal journal = new InputJournal(log, 8);
    private final IngressRing ring = new IngressRing(2, 8);
    private final IngressSlot decoded = ring.newSlot().wrap(1);

    @Test
    void aPlainPublishOfNarrowNumbersTakesTheNarrowRecordUpToItsBounds()
    {
        assertRecord(25, 0, Integer.MAX_VALUE, Integer.MIN_VALUE, 0, Sluice.NO_POSITION);
        assertRecord(25, 255, Integer.MIN_VALUE, Integer.MAX_VALUE, 0, Sluice.NO_POSITION);
        assertRecord(25, 7, -1, 0, 0, Sluice.NO_POSITION);
    }

    @Test
    void oneFieldPastItsBoundTakesTheWiderRecord()
    {
        assertRecord(34, 256, 1, 1, 0, Sluice.NO_POSITION);
        assertRecord(34, 0, Integer.MAX_VALUE + 1L, 1, 0, Sluice.NO_POSITION);
        assertRecord(34, 0, 1, Integer.MIN_VALUE - 1L, 0, Sluice.NO_POSITION);
        assertRecord(34, 65_534, Long.MIN_VALUE, Long.MAX_VALUE, 0, Sluice.NO_POSITION);
        assertRecord(46, 0, 1, 1, 1, Sluice.NO_POSITION);
        assertRecord(46, 0, 1, 1, 0, 123);
    }

    @Test
    void aTextKeyLongerThanThisEnginesLimitIsRefusedByNameNotSpilledIntoTheNextSlot()
    {
        final IngressRing wide = new IngressRing(1, 16);
        final InputJournal wideJournal = new InputJournal(log, 16);
        final String clef = new String(Character.toChars(0x1D11E)); // two chars, four UTF-8 bytes
        final String[] fitting = {"12345678", clef.repeat(4), "é".repeat(8)};
        final String[] tooLong = {"123456789", clef.repeat(5), "é".repeat(16)};
        for (final String key : fitting)
        {
            IngressSlot.writeEvent(wide, 0, 0, 0, 1, 0, key, 1, Sluice.NO_POSITION);
            wideJournal.append(wide.newSlot().wrap(0), 1);
        }
        for (final String key : tooLong)
        {
            IngressSlot.writeEvent(wide, 0, 0, 0, 1, 0, key, 1, Sluice.NO_POSITION);
            wideJournal.append(wide.newSlot().wrap(0), 1);
        }
        IngressSlot.writeEvent(ring, 1, 0, 0, 1, 0, "next", 1, Sluice.NO_POSITION);
        final IngressSlot first = ring.newSlot().wrap(0);

        for (int i = 0; i < fitting.length; i++)
        {
            final byte[] record = log.messages.get(i);
            journal.decode(new UnsafeBuffer(record), 0, record.length, 1, first);
            assertEquals(fitting[i], new String(first.keyChars(), first.keyOffset(), first.keyLength()));
        }
        final String[] reasons = {"key of 9 chars", "key of 10 chars", "key of 32 UTF-8 bytes"};
        for (int i = 0; i < tooLong.length; i++)
        {
            final byte[] record = log.messages.get(fitting.length + i);
            final IllegalStateException refused =
                assertThrows(IllegalStateException.class, () -> journal.decode(new UnsafeBuffer(record), 0, record.length, 1, first));
            assertTrue(refused.getMessage().contains(reasons[i] + " is longer than this engine's maxKeyLength 8") &&
                refused.getMessage().contains("maxKeyLength(n)"), refused.getMessage());
        }
        final IngressSlot next = ring.newSlot().wrap(1);
        assertEquals("next", new String(next.keyChars(), next.keyOffset(), next.keyLength()), "the next slot's key is untouched");
    }

    private void assertRecord(
        final int expectedLength, final int pipeline, final long key, final long value, final int partition, final long position)
    {
        IngressSlot.writeEvent(ring, 0, pipeline, partition, -5, key, null, value, position);
        journal.append(ring.newSlot().wrap(0), 99);
        final byte[] record = log.messages.get(log.messages.size() - 1);
        assertEquals(expectedLength, record.length, "record for pipeline " + pipeline + " key " + key + " value " + value);

        assertEquals(99, journal.decode(new UnsafeBuffer(record), 0, record.length, 99, decoded));
        assertEquals(IngressSlot.EVENT, decoded.type());
        assertEquals(pipeline, decoded.pipeline());
        assertEquals(partition, decoded.partition());
        assertEquals(-5, decoded.eventTimeMs());
        assertEquals(key, decoded.keyLong());
        assertEquals(value, decoded.value());
        assertEquals(position, decoded.sourcePosition());
    }

    /** Keeps each appended message's bytes; only appending is needed here. */
    private static final class BytesLog implements MessageLog
    {
        final List<byte[]> messages = new ArrayList<>();

        public long append(final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            messages.add(copy);
            return messages.size() - 1;
        }

        public void stamp(final long stamp)
        {
        }

        public void commit()
        {
        }

        public long lastIndex()
        {
            return messages.size() - 1;
        }

        public Reader reader()
        {
            throw new UnsupportedOperationException("not needed by this test");
        }

        public void close()
        {
        }
    }
}
