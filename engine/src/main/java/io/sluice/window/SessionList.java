package io.sluice.window;

import io.sluice.state.OffHeapTable;
import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Each key's session windows as a list sorted by start, in one off-heap table. The key's first session
 * lives in the key's own entry, so an element for a key with a single live session (the common case: a
 * session extends until its gap passes) costs one lookup; later sessions are entries of their own.
 *
 * <pre>
 *   (key, FIRST) -> [start][end][next start][accumulator]    the key's first session
 *   (key, start) -> [start][end][next start][accumulator]    each later one
 *   aux = firings of the session's current extent
 * </pre>
 *
 * FIRST lies outside the event-time range, so it is never a session's start. Removing the first session
 * moves the second into the key's entry; inserting before the first moves the first out to an entry of
 * its own. Entry offsets are those of {@link OffHeapTable}: valid until the next insert or remove.
 */
final class SessionList implements AutoCloseable
{
    static final long NONE = Long.MIN_VALUE;

    private static final long FIRST = Long.MIN_VALUE;
    private static final int START_OFFSET = 0;
    private static final int END_OFFSET = 8;
    private static final int NEXT_OFFSET = 16;
    private static final int ACCUMULATOR_OFFSET = 24;

    private final OffHeapTable table;
    private final int valueBytes;

    SessionList(final int accumulatorBytes, final int expectedKeys)
    {
        valueBytes = ACCUMULATOR_OFFSET + accumulatorBytes;
        // Read on every element: sized for the expected keys and fuller than the default, so that at 10 000 keys
        // the table (1.3 MB) stays near L2.
        table = new OffHeapTable(valueBytes, expectedKeys, 80);
    }

    /** @return the entry of the key's first session, or {@link OffHeapTable#NOT_FOUND} if it has none. */
    int first(final int keyTag, final long keyId)
    {
        return table.find(keyId, FIRST, keyTag);
    }

    /** @return the entry of the key's session starting at {@code start}, or {@link OffHeapTable#NOT_FOUND}. */
    int find(final int keyTag, final long keyId, final long start)
    {
        final int first = first(keyTag, keyId);
        if (first == OffHeapTable.NOT_FOUND || start(first) == start)
        {
            return first;
        }
        return table.find(keyId, start, keyTag);
    }

    /** @return the entry of the session after the given one, or {@link OffHeapTable#NOT_FOUND} if it is the last. */
    int following(final int keyTag, final long keyId, final int entry)
    {
        final long next = next(entry);
        return next == NONE ? OffHeapTable.NOT_FOUND : table.find(keyId, next, keyTag);
    }

    /**
     * Inserts the session [start, end) after the key's session starting at {@code previous} ({@link #NONE}: as
     * the key's first), where {@code next} is the start of the session that follows it, or {@link #NONE}.
     * Its accumulator and firings are zero.
     *
     * @return the new session's entry.
     */
    int insert(final int keyTag, final long keyId, final long previous, final long start, final long end, final long next)
    {
        final int entry;
        if (previous == NONE)
        {
            final int oldFirst = first(keyTag, keyId);
            if (oldFirst == OffHeapTable.NOT_FOUND)
            {
                table.insert(keyId, FIRST, keyTag);
            }
            else
            {
                final int moved = table.insert(keyId, start(oldFirst), keyTag);
                copy(first(keyTag, keyId), moved); // looked up again: the insert may have rehashed
            }
            entry = first(keyTag, keyId);
            table.buffer().setMemory(table.valueOffset(entry), valueBytes, (byte)0);
            table.aux(entry, 0);
        }
        else
        {
            entry = table.insert(keyId, start, keyTag);
            table.buffer().putLong(table.valueOffset(find(keyTag, keyId, previous)) + NEXT_OFFSET, start);
        }
        final int value = table.valueOffset(entry);
        table.buffer().putLong(value + START_OFFSET, start);
        table.buffer().putLong(value + END_OFFSET, end);
        table.buffer().putLong(value + NEXT_OFFSET, next);
        return entry;
    }

    /** Removes the session at {@code entry} from its key's list. */
    void remove(final int keyTag, final long keyId, final int entry)
    {
        final long next = next(entry);
        if (table.key2(entry) == FIRST)
        {
            if (next == NONE)
            {
                table.removeAt(entry);
                return;
            }
            final int second = table.find(keyId, next, keyTag);
            copy(second, entry);
            table.removeAt(second);
            return;
        }
        final long start = start(entry);
        int previous = first(keyTag, keyId);
        while (next(previous) != start)
        {
            previous = following(keyTag, keyId, previous);
        }
        table.buffer().putLong(table.valueOffset(previous) + NEXT_OFFSET, next);
        table.removeAt(entry);
    }

    long start(final int entry)
    {
        return table.buffer().getLong(table.valueOffset(entry) + START_OFFSET);
    }

    long end(final int entry)
    {
        return table.buffer().getLong(table.valueOffset(entry) + END_OFFSET);
    }

    void end(final int entry, final long end)
    {
        table.buffer().putLong(table.valueOffset(entry) + END_OFFSET, end);
    }

    /** @return the start of the next session, or {@link #NONE}. */
    long next(final int entry)
    {
        return table.buffer().getLong(table.valueOffset(entry) + NEXT_OFFSET);
    }

    int firings(final int entry)
    {
        return table.aux(entry);
    }

    void firings(final int entry, final int firings)
    {
        table.aux(entry, firings);
    }

    /** The buffer accumulators live in; re-read after any insert. */
    UnsafeBuffer buffer()
    {
        return table.buffer();
    }

    int accumulatorOffset(final int entry)
    {
        return table.valueOffset(entry) + ACCUMULATOR_OFFSET;
    }

    /** Live sessions, over all keys. */
    int size()
    {
        return table.size();
    }

    void shrinkIfSparse()
    {
        table.shrinkIfSparse();
    }

    void saveTo(final StateWriter out)
    {
        out.section(0x5E551157).putInt(valueBytes);
        table.saveTo(out);
    }

    void restoreFrom(final StateReader in)
    {
        in.expectSection(0x5E551157, "a session window's session lists");
        in.expectInt(valueBytes, "the session record size (aggregates)");
        table.restoreFrom(in);
    }

    public void close()
    {
        table.close();
    }

    /** Copies a session's value and firings from one entry to another. */
    private void copy(final int from, final int to)
    {
        final UnsafeBuffer buffer = table.buffer();
        buffer.putBytes(table.valueOffset(to), buffer, table.valueOffset(from), valueBytes);
        table.aux(to, table.aux(from));
    }
}
