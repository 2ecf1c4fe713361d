package io.sluice.window;

import io.sluice.state.OffHeapTable;
import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;
import org.agrona.BitUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The sliding-window slices the watermark has not passed yet, for the few slice indexes just ahead of it
 * that a bounded disorder brings elements to: one entry per key in an off-heap table, holding an
 * accumulator per open slice and the key's record number in the slice columns. Nearly every element lands
 * here, in one probe of one table, where the slice columns would take a probe of their key index and then
 * the key's cell. Once the watermark passes a slice's end, nothing in it can change through this table
 * again, and {@link #advance} hands it to the slice columns, which keep it for the windows it belongs to.
 *
 * <pre>
 *   entry (a whole number of cache lines)
 *   +-------+---+-----+----------------+-----------------+---------------------+-----+------------+
 *   | keyId | 0 | tag | record + 1 / 0 | openFrom's cell | openFrom + 1's cell | ... | idle walks |   span cells
 *   +-------+---+-----+----------------+-----------------+---------------------+-----+------------+
 *
 *   element ──► slice in [openFrom, openFrom + span) ──► watermark passes its end ──► slice columns
 *   any other slice ─────────────────────────────────────────────────────────────► slice columns directly
 * </pre>
 *
 * Cells are by position, the first open slice first, so that the slice most elements land in shares the
 * probed line with the key; a hand-over shifts the cells still open down by the slices it closed.
 *
 * <p>A key's entry stays while the key is busy, so a hand-over finds the key's record in the entry (as
 * aux, record + 1; 0 in a new entry), where it left it the slice before, instead of looking the key up: the
 * lookup was about a third of what a hand-over cost. An entry goes once {@link #IDLE_WALKS} hand-overs in a
 * row have found it empty: with slices narrow beside the gaps between a key's events, removing an entry the
 * first time and inserting it again a slice or two later took a fifth of the engine's time (FiringShare
 * sliding-50ms). At the end of input every entry goes.
 *
 * <p>No window containing an open slice has fired: a window ends at a slice boundary, so the earliest one
 * containing the slice ends with it, and fires only once the watermark has passed that end, after
 * the slice has been handed over. So an element may go to either place while its slice is open (one
 * behind the watermark goes to the store), and the two parts merge when the slice is handed over.
 */
final class OpenSlices implements AutoCloseable
{
    /** The fewest slices open at once: the one the watermark is in, and the next, which the newest events cross into. */
    static final int MIN_SPAN = 2;
    /** The most this class takes; {@link #spanFor} picks no more than fit {@link #ENTRY_LINES}. */
    static final int MAX_SPAN = 8;
    /**
     * The cache lines an entry may take for its open slices to pay: every hand-over reads and moves each key's
     * cells, so a line more per entry cost more at the watermarks than the elements it kept out of the slice
     * columns saved (bench/PERFORMANCE.md, "Open slices as many as the disorder reaches").
     */
    static final int ENTRY_LINES = 2;
    /** Hand-overs in a row that find an entry empty before it goes. */
    static final int IDLE_WALKS = 4;
    private static final int SECTION = 0x0BE75114;

    private final SliceGrid grid;
    private final AccumulatorLayout layout;
    private final int cellBytes;
    private final int span;
    /** From an entry's cells to its count of idle walks. */
    private final int idleOffset;
    private final OffHeapTable keys;
    /** Open slices holding anything, of all keys. */
    private int liveCells;
    // Slices [openFrom, openEnd) are taken; none before the first watermark. openEnd and closesAtMs
    // follow from openFrom (see open), kept so that neither an add nor a watermark has to work them out.
    private long openFrom;
    private long openEnd;
    // The watermark that closes the first open slice: below it, a watermark changes nothing here.
    private long closesAtMs;
    private final OffHeapTable.EntryFilter isIdle = this::isIdle;

    /**
     * @param span slice indexes open at once, from the first the watermark has not passed (see {@link #spanFor}).
     */
    OpenSlices(final SliceGrid grid, final AccumulatorLayout layout, final int expectedKeys, final int span)
    {
        if (span < MIN_SPAN || span > MAX_SPAN)
        {
            throw new IllegalArgumentException("open slices span " + span + ": must be in [" + MIN_SPAN + ", " + MAX_SPAN + "]");
        }
        this.grid = grid;
        this.layout = layout;
        this.cellBytes = layout.bytes();
        this.span = span;
        this.idleOffset = span * cellBytes;
        // Room for twice the keys expected: every probe step is a line, and at a third full rather than at
        // three fifths, fewer elements take a second one (sliding 1.09x in WindowRatios, for 4 MB at 10K keys).
        this.keys = new OffHeapTable(entryBytes(span, cellBytes) - OffHeapTable.HEADER_BYTES, expectedKeys * 2);
        open(Long.MIN_VALUE);
    }

    /**
     * The slices to keep open for a watermark bound: an element at most the bound behind the newest lies
     * at most ceil(bound / slice width) slices past the first one the watermark has not passed, so that
     * many more than one hold them all, if their cells fit {@link #ENTRY_LINES} with the rest of the entry;
     * if not, {@link #MIN_SPAN}. Open slices that take only part of the elements cost more than they save:
     * with 10 and 20 ms slices and a 100 ms bound, four and three were slower than two.
     */
    static int spanFor(final SliceGrid grid, final long watermarkBoundMs, final int cellBytes)
    {
        final long holdingAll = SliceGrid.ceilDiv(Math.max(0, watermarkBoundMs), grid.sliceMs) + 1;
        final boolean fits = holdingAll <= MAX_SPAN &&
            entryBytes((int)holdingAll, cellBytes) <= ENTRY_LINES * BitUtil.CACHE_LINE_LENGTH;
        return fits ? (int)Math.max(MIN_SPAN, holdingAll) : MIN_SPAN;
    }

    /**
     * An entry's size: the table's header, a cell per open slice, then the count of idle walks, in whole cache
     * lines, so that the first open slice's cell shares the line the probe reads the key from.
     */
    private static int entryBytes(final int span, final int cellBytes)
    {
        return BitUtil.align(OffHeapTable.HEADER_BYTES + span * cellBytes + Long.BYTES, BitUtil.CACHE_LINE_LENGTH);
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
        final int cell = keys.valueOffset(entry) + (int)(slice - openFrom) * cellBytes;
        final UnsafeBuffer buffer = keys.buffer();
        if (buffer.getLong(cell + AccumulatorLayout.COUNT_OFFSET) != 0)
        {
            layout.add(buffer, cell, value);
            return true;
        }
        layout.first(buffer, cell, value);
        liveCells++;
        return true;
    }

    /**
     * Hands every slice the watermark has passed the end of to the receiver, in one walk of the keys in slot
     * order, and opens the span of slices from the first it has not passed; a key's cells still open move
     * down to their new positions. Entries idle for {@link #IDLE_WALKS} hand-overs go once they are an
     * eighth of the table, and every entry at the end of input.
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
        final boolean endOfInput = watermarkMs == Long.MAX_VALUE;
        final long firstOpen = endOfInput ? Long.MAX_VALUE : grid.sliceIndex(watermarkMs + 1);
        boolean changed = false;
        if (keys.size() > 0)
        {
            // At the end of input every open slice closes (and Long.MAX_VALUE - openFrom may overflow).
            final int closed = endOfInput ? span : (int)Math.min(span, firstOpen - openFrom);
            final int live = liveCells;
            final int idle = handOverAll(receiver, closed, endOfInput);
            changed = liveCells != live;
            // A removal walks the whole table again: worth it once it frees an eighth of it (at the end of
            // input, every entry is left for removal).
            if (idle > 0 && idle >= keys.size() >> 3)
            {
                keys.removeWhere(isIdle);
                changed = true;
            }
        }
        open(firstOpen);
        return changed;
    }

    /**
     * The walk of {@link #advance}: each key's closed slices out, its open ones moved down, and its idle
     * walks counted; an entry idle for {@link #IDLE_WALKS}, or any at the end of input, is left for removal
     * (removing it here would move entries about under the walk). At raw addresses: a store through the
     * buffer's accessors may alias any field as far as the JIT knows, so each would make it re-read the
     * fields the next address is made of.
     *
     * @param closed the positions handed over, from the first: 1 to {@link #span}.
     * @return how many entries it left for removal.
     */
    private int handOverAll(final SliceReceiver receiver, final int closed, final boolean endOfInput)
    {
        final OffHeapTable keys = this.keys;
        final long base = keys.buffer().addressOffset();
        final int cellBytes = this.cellBytes;
        final int closedBytes = closed * cellBytes;
        final int spanBytes = span * cellBytes;
        final int idleOffset = this.idleOffset;
        int idle = 0;
        int handedOver = 0;
        for (int slot = keys.nextOccupiedSlot(0); slot != OffHeapTable.NOT_FOUND; slot = keys.nextOccupiedSlot(slot + 1))
        {
            final int entry = keys.entryAt(slot);
            final long address = base + entry;
            final int cellsOffset = keys.valueOffset(entry);
            final long cells = base + cellsOffset;
            boolean any = false;
            for (int position = 0, at = 0; position < closed; position++, at += cellBytes)
            {
                if (UnsafeApi.getLong(cells + at + AccumulatorLayout.COUNT_OFFSET) != 0)
                {
                    handOver(receiver, address, openFrom + position, cellsOffset + at);
                    handedOver++;
                    any = true;
                }
            }
            // The open cells move down whether they hold anything or not (a free cell has count 0): copying
            // always costs less than a branch that goes either way about as often.
            for (int from = closedBytes; from < spanBytes; from += cellBytes)
            {
                any |= UnsafeApi.getLong(cells + from + AccumulatorLayout.COUNT_OFFSET) != 0;
                for (int word = 0; word < cellBytes; word += 8)
                {
                    UnsafeApi.putLong(cells + from - closedBytes + word, UnsafeApi.getLong(cells + from + word));
                }
            }
            for (int at = spanBytes - closedBytes; at < spanBytes; at += cellBytes)
            {
                UnsafeApi.putLong(cells + at + AccumulatorLayout.COUNT_OFFSET, 0);
            }
            final long idleWalks = any ? 0 : UnsafeApi.getLong(cells + idleOffset) + 1;
            UnsafeApi.putLong(cells + idleOffset, endOfInput ? IDLE_WALKS : idleWalks);
            idle += endOfInput || idleWalks >= IDLE_WALKS ? 1 : 0;
        }
        liveCells -= handedOver;
        return idle;
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

    private boolean isIdle(final int entry)
    {
        return keys.buffer().getLong(keys.valueOffset(entry) + idleOffset) >= IDLE_WALKS;
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
     * Opens the {@link #span} slice indexes from this one: Long.MIN_VALUE before any watermark (none, and
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
            openEnd = firstOpen + span;
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
        final int cell = keys.valueOffset(entry) + (int)(slice - openFrom) * cellBytes;
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
        return liveCells;
    }

    /** Keys with an entry, idle ones included until their {@link #IDLE_WALKS}th idle hand-over. */
    int keys()
    {
        return keys.size();
    }

    void shrinkIfSparse()
    {
        keys.shrinkIfSparse();
    }

    /** The span, the first open index and the table; the rest of the open range and the count of live cells follow from them. */
    void saveTo(final StateWriter out)
    {
        out.section(SECTION).putInt(span).putLong(openFrom);
        keys.saveTo(out);
    }

    void restoreFrom(final StateReader in)
    {
        in.expectSection(SECTION, "a sliding window's open slices");
        in.expectInt(span, "the open slices span (from the watermark bound and the slice width)");
        open(in.getLong());
        keys.restoreFrom(in);
        liveCells = 0;
        keys.forEach(entry ->
        {
            final UnsafeBuffer buffer = keys.buffer();
            final int cells = keys.valueOffset(entry);
            for (int position = 0; position < span; position++)
            {
                liveCells += buffer.getLong(cells + position * cellBytes + AccumulatorLayout.COUNT_OFFSET) != 0 ? 1 : 0;
            }
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
