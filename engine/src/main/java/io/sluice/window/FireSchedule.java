package io.sluice.window;

import io.sluice.state.BucketTimerQueue;
import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;

import java.util.Arrays;

/**
 * The grid indexes of windows waiting to fire, in firing order, with how many windows each holds and
 * whether those windows have timers of their own ("listed"): the tumbling windows' firing order.
 *
 * <pre>
 *   pending:  [index 41: 9 980 windows, unlisted] [index 42: 6 310, unlisted]      sorted by index = by end
 *             ^ head (fires next)                                       tail ^
 * </pre>
 *
 * Every window of an index ends together, so the operator needs no timer per window while it can fire an
 * index by walking its table, which pays when the index holds a good share of the live windows (the
 * common case: most keys active in most windows). Only when an index is too sparse for a walk does the
 * operator list it: one walk gives every window of every pending index a timer, and windows created
 * later in a listed index get theirs as they are created. Either way each window costs O(1).
 *
 * <p>Lookups check the newest two indexes first (elements land in the present window, or the one before
 * it during disorder), then search; a new index is nearly always the newest, so inserting is an append.
 */
final class FireSchedule
{
    private static final int SECTION = 0x5C4ED01E;

    private final SliceGrid grid;
    private long[] indexes = new long[16];
    private int[] counts = new int[16];
    private boolean[] listed = new boolean[16];
    private int head;
    private int tail;
    private int unlistedWindows;

    FireSchedule(final SliceGrid grid)
    {
        this.grid = grid;
    }

    /**
     * Counts a window created at this index before its end: from then on it waits to fire there.
     *
     * @return whether the index is listed, in which case the window needs a fire timer of its own.
     */
    boolean windowCreated(final long index)
    {
        int at = find(index);
        if (at < 0)
        {
            at = insertAt(-at - 1, index);
        }
        counts[at]++;
        if (listed[at])
        {
            return true;
        }
        unlistedWindows++;
        return false;
    }

    boolean isEmpty()
    {
        return head == tail;
    }

    /**
     * Whether the earliest index is due at this watermark and fires before the operator's next due timer:
     * at equal times an index fires first, as its windows' own fire timers would sort before any cleanup.
     */
    boolean firesBefore(final BucketTimerQueue timers, final long watermarkMs)
    {
        if (isEmpty() || earliestFireTime() > watermarkMs)
        {
            return false;
        }
        return timers.isEmpty() || earliestFireTime() <= timers.peekTime();
    }

    long earliestIndex()
    {
        return indexes[head];
    }

    /** When the earliest index fires. */
    long earliestFireTime()
    {
        return fireTimeOf(indexes[head]);
    }

    /** When an index fires: its windows' last millisecond. */
    long fireTimeOf(final long index)
    {
        return grid.sliceStartOf(index) + grid.sizeMs - 1;
    }

    int earliestCount()
    {
        return counts[head];
    }

    boolean earliestListed()
    {
        return listed[head];
    }

    void removeEarliest()
    {
        if (!listed[head])
        {
            unlistedWindows -= counts[head];
        }
        head++;
        if (head == tail)
        {
            head = 0;
            tail = 0;
        }
    }

    /** Whether windows at this index wait to fire without timers of their own. */
    boolean isUnlisted(final long index)
    {
        final int at = find(index);
        return at >= 0 && !listed[at];
    }

    /** Marks every pending index listed: the caller has just given each of their windows a fire timer. */
    void listAll()
    {
        Arrays.fill(listed, head, tail, true);
        unlistedWindows = 0;
    }

    /** Windows waiting to fire without a timer of their own: the operator's pending timers are these plus its real ones. */
    int unlistedWindows()
    {
        return unlistedWindows;
    }

    void saveTo(final StateWriter out)
    {
        out.section(SECTION).putInt(tail - head);
        for (int i = head; i < tail; i++)
        {
            out.putLong(indexes[i]).putInt(counts[i]).putBoolean(listed[i]);
        }
    }

    void restoreFrom(final StateReader in)
    {
        in.expectSection(SECTION, "a window fire schedule");
        final int pending = in.getInt();
        if (pending < 0)
        {
            throw new IllegalStateException("checkpoint holds a fire schedule of negative size");
        }
        final int capacity = Math.max(16, pending);
        indexes = new long[capacity];
        counts = new int[capacity];
        listed = new boolean[capacity];
        head = 0;
        tail = pending;
        unlistedWindows = 0;
        for (int i = 0; i < pending; i++)
        {
            indexes[i] = in.getLong();
            counts[i] = in.getInt();
            listed[i] = in.getBoolean();
            if (counts[i] <= 0 || (i > 0 && indexes[i] <= indexes[i - 1]))
            {
                throw new IllegalStateException("checkpoint holds a fire schedule out of order or with an empty index");
            }
            unlistedWindows += listed[i] ? 0 : counts[i];
        }
    }

    /** @return the position of the index, or -(insertion point) - 1. */
    private int find(final long index)
    {
        final int newest = tail - 1;
        if (newest >= head)
        {
            if (indexes[newest] == index)
            {
                return newest;
            }
            if (newest > head && indexes[newest - 1] == index)
            {
                return newest - 1;
            }
        }
        return Arrays.binarySearch(indexes, head, tail, index);
    }

    private int insertAt(final int position, final long index)
    {
        int at = position;
        if (tail == indexes.length)
        {
            if (head > 0)
            {
                // Fired indexes left room at the front: shift the pending ones down instead of growing.
                shift(head, 0, tail - head);
                at -= head;
                tail -= head;
                head = 0;
            }
            else
            {
                final int capacity = indexes.length << 1;
                indexes = Arrays.copyOf(indexes, capacity);
                counts = Arrays.copyOf(counts, capacity);
                listed = Arrays.copyOf(listed, capacity);
            }
        }
        shift(at, at + 1, tail - at);
        indexes[at] = index;
        counts[at] = 0;
        listed[at] = false;
        tail++;
        return at;
    }

    private void shift(final int from, final int to, final int length)
    {
        System.arraycopy(indexes, from, indexes, to, length);
        System.arraycopy(counts, from, counts, to, length);
        System.arraycopy(listed, from, listed, to, length);
    }
}
