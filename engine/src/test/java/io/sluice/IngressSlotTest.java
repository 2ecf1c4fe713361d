package io.sluice;

import io.sluice.state.KeyDictionary;
import io.sluice.window.KeyTags;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The off-heap slot layout: every field holds its whole range, and no field or slot spills into another. */
class IngressSlotTest
{
    @Test
    void eachSlotIsOneAlignedCacheLine()
    {
        final IngressRing ring = new IngressRing(8, 4);
        assertEquals(0, ring.slots().addressOffset() % 64, "the first slot starts a cache line");
        assertEquals(8 * 64, ring.slots().capacity());
        assertEquals(64, IngressSlot.BYTES);
    }

    @Test
    void everySlotStartsWithoutAJournalIndex()
    {
        final IngressRing ring = new IngressRing(4, 1);
        final IngressSlot slot = ring.newSlot();
        for (int i = 0; i < 4; i++)
        {
            assertEquals(-1, slot.wrap(i).journalIndex());
        }
    }

    @Test
    void fieldsHoldTheirWholeRangeSideBySide()
    {
        final IngressRing ring = new IngressRing(2, 1);
        final IngressSlot slot = ring.newSlot().wrap(1);
        IngressSlot.writeEvent(ring, 1, 65_534, 4_095, Long.MIN_VALUE, Long.MAX_VALUE, null, -1, Long.MAX_VALUE);
        slot.watermarkMs(Long.MIN_VALUE + 1);
        slot.shard(255);
        slot.stampedNs(-2);
        slot.journalIndex(Long.MAX_VALUE - 1);

        assertEquals(IngressSlot.EVENT, slot.type());
        assertEquals(65_534, slot.pipeline());
        assertEquals(4_095, slot.partition());
        assertEquals(Long.MIN_VALUE, slot.eventTimeMs());
        assertEquals(-1, slot.value());
        assertEquals(Long.MAX_VALUE, slot.sourcePosition());
        assertEquals(KeyTags.LONG, slot.keyTag());
        assertEquals(Long.MAX_VALUE, slot.keyLong());
        assertEquals(KeyDictionary.mix(Long.MAX_VALUE), slot.keyHash());
        assertEquals(0, slot.keyLength());
        assertEquals(Long.MIN_VALUE + 1, slot.watermarkMs());
        assertEquals(255, slot.shard());
        assertEquals(-2, slot.stampedNs());
        assertEquals(Long.MAX_VALUE - 1, slot.journalIndex());
        assertEquals(-1, ring.newSlot().wrap(0).journalIndex(), "the slot before it is untouched");
    }

    @Test
    void aTextKeyIsCopiedToItsSlotsCharsAndHashed()
    {
        final IngressRing ring = new IngressRing(4, 5);
        IngressSlot.writeEvent(ring, 6, 0, 0, 1, 0, "abcde", 1, Sluice.NO_POSITION);
        IngressSlot.writeEvent(ring, 7, 0, 0, 1, 0, "z", 1, Sluice.NO_POSITION);
        final IngressSlot slot = ring.newSlot().wrap(6);

        assertEquals(KeyTags.TEXT, slot.keyTag());
        assertEquals(5, slot.keyLength());
        assertEquals(10, slot.keyOffset(), "sequence 6 is slot 2 of 4, 5 chars each");
        assertEquals("abcde", new String(slot.keyChars(), slot.keyOffset(), slot.keyLength()));
        assertEquals(KeyDictionary.hash("abcde"), slot.keyHash());
        assertEquals("z", new String(slot.wrap(7).keyChars(), slot.keyOffset(), slot.keyLength()));

        slot.wrap(6).textKey(3);
        assertEquals(KeyDictionary.hash("abc"), slot.keyHash(), "a key decoded in place is hashed in place");
        slot.longKey(0);
        assertEquals(KeyTags.LONG, slot.keyTag(), "a long key 0 is still a long key");
        assertEquals(KeyDictionary.mix(0), slot.keyHash());
    }

    @Test
    void theLongestKeyFits()
    {
        final IngressRing ring = new IngressRing(1, IngressSlot.MAX_KEY_LENGTH);
        final String key = "k".repeat(IngressSlot.MAX_KEY_LENGTH);
        IngressSlot.writeEvent(ring, 0, 0, 0, 1, 0, key, 1, Sluice.NO_POSITION);
        final IngressSlot slot = ring.newSlot().wrap(0);
        assertEquals(65_535, slot.keyLength());
        assertEquals(KeyDictionary.hash(key), slot.keyHash());
    }

    @Test
    void controlSlotsCarryWhatTheirStagesRead()
    {
        final IngressRing ring = new IngressRing(4, 2);
        final KeyQuery query = new KeyQuery();
        IngressSlot.writeQuery(ring, 0, 3, 0, "q", query);
        IngressSlot.writeCheckpoint(ring, 1, 77);
        IngressSlot.writeTick(ring, 2, 9);
        IngressSlot.writeEndOfInput(ring, 3);
        final IngressSlot slot = ring.newSlot();

        assertEquals(IngressSlot.QUERY, slot.wrap(0).type());
        assertEquals(3, slot.pipeline());
        assertSame(query, slot.query());
        assertEquals(KeyDictionary.hash("q"), slot.keyHash());
        assertEquals(IngressSlot.CHECKPOINT, slot.wrap(1).type());
        assertEquals(77, slot.checkpointId());
        assertNull(slot.query());
        assertEquals(IngressSlot.TICK, slot.wrap(2).type());
        assertEquals(9, slot.pipeline());
        assertEquals(IngressSlot.END_OF_INPUT, slot.wrap(3).type());
    }

    @Test
    void neighbouringSlotsNeverOverlap()
    {
        final int size = 64;
        final IngressRing ring = new IngressRing(size, 1);
        final IngressSlot slot = ring.newSlot();
        final SplittableRandom random = new SplittableRandom(5);
        final long[][] expected = new long[size][];
        for (int i = 0; i < size; i++)
        {
            final long[] fields = {random.nextInt(65_535), random.nextInt(4_096), random.nextLong(), random.nextLong(), random.nextLong(),
                random.nextLong(), random.nextLong(), random.nextInt(256), random.nextLong(), random.nextLong()};
            expected[i] = fields;
            // Written in reverse ring order, so that a slot spilling into its successor would be overwritten and caught.
            final long sequence = size + size - 1 - i;
            IngressSlot.writeEvent(ring, sequence, (int)fields[0], (int)fields[1], fields[2], fields[3], null, fields[4], fields[5]);
            slot.wrap(sequence).watermarkMs(fields[6]);
            slot.shard((int)fields[7]);
            slot.stampedNs(fields[8]);
            slot.journalIndex(fields[9]);
        }
        for (int i = 0; i < size; i++)
        {
            final long[] fields = expected[i];
            slot.wrap(size + size - 1 - i);
            final long[] actual = {slot.pipeline(), slot.partition(), slot.eventTimeMs(), slot.keyLong(), slot.value(), slot.sourcePosition(),
                slot.watermarkMs(), slot.shard(), slot.stampedNs(), slot.journalIndex()};
            assertEquals(java.util.Arrays.toString(fields), java.util.Arrays.toString(actual), "slot " + i);
        }
    }
}
