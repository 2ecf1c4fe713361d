package io.sluice.state;

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
    void anArenaBeyondOneRegionIsRefusedWithAnAdvice()
    {
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> new RecordArena(1 << 20, 0, 0, 4096));
        assertEquals(true, refused.getMessage().contains("use more shards"));
    }
}
