package io.sluice.state;

import io.sluice.testing.SavedState;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RecordArenaTest
{
    @Test
    void recordsAreLineAlignedAndKeepTheirBytesAcrossGrowth()
    {
        try (RecordArena arena = new RecordArena(40, 0, 0, 2))
        {
            assertEquals(64, arena.strideBytes());
            for (int i = 0; i < 100; i++)
            {
                final int record = arena.allocateRecord();
                assertEquals(i, record);
                assertEquals(0L, arena.buffer().getLong(arena.offset(record)));
                arena.buffer().putLong(arena.offset(record), 1000L + i);
                arena.buffer().putLong(arena.offset(record) + 32, -i);
            }
            for (int i = 0; i < 100; i++)
            {
                assertEquals(1000L + i, arena.buffer().getLong(arena.offset(i)));
                assertEquals(-i, arena.buffer().getLong(arena.offset(i) + 32));
            }
            assertEquals(100, arena.liveRecords());
        }
    }

    @Test
    void aFreedRecordIsReusedZeroed()
    {
        try (RecordArena arena = new RecordArena(16, 0, 0, 4))
        {
            final int first = arena.allocateRecord();
            final int second = arena.allocateRecord();
            arena.buffer().putLong(arena.offset(second) + 8, 42);
            arena.freeRecord(second);
            assertEquals(1, arena.liveRecords());
            assertEquals(second, arena.allocateRecord());
            assertEquals(0L, arena.buffer().getLong(arena.offset(second) + 8));
            assertEquals(2, arena.liveRecords());
            arena.clear();
            assertEquals(0, arena.liveRecords());
            assertEquals(first, arena.allocateRecord());
        }
    }

    @Test
    void aRestoredArenaKeepsEveryRecordsNumberAndHandsOutFreedOnesInTheSameOrder()
    {
        try (RecordArena saved = new RecordArena(16, 2, 8, 2); RecordArena restored = new RecordArena(16, 2, 8, 2))
        {
            for (int i = 0; i < 40; i++)
            {
                final int record = saved.allocateRecord();
                saved.buffer().putLong(saved.offset(record), 100 + record);
                saved.buffer().putLong(saved.cellOffset(record, 1), -record);
            }
            saved.freeRecord(7);
            saved.freeRecord(31);
            saved.freeRecord(2);
            restored.restoreFrom(SavedState.readerOf(saved::saveTo));

            assertEquals(37, restored.liveRecords());
            assertEquals(40, restored.recordLimit());
            for (int record = 0; record < 40; record++)
            {
                if (record != 7 && record != 31 && record != 2)
                {
                    assertEquals(100 + record, restored.buffer().getLong(restored.offset(record)));
                    assertEquals(-record, restored.buffer().getLong(restored.cellOffset(record, 1)));
                }
            }
            assertEquals(2, restored.allocateRecord());
            assertEquals(31, restored.allocateRecord());
            assertEquals(7, restored.allocateRecord());
            assertEquals(0L, restored.buffer().getLong(restored.cellOffset(7, 1)), "a reused record comes zeroed");
            assertEquals(40, restored.allocateRecord());
        }
    }

    @Test
    void aCheckpointWhoseFreeListDoesNotFitItsRecordsIsRefused()
    {
        try (RecordArena saved = new RecordArena(16, 0, 0, 2); RecordArena restored = new RecordArena(16, 0, 0, 2))
        {
            saved.allocateRecord();
            saved.allocateRecord();
            saved.freeRecord(1);
            final StateWriter writer = new StateWriter(64);
            saved.saveTo(writer);
            final UnsafeBuffer corrupted = new UnsafeBuffer(new byte[writer.length()]);
            corrupted.putBytes(0, writer.buffer(), 0, writer.length());
            writer.close();
            // The free list's one number follows the section, three sizes, the high-water mark and the list's count.
            corrupted.putInt(6 * Integer.BYTES, 5);
            final IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> restored.restoreFrom(new StateReader(corrupted, 0, corrupted.capacity(), "test checkpoint")));
            assertEquals(true, refused.getMessage().contains("free list"), refused.getMessage());
        }
    }

    @Test
    void anArenaBeyondOneRegionIsRefusedWithAnAdvice()
    {
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> new RecordArena(1 << 20, 0, 0, 4096));
        assertEquals(true, refused.getMessage().contains("use more shards"));
    }
}
