package io.sluice.window;

import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;
import io.sluice.state.OffHeapTable;
import io.sluice.state.Timers;

/**
 * Numbers the emissions of each window (0 on time, then 1, 2... for re-firings by late events). Counts
 * are needed only when a window can fire again, i.e. with allowed lateness; each count is forgotten by a
 * timer when its window becomes late.
 */
final class FiringCounter implements AutoCloseable
{
    private final long latenessMs;
    private final OffHeapTable counts;
    private final Timers timers;
    private final int cleanupTimerKind;

    FiringCounter(final long latenessMs, final int expectedKeys, final Timers timers, final int cleanupTimerKind)
    {
        this.latenessMs = latenessMs;
        this.counts = latenessMs > 0 ? new OffHeapTable(0, expectedKeys) : null;
        this.timers = timers;
        this.cleanupTimerKind = cleanupTimerKind;
    }

    /** The firing number for this emission of the window. */
    int next(final int keyTag, final long keyId, final long windowEnd)
    {
        if (counts == null)
        {
            return 0;
        }
        final int entry = counts.findOrInsert(keyId, windowEnd, keyTag);
        if (entry < 0)
        {
            counts.aux(OffHeapTable.insertedOffset(entry), 1);
            timers.add(windowEnd - 1 + latenessMs, cleanupTimerKind, keyId, keyTag, windowEnd);
            return 0;
        }
        final int firing = counts.aux(entry);
        counts.aux(entry, firing + 1);
        return firing;
    }

    /** Called by the cleanup timer: the window is late and can never fire again. */
    void forget(final int keyTag, final long keyId, final long windowEnd)
    {
        final int entry = counts.find(keyId, windowEnd, keyTag);
        if (entry != OffHeapTable.NOT_FOUND)
        {
            counts.removeAt(entry);
        }
    }

    void saveTo(final StateWriter out)
    {
        out.putBoolean(counts != null);
        if (counts != null)
        {
            counts.saveTo(out);
        }
    }

    void restoreFrom(final StateReader in)
    {
        if (in.getBoolean() != (counts != null))
        {
            throw new IllegalStateException("checkpoint and engine disagree on allowed lateness (firing counts)");
        }
        if (counts != null)
        {
            counts.restoreFrom(in);
        }
    }

    public void close()
    {
        if (counts != null)
        {
            counts.close();
        }
    }
}
