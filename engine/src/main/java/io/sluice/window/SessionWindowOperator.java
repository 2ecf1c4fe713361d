package io.sluice.window;

import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;
import io.sluice.WindowSpec;
import io.sluice.state.OffHeapTable;
import io.sluice.state.BucketTimerQueue;
import io.sluice.state.DirectMemory;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Event-time session windows with Flink's merging rules: an event opens [t, t + gap); sessions that
 * overlap or touch it ({@code a.start <= b.end && a.end >= b.start}) merge with it into one.
 *
 * <pre>
 *   key k:  [s0,e0) ──► [s1,e1) ──► none       sorted by start, disjoint, not touching ({@link SessionList});
 *           the first one in the key's own entry, so a key with one live session costs one lookup
 * </pre>
 *
 * Lateness follows {@code WindowOperator} for merging assigners: the event's window is merged first,
 * then the merged window is judged, so an event that would be late alone is kept when it joins a live
 * session. A firing number counts emissions of one exact (key, start, end): a merge that changes the
 * extent makes a new window, numbered from 0 again. Timers carry the session start and are validated
 * against the session's current end when they pop, since merging leaves the old ones stale.
 */
public final class SessionWindowOperator implements WindowOperator
{
    private static final int FIRE = 0;
    private static final int CLEANUP = 1;
    private static final long NONE = SessionList.NONE;

    private final long gapMs;
    private final long latenessMs;
    private final AccumulatorLayout layout;
    private final Output output;
    private final SessionList sessions;
    private final BucketTimerQueue timers;
    private final DirectMemory scratchMemory;
    private final UnsafeBuffer scratch;
    private long[] mergedStarts = new long[8];

    public SessionWindowOperator(final WindowSpec window, final long allowedLatenessMs, final Output output, final int expectedKeys)
    {
        if (window.type() != WindowSpec.Type.SESSION)
        {
            throw new IllegalArgumentException("SessionWindowOperator needs a session window: " + window);
        }
        this.gapMs = window.gapMs();
        this.latenessMs = allowedLatenessMs;
        this.output = output;
        this.layout = output.layout();
        this.sessions = new SessionList(layout.bytes(), expectedKeys);
        this.timers = new BucketTimerQueue(expectedKeys * 2);
        this.scratchMemory = new DirectMemory(layout.bytes());
        this.scratch = scratchMemory.buffer();
    }

    /**
     * The common case first, kept small: an event that falls in the key's first session, reaches no later
     * one and does not move its start, while that session has not fired, only updates it and may push its
     * end out (its timers follow lazily, see {@link #onWatermark}).
     */
    public void onElement(
        final int keyTag, final long keyId, final long eventTimeMs, final long value, final int partition, final long watermarkMs)
    {
        final SessionList sessions = this.sessions;
        final int first = sessions.first(keyTag, keyId);
        if (first != OffHeapTable.NOT_FOUND)
        {
            final long start = sessions.start(first);
            final long end = sessions.end(first);
            final long newEnd = eventTimeMs + gapMs;
            final long next = sessions.next(first);
            if (start <= eventTimeMs && eventTimeMs <= end && end - 1 > watermarkMs && (next == NONE || next > newEnd))
            {
                extendInPlace(keyTag, keyId, start, first, end, Math.max(end, newEnd), value, watermarkMs);
                return;
            }
        }
        onElementOtherwise(keyTag, keyId, eventTimeMs, value, partition, watermarkMs);
    }

    /** A new session, a merge, a start moved earlier, a late event or a re-firing: the general case. */
    private void onElementOtherwise(
        final int keyTag, final long keyId, final long eventTimeMs, final long value, final int partition, final long watermarkMs)
    {
        final long newStart = eventTimeMs;
        final long newEnd = eventTimeMs + gapMs;
        final SessionList sessions = this.sessions;

        // Walk the sorted list to the first session that can touch [newStart, newEnd).
        long previous = NONE;
        int entry = sessions.first(keyTag, keyId);
        while (entry != OffHeapTable.NOT_FOUND && sessions.end(entry) < newStart)
        {
            previous = sessions.start(entry);
            entry = sessions.following(keyTag, keyId, entry);
        }

        final long current = entry == OffHeapTable.NOT_FOUND ? NONE : sessions.start(entry);
        if (current == NONE || current > newEnd)
        {
            if (newEnd - 1 + latenessMs <= watermarkMs)
            {
                output.late(keyTag, keyId, eventTimeMs, value, partition, watermarkMs);
                return;
            }
            layout.clear(scratch, 0);
            layout.add(scratch, 0, value);
            insertNewSession(keyTag, keyId, previous, newStart, newEnd, current, watermarkMs);
            return;
        }

        final long currentEnd = sessions.end(entry);
        long afterRun = sessions.next(entry);
        if (afterRun == NONE || afterRun > newEnd)
        {
            if (newStart >= current)
            {
                extendInPlace(keyTag, keyId, current, entry, currentEnd, Math.max(currentEnd, newEnd), value, watermarkMs);
                return;
            }
        }

        // A general merge: the event bridges sessions, or moves a session's start earlier.
        int mergedCount = 0;
        long mergedEnd = Math.max(currentEnd, newEnd);
        mergedStarts[mergedCount++] = current;
        for (int merged = entry; afterRun != NONE && afterRun <= newEnd; afterRun = sessions.next(merged))
        {
            if (mergedCount == mergedStarts.length)
            {
                mergedStarts = java.util.Arrays.copyOf(mergedStarts, mergedCount << 1);
            }
            mergedStarts[mergedCount++] = afterRun;
            merged = sessions.following(keyTag, keyId, merged);
            mergedEnd = Math.max(mergedEnd, sessions.end(merged));
        }

        layout.clear(scratch, 0);
        layout.add(scratch, 0, value);
        for (int i = 0; i < mergedCount; i++)
        {
            final int merged = sessions.find(keyTag, keyId, mergedStarts[i]);
            layout.merge(scratch, 0, sessions.buffer(), sessions.accumulatorOffset(merged));
            sessions.remove(keyTag, keyId, merged);
        }

        final long mergedStart = Math.min(current, newStart);
        if (mergedStart != current)
        {
            insertNewSession(keyTag, keyId, previous, mergedStart, mergedEnd, afterRun, watermarkMs);
            return;
        }
        // Same start as the first merged session: its pending timers carry over (see extendInPlace).
        final int kept = sessions.insert(keyTag, keyId, previous, mergedStart, currentEnd, afterRun);
        sessions.buffer().putBytes(sessions.accumulatorOffset(kept), scratch, 0, layout.bytes());
        extendEnd(keyTag, keyId, mergedStart, kept, currentEnd, mergedEnd, watermarkMs);
    }

    public void onWatermark(final long watermarkMs)
    {
        final BucketTimerQueue timers = this.timers;
        final SessionList sessions = this.sessions;
        boolean freed = false;
        while (!timers.isEmpty() && timers.peekTime() <= watermarkMs)
        {
            final long time = timers.peekTime();
            final int kind = timers.peekKind();
            final long keyId = timers.peekKey();
            final int keyTag = timers.peekTag();
            final long start = timers.peekAux();
            timers.poll();

            final int entry = sessions.find(keyTag, keyId, start);
            if (entry == OffHeapTable.NOT_FOUND)
            {
                continue; // merged into a session with an earlier start, which has timers of its own
            }
            final long end = sessions.end(entry);
            final long dueMs = kind == FIRE ? end - 1 : end - 1 + latenessMs;
            if (dueMs > time)
            {
                timers.add(dueMs, kind, keyId, keyTag, start); // the session grew since: follow it
            }
            else if (kind == FIRE)
            {
                emit(keyTag, keyId, start, end, entry);
                if (latenessMs == 0)
                {
                    sessions.remove(keyTag, keyId, entry); // its own cleanup, see insertNewSession
                    freed = true;
                }
            }
            else
            {
                sessions.remove(keyTag, keyId, entry);
                freed = true;
            }
        }
        if (freed)
        {
            sessions.shrinkIfSparse();
        }
    }

    /** Walks the key's session list: its sessions not yet past their lateness, oldest first. */
    public void visitWindows(final int keyTag, final long keyId, final long watermarkMs, final WindowVisitor visitor)
    {
        for (int entry = sessions.first(keyTag, keyId); entry != OffHeapTable.NOT_FOUND;
            entry = sessions.following(keyTag, keyId, entry))
        {
            final long end = sessions.end(entry);
            if (end - 1 + latenessMs > watermarkMs)
            {
                visitor.visit(sessions.start(entry), end, sessions.buffer(), sessions.accumulatorOffset(entry));
            }
        }
    }

    public int liveEntries()
    {
        return sessions.size();
    }

    public int pendingTimers()
    {
        return timers.size();
    }

    public void saveTo(final StateWriter out)
    {
        out.section(0x5E5510E1);
        sessions.saveTo(out);
        timers.saveTo(out);
    }

    public void restoreFrom(final StateReader in)
    {
        in.expectSection(0x5E5510E1, "a session window operator");
        sessions.restoreFrom(in);
        timers.restoreFrom(in);
    }

    public void close()
    {
        sessions.close();
        scratchMemory.close();
    }

    /**
     * Inserts [start, end), accumulator in scratch, between previous and next: a session whose start no
     * live timer refers to (a start is never reused while timers for it are pending, since a session
     * only loses its start by merging into one that covers it, or by passing its lateness horizon).
     */
    private void insertNewSession(
        final int keyTag, final long keyId, final long previous, final long start, final long end, final long next,
        final long watermarkMs)
    {
        final int entry = sessions.insert(keyTag, keyId, previous, start, end, next);
        sessions.buffer().putBytes(sessions.accumulatorOffset(entry), scratch, 0, layout.bytes());

        if (latenessMs > 0)
        {
            // Without lateness the cleanup would pop right after the fire at the same instant: the fire
            // timer frees the session itself, which halves the timers while sessions keep extending.
            timers.add(end - 1 + latenessMs, CLEANUP, keyId, keyTag, start);
        }
        if (end - 1 > watermarkMs)
        {
            timers.add(end - 1, FIRE, keyId, keyTag, start);
        }
        else
        {
            // Already due (allowed lateness): Flink's trigger fires on the element itself.
            emit(keyTag, keyId, start, end, entry);
        }
    }

    /** The event falls in one session and does not move its start: update it where it is. */
    private void extendInPlace(
        final int keyTag, final long keyId, final long start, final int entry, final long oldEnd, final long newEnd,
        final long value, final long watermarkMs)
    {
        layout.add(sessions.buffer(), sessions.accumulatorOffset(entry), value);
        if (newEnd == oldEnd)
        {
            if (oldEnd - 1 <= watermarkMs)
            {
                emit(keyTag, keyId, start, oldEnd, entry); // the same window again: a late re-firing
            }
            return;
        }
        extendEnd(keyTag, keyId, start, entry, oldEnd, newEnd, watermarkMs);
    }

    /**
     * A session kept its start and its end grew: a new window extent, so firings count from 0 again.
     * Its cleanup timer and (when not yet fired) its fire timer are still pending at the old end and move
     * forward when they pop. A fire timer that already popped is replaced, or the window fires now.
     */
    private void extendEnd(
        final int keyTag, final long keyId, final long start, final int entry, final long oldEnd, final long newEnd,
        final long watermarkMs)
    {
        sessions.end(entry, newEnd);
        sessions.firings(entry, 0);
        if (oldEnd - 1 <= watermarkMs)
        {
            if (newEnd - 1 > watermarkMs)
            {
                timers.add(newEnd - 1, FIRE, keyId, keyTag, start);
            }
            else
            {
                emit(keyTag, keyId, start, newEnd, entry);
            }
        }
    }

    private void emit(final int keyTag, final long keyId, final long start, final long end, final int entry)
    {
        final int firing = sessions.firings(entry);
        sessions.firings(entry, firing + 1);
        output.result(keyTag, keyId, start, end, sessions.buffer(), sessions.accumulatorOffset(entry), firing);
    }
}
