package io.sluice.window;

import io.sluice.state.OffHeapTable;
import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;
import org.agrona.BitUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The sliding-window slices the watermark has not passed yet, for the two slice indexes just ahead of it:
 * one entry per key in an off-heap table, holding an accumulator for each of the two and the key's record
 * number in the slice columns. Nearly every element lands here, in one probe of one table, where the
 * slice columns would take a probe of their key index and then the key's cell. Once the watermark passes
 * a slice's end, nothing in it can change through this table again, and {@link #advance} hands it to the
 * slice columns, which keep it for the windows it belongs to.
 *
 * <pre>
 *   entry (a whole number of cache lines)
 *   +-------+---+-----+----------------+------------------------+------------------------+
 *   | keyId | 0 | tag | record + 1 / 0 | slice openFrom's cell  | slice openFrom + 1's   |
 *   +-------+---+-----+----------------+------------------------+------------------------+
 *
 *   element ──► slice openFrom or openFrom + 1 ──► watermark passes its end ──► slice columns
 *   any other slice ────────────────────────────────────────────────────────► slice columns directly
 * </pre>
 *
 * A key's entry stays while the key is busy, so a hand-over finds the key's record in the entry (as aux,
 * record + 1; 0 in a new entry), where it left it the slice before, instead of looking the key up: the
 * lookup was about a third of what a hand-over cost. An entry goes once a hand-over finds both its cells
 * empty, the key quiet for a whole slice.
 *
 * <p>No window containing an open slice has fired: a window ends at a slice boundary, so the earliest one
 * containing the slice ends with it, and fires only once the watermark has passed that end, after
 * the slice has been handed over. So an element may go to either place while its slice is open (one
 * behind the watermark goes to the store), and the two parts merge when the slice is handed over.
 */
final class OpenSlices implements AutoCloseable
{
    /**
     * Slice indexes open at once, from the first the watermark has not passed: the present one and the next,
     * which takes the elements a bounded disorder brings early. An element further ahead goes to the store.
     * The entry's layout follows from it; the counts and the hand-over are written for exactly two.
     */
    static final int SPAN = 2;
    private static final int SECTION = 0x0BE75113;
    /** The aux that marks an entry to remove, between the two walks of a hand-over: hints are 0 or more. */
    private static final int QUIET = -1;

    private final SliceGrid grid;
    private final AccumulatorLayout layout;
    private final int cellBytes;
    private final OffHeapTable keys;
    /** Live cells in the first and the second open slice. */
    private int firstCells;
    private int secondCells;
    // Slices [openFrom, openEnd) are taken; none before the first watermark. openEnd and closesAtMs
    // follow from openFrom (see open), kept so that neither an add nor a watermark has to work them out.
    private long openFrom;
    private long openEnd;
    // The watermark that closes the first open slice: below it, a watermark changes nothing here.
    private long closesAtMs;
    private final OffHeapTable.EntryFilter isQuiet = this::isQuiet;

    OpenSlices(final SliceGrid grid, final AccumulatorLayout layout, final int expectedKeys)
    {
        this.grid = grid;
        this.layout = layout;
        this.cellBytes = layout.bytes();
        // Whole cache lines, so that the first open slice's cell shares the line the probe reads the key from.
        // Room for twice the keys expected: every probe step is a line, and at a third full rather than at
        // three fifths, fewer elements take a second one (sliding 1.09x in WindowRatios, for 4 MB at 10K keys).
        final int entryBytes = BitUtil.align(OffHeapTable.HEADER_BYTES + SPAN * cellBytes, BitUtil.CACHE_LINE_LENGTH);
        this.keys = new OffHeapTable(entryBytes - OffHeapTable.HEADER_BYTES, expectedKeys * 2);
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
        final OffHeapTable keys = this.keys;
        int entry = keys.findOrInsert(keyId, 0, keyTag);
        if (entry < 0)
        {
            entry = OffHeapTable.insertedOffset(entry);
        }
        final boolean first = slice == openFrom;
        final int cell = keys.valueOffset(entry) + (first ? 0 : cellBytes);
        final UnsafeBuffer buffer = keys.buffer();
        if (buffer.getLong(cell + AccumulatorLayout.COUNT_OFFSET) != 0)
        {
            layout.add(buffer, cell, value);
            return true;
        }
        layout.first(buffer, cell, value);
        if (first)
        {
            firstCells++;
        }
        else
        {
            secondCells++;
        }
        return true;
    }

    /**
     * Hands every slice the watermark has passed the end of to the receiver, in one walk of the keys in slot
     * order, and opens the two slices from the first it has not passed; a key's second slice becomes its
     * first if only one closed. Entries left with nothing, that handed nothing over, go.
     *
     * @param receiver takes each slice; it must not add here.
     * @return whether any slice was handed over or any entry went.
     */
    boolean advance(final long watermarkMs, final SliceReceiver receiver)
    {
        if (watermarkMs < closesAtMs)
        {
            return false;
        }
        // The first slice not passed holds watermark + 1; at the end of input (watermark +inf) none is left.
        final long firstOpen = watermarkMs == Long.MAX_VALUE ? Long.MAX_VALUE : grid.sliceIndex(watermarkMs + 1);
        final boolean closesBoth = firstOpen > openFrom + 1;
        boolean changed = false;
        if (keys.size() > 0)
        {
            changed = firstCells != 0 || closesBoth && secondCells != 0;
            final int quiet = handOverAll(receiver, closesBoth, firstOpen == Long.MAX_VALUE);
            if (quiet > 0)
            {
                // Rarely many: a key with elements in most slices keeps its entry.
                keys.removeWhere(isQuiet);
                changed = true;
            }
            firstCells = closesBoth ? 0 : secondCells;
            secondCells = 0;
        }
        open(firstOpen);
        return changed;
    }

    /**
     * The walk of {@link #advance}: each key's closed slices out, its second slice moved up, and the keys left
     * with nothing, that handed nothing over, marked {@link #QUIET} (removing them here would move entries
     * about under the walk). At raw addresses: a store through the buffer's accessors may alias any field as
     * far as the JIT knows, so each would make it re-read the fields the next address is made of.
     *
     * @return how many keys it marked.
     */
    private int handOverAll(final SliceReceiver receiver, final boolean closesBoth, final boolean endOfInput)
    {
        final OffHeapTable keys = this.keys;
        final long base = keys.buffer().addressOffset();
        final int cellBytes = this.cellBytes;
        int quiet = 0;
        for (int slot = keys.nextOccupiedSlot(0); slot != OffHeapTable.NOT_FOUND; slot = keys.nextOccupiedSlot(slot + 1))
        {
            final int entry = keys.entryAt(slot);
            final long address = base + entry;
            final int firstCellOffset = keys.valueOffset(entry);
            final long firstCell = base + firstCellOffset;
            final long secondCell = firstCell + cellBytes;
            final boolean firstLive = UnsafeApi.getLong(firstCell + AccumulatorLayout.COUNT_OFFSET) != 0;
            final boolean secondLive = UnsafeApi.getLong(secondCell + AccumulatorLayout.COUNT_OFFSET) != 0;
            if (firstLive)
            {
                handOver(receiver, address, openFrom, firstCellOffset);
            }
            if (closesBoth)
            {
                if (secondLive)
                {
                    handOver(receiver, address, openFrom + 1, firstCellOffset + cellBytes);
                }
                UnsafeApi.putLong(firstCell + AccumulatorLayout.COUNT_OFFSET, 0);
            }
            else
            {
                // The second slice moves up whether it holds anything or not (a free cell has count 0): copying
                // always costs less than a branch that goes either way about as often.
                for (int i = 0; i < cellBytes; i += 8)
                {
                    UnsafeApi.putLong(firstCell + i, UnsafeApi.getLong(secondCell + i));
                }
            }
            UnsafeApi.putLong(secondCell + AccumulatorLayout.COUNT_OFFSET, 0);
            if (endOfInput || !(firstLive || secondLive))
            {
                UnsafeApi.putInt(address + OffHeapTable.AUX_OFFSET, QUIET);
                quiet++;
            }
        }
        return quiet;
    }

    /** One slice to the receiver, and the record it names kept as the key's hint. */
    private void handOver(final SliceReceiver receiver, final long address, final long slice, final int cellOffset)
    {
        final int hint = UnsafeApi.getInt(address + OffHeapTable.AUX_OFFSET) - 1;
        final int record = receiver.handOver(UnsafeApi.getInt(address + OffHeapTable.TAG_OFFSET),
            UnsafeApi.getLong(address + OffHeapTable.KEY1_OFFSET), hint, slice, keys.buffer(), cellOffset);
        if (record != hint)
        {
            UnsafeApi.putInt(address + OffHeapTable.AUX_OFFSET, record + 1);
        }
    }

    private boolean isQuiet(final int entry)
    {
        return keys.aux(entry) == QUIET;
    }

    /** Where {@link #advance} hands the closed slices. */
    interface SliceReceiver
    {
        /**
         * Takes one key's closed slice, whose accumulator is at {@code cellOffset} in {@code buffer}.
         *
         * @param recordHint the record number this call returned for the key's previous slice, or -1: a hint
         *                   to check, since records are freed and renumbered between.
         * @return the key's record number, kept as the next slice's hint.
         */
        int handOver(int keyTag, long keyId, int recordHint, long slice, UnsafeBuffer buffer, int cellOffset);
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

    UnsafeBuffer buffer()
    {
        return keys.buffer();
    }

    /** The key's open slice's accumulator offset in {@link #buffer()}, or -1 if it holds none: for queries, not the hot path. */
    int cellOffset(final int keyTag, final long keyId, final long slice)
    {
        if (slice < openFrom || slice >= openEnd)
        {
            return -1;
        }
        final int entry = keys.find(keyId, 0, keyTag);
        if (entry == OffHeapTable.NOT_FOUND)
        {
            return -1;
        }
        final int cell = keys.valueOffset(entry) + (slice == openFrom ? 0 : cellBytes);
        return keys.buffer().getLong(cell + AccumulatorLayout.COUNT_OFFSET) == 0 ? -1 : cell;
    }

    long openFrom()
    {
        return openFrom;
    }

    long openEnd()
    {
        return openEnd;
    }

    /** Open slices holding anything, of all keys. */
    int size()
    {
        return firstCells + secondCells;
    }

    /** Keys with an entry, quiet ones included until the next hand-over. */
    int keys()
    {
        return keys.size();
    }

    void shrinkIfSparse()
    {
        keys.shrinkIfSparse();
    }

    /** The first open index and the table; the rest of the open range and the per-slice counts follow from them. */
    void saveTo(final StateWriter out)
    {
        out.section(SECTION).putLong(openFrom);
        keys.saveTo(out);
    }

    void restoreFrom(final StateReader in)
    {
        in.expectSection(SECTION, "a sliding window's open slices");
        open(in.getLong());
        keys.restoreFrom(in);
        firstCells = 0;
        secondCells = 0;
        keys.forEach(entry ->
        {
            final UnsafeBuffer buffer = keys.buffer();
            final int cell = keys.valueOffset(entry);
            firstCells += buffer.getLong(cell + AccumulatorLayout.COUNT_OFFSET) != 0 ? 1 : 0;
            secondCells += buffer.getLong(cell + cellBytes + AccumulatorLayout.COUNT_OFFSET) != 0 ? 1 : 0;
        });
        if (size() != 0 && (openFrom == Long.MIN_VALUE || openFrom == Long.MAX_VALUE))
        {
            throw new IllegalStateException("checkpoint holds " + size() + " open slices while none can be open (first open " +
                openFrom + ")");
        }
    }

    public void close()
    {
        keys.close();
    }
}
