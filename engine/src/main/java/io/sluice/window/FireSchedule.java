package io.sluice.window;

import io.sluice.state.BucketTimerQueue;
import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;

import java.util.Arrays;

/**
 * The grid indexes of windows waiting to fire, in firing order, with how many windows each holds, and up
 * to which index those windows have timers of their own ("listed"): the tumbling windows' firing order.
 *
 * <pre>
 *   pending:  [index 41: 9 980 windows] [index 42: 6 310 + 2 hot] [index 43: 12 + 25 hot]   sorted by index = by end
 *             ^ head (fires next)                                             tail ^
 *   listed through: index 42 (41 and 42 listed, 43 not)
 * </pre>
 *
 * Every window of an index ends together, so the operator needs no timer per window while it can fire an
 * index by walking its table, which pays when the index holds a good share of the live windows (the
 * common case: most keys active in most windows). Only when an index is too sparse for a walk does the
 * operator list it: one walk gives every window of every pending index a timer, and from then on every
 * window created at or below the newest index listed gets its timer as it is created, also in an index
 * that was not pending at the walk. Either way each window costs O(1).
 *
 * <p>Counting a new window is on the element path, so it touches no array: new windows land in the present
 * window, or during disorder the one before, so they are counted in fields for those two "hot" indexes and
 * added to the counts when a third index turns hot or the counts are read ({@link #settle}). Listing is one
 * bound, not a flag per index. A short element path is one the JIT inlines into its caller (see
 * {@link TumblingWindowOperator#onElement}).
 */
final class FireSchedule
{
    // A new number for each change of the saved form, so that an older checkpoint is refused.
    private static final int SECTION = 0x5C4ED01F;
    /** No index: below every index of the supported time range (±2^62 ms). */
    private static final long NONE = Long.MIN_VALUE;

    private final SliceGrid grid;
    private long[] indexes = new long[16];
    private int[] counts = new int[16];
    private int head;
    private int tail;
    /** Every index at or below this is listed; {@link #NONE} for none. */
    private long listedThrough = NONE;
    private int unlistedWindows;
    /** The index that turned hot last, pending with its place in the arrays, or {@link #NONE}. */
    private long hotIndex = NONE;
    /** Windows created at the hot index and not yet in its count. */
    private int hotWindows;
    /** The hot index before it, as {@link #hotIndex}. */
    private long otherHotIndex = NONE;
    private int otherHotWindows;

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
        if (index == hotIndex)
        {
            hotWindows++;
        }
        else if (index == otherHotIndex)
        {
            otherHotWindows++;
        }
        else
        {
            becomeHot(index); // about once per index: left out of line
        }
        if (index <= listedThrough)
        {
            return true;
        }
        unlistedWindows++;
        return false;
    }

    /** Counts a window at this index, which becomes the hot one, and pending from now on; the hot one before becomes the other. */
    private void becomeHot(final long index)
    {
        settle();
        final int at = find(index);
        if (at < 0)
        {
            insertAt(-at - 1, index);
        }
        otherHotIndex = hotIndex;
        hotIndex = index;
        hotWindows = 1;
    }

    /** Adds the windows counted for the hot indexes to their counts: before anything reads the counts. */
    private void settle()
    {
        addToCount(hotIndex, hotWindows);
        addToCount(otherHotIndex, otherHotWindows);
        hotWindows = 0;
        otherHotWindows = 0;
    }

    private void addToCount(final long index, final int windows)
    {
        if (windows != 0)
        {
            counts[find(index)] += windows;
        }
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
        settle();
        return counts[head];
    }

    boolean earliestListed()
    {
        return indexes[head] <= listedThrough;
    }

    void removeEarliest()
    {
        settle();
        if (!earliestListed())
        {
            unlistedWindows -= counts[head];
        }
        // It fires now: no window is created there again.
        if (indexes[head] == hotIndex)
        {
            hotIndex = NONE;
        }
        if (indexes[head] == otherHotIndex)
        {
            otherHotIndex = NONE;
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
        return index > listedThrough && find(index) >= 0;
    }

    /**
     * Marks every pending index listed, and every index below the newest that turns up later: the caller has
     * just given each pending window a fire timer, and gives one to each window created at a listed index.
     */
    void listAll()
    {
        if (!isEmpty())
        {
            listedThrough = Math.max(listedThrough, indexes[tail - 1]);
        }
        unlistedWindows = 0;
    }

    /** Windows waiting to fire without a timer of their own: the operator's pending timers are these plus its real ones. */
    int unlistedWindows()
    {
        return unlistedWindows;
    }

    void saveTo(final StateWriter out)
    {
        settle();
        out.section(SECTION).putInt(tail - head).putLong(listedThrough);
        for (int i = head; i < tail; i++)
        {
            out.putLong(indexes[i]).putInt(counts[i]);
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
        head = 0;
        tail = pending;
        listedThrough = in.getLong();
        unlistedWindows = 0;
        hotIndex = NONE;
        hotWindows = 0;
        otherHotIndex = NONE;
        otherHotWindows = 0;
        for (int i = 0; i < pending; i++)
        {
            indexes[i] = in.getLong();
            counts[i] = in.getInt();
            if (counts[i] <= 0 || (i > 0 && indexes[i] <= indexes[i - 1]))
            {
                throw new IllegalStateException("checkpoint holds a fire schedule out of order or with an empty index");
            }
            unlistedWindows += indexes[i] <= listedThrough ? 0 : counts[i];
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

    private void insertAt(final int position, final long index)
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
            }
        }
        shift(at, at + 1, tail - at);
        indexes[at] = index;
        counts[at] = 0;
        tail++;
    }

    private void shift(final int from, final int to, final int length)
    {
        System.arraycopy(indexes, from, indexes, to, length);
        System.arraycopy(counts, from, counts, to, length);
    }
}
