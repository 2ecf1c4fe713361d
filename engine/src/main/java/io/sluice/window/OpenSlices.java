package io.sluice.window;

import io.sluice.state.OffHeapTable;
import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * The sliding-window slices the watermark has not passed yet, for the few slice indexes just ahead of
 * it: one accumulator per (key, slice) in an off-heap table, as a tumbling window keeps its windows.
 * Nearly every element lands here, in one probe of one table, where the slice columns would take a probe
 * of their key index and then the key's cell. Once the watermark passes a slice's end, nothing in it
 * can change through this table again, and {@link #advance} hands it to the slice columns, which keep
 * it for the windows it belongs to.
 *
 * <pre>
 *   element ──► open slice (key, index) in [openFrom, openFrom + SPAN) ──► watermark passes its end
 *                                                                          ──► slice columns
 *   any other slice ──────────────────────────────────────────────────────► slice columns directly
 * </pre>
 *
 * No window containing an open slice has fired: a window ends at a slice boundary, so the earliest one
 * containing the slice ends with it, and fires only once the watermark has passed that end, after
 * the slice has been handed over. So an element may go to either place while its slice is open (one
 * behind the watermark goes to the store), and the two parts merge when the slice is handed over.
 */
final class OpenSlices implements AutoCloseable
{
    /**
     * Slice indexes open at once, from the first the watermark has not passed: the present one plus room
     * for disorder (a 1 s bound over 100 ms slices needs 11). An element further ahead goes to the store.
     */
    static final int SPAN = 64;
    private static final int SECTION = 0x0BE75112;

    private final SliceGrid grid;
    private final AccumulatorLayout layout;
    private final OffHeapTable slices;
    private final int[] counts = new int[SPAN];
    // Slices [openFrom, openEnd) are taken; none before the first watermark. openEnd and closesAtMs
    // follow from openFrom (see open), kept so that neither an add nor a watermark has to work them out.
    private long openFrom;
    private long openEnd;
    // The watermark that closes the first open slice: below it, a watermark changes nothing here.
    private long closesAtMs;

    OpenSlices(final SliceGrid grid, final AccumulatorLayout layout, final int expectedKeys)
    {
        this.grid = grid;
        this.layout = layout;
        this.slices = new OffHeapTable(layout.bytes(), expectedKeys * 2);
        open(Long.MIN_VALUE);
    }

    /**
     * Adds the value to the key's open slice, opening it if needed.
     *
     * @return false, changing nothing, if the slice is not among the open ones.
     */
    boolean add(final int keyTag, final long keyId, final long slice, final long value)
    {
        if (slice < openFrom || slice >= openEnd)
        {
            return false;
        }
        final OffHeapTable slices = this.slices;
        final int entry = slices.findOrInsert(keyId, slice, keyTag);
        if (entry >= 0)
        {
            layout.add(slices.buffer(), slices.valueOffset(entry), value);
            return true;
        }
        layout.first(slices.buffer(), slices.valueOffset(OffHeapTable.insertedOffset(entry)), value);
        counts[(int)slice & (SPAN - 1)]++;
        return true;
    }

    /**
     * Hands every slice the watermark has passed the end of to the visitor, in the table's walk order
     * ({@link OffHeapTable#removeAllWithKey2In}), removes them, and opens the {@link #SPAN} indexes from the
     * first it has not passed.
     *
     * @param visitor sees each slice's entry ({@link #keyTag}, {@link #keyId}, {@link #slice}, {@link #cellOffset})
     *                before it goes; it must not add here.
     * @return whether any slice was handed over.
     */
    boolean advance(final long watermarkMs, final OffHeapTable.EntryVisitor visitor)
    {
        if (watermarkMs < closesAtMs)
        {
            return false;
        }
        // The first slice not passed holds watermark + 1; at the end of input (watermark +inf) none is left.
        final long firstOpen = watermarkMs == Long.MAX_VALUE ? Long.MAX_VALUE : grid.sliceIndex(watermarkMs + 1);
        boolean handedOver = false;
        if (slices.size() > 0)
        {
            for (long slice = openFrom, end = Math.min(firstOpen, openEnd); slice < end; slice++)
            {
                final int at = (int)slice & (SPAN - 1);
                handedOver |= counts[at] != 0;
                counts[at] = 0;
            }
            if (handedOver)
            {
                // One walk, however many indexes a jump of the watermark has closed.
                slices.removeAllWithKey2In(openFrom, firstOpen, visitor);
            }
        }
        open(firstOpen);
        return handedOver;
    }

    /**
     * Opens the {@link #SPAN} slice indexes from this one: Long.MIN_VALUE before any watermark (none, and
     * the watermark before any, Long.MIN_VALUE, changes nothing), Long.MAX_VALUE after the last (none).
     */
    private void open(final long firstOpen)
    {
        openFrom = firstOpen;
        if (firstOpen == Long.MIN_VALUE)
        {
            openEnd = Long.MIN_VALUE;
            closesAtMs = Long.MIN_VALUE + 1;
        }
        else if (firstOpen == Long.MAX_VALUE)
        {
            openEnd = Long.MAX_VALUE;
            closesAtMs = Long.MAX_VALUE;
        }
        else
        {
            // Event times are within ±2^62 ms (EventTimes), so neither overflows.
            openEnd = firstOpen + SPAN;
            closesAtMs = grid.sliceStartOf(firstOpen + 1) - 1;
        }
    }

    int keyTag(final int entry)
    {
        return slices.tag(entry);
    }

    long keyId(final int entry)
    {
        return slices.key1(entry);
    }

    long slice(final int entry)
    {
        return slices.key2(entry);
    }

    UnsafeBuffer buffer()
    {
        return slices.buffer();
    }

    int cellOffset(final int entry)
    {
        return slices.valueOffset(entry);
    }

    /** The key's open slice's entry, or {@link OffHeapTable#NOT_FOUND}: for queries, not the hot path. */
    int find(final int keyTag, final long keyId, final long slice)
    {
        return slice < openFrom || slice >= openEnd ? OffHeapTable.NOT_FOUND : slices.find(keyId, slice, keyTag);
    }

    long openFrom()
    {
        return openFrom;
    }

    long openEnd()
    {
        return openEnd;
    }

    int size()
    {
        return slices.size();
    }

    void shrinkIfSparse()
    {
        slices.shrinkIfSparse();
    }

    /** The first open index and the table; the rest of the open range and the per-index counts follow from them. */
    void saveTo(final StateWriter out)
    {
        out.section(SECTION).putLong(openFrom);
        slices.saveTo(out);
    }

    void restoreFrom(final StateReader in)
    {
        in.expectSection(SECTION, "a sliding window's open slices");
        open(in.getLong());
        slices.restoreFrom(in);
        Arrays.fill(counts, 0);
        slices.forEach(entry ->
        {
            final long slice = slices.key2(entry);
            if (slice < openFrom || slice >= openEnd)
            {
                throw new IllegalStateException("checkpoint holds an open slice " + slice + " outside the open range [" +
                    openFrom + ", " + openEnd + ")");
            }
            counts[(int)slice & (SPAN - 1)]++;
        });
    }

    public void close()
    {
        slices.close();
    }
}
