package io.sluice.state;

import org.agrona.BitUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Open-addressing hash table over off-heap memory, keyed by two longs and a small tag, with a fixed-width
 * value area per entry that callers read and write through {@link #buffer()}.
 *
 * <pre>
 *   entry (stride = HEADER_BYTES + valueBytes, rounded up to 8, or to a cache line: see strideFor)
 *   0               8               16      20      24
 *   +---------------+---------------+-------+-------+---------------------------+
 *   |  key1 (long)  |  key2 (long)  |  tag  |  aux  |  value bytes ...          |
 *   +---------------+---------------+-------+-------+---------------------------+
 *   tag == 0 marks an empty slot; callers use tags >= 1 (e.g. key kind) as part of the key.
 * </pre>
 *
 * The home slot is a hash of key1 and the tag, plus key2: keys that differ only in a small key2 (a key's
 * consecutive window slices, given as slice indexes) land in neighbouring slots, so reading a window's
 * slices touches a few adjacent cache lines instead of one random line each.
 *
 * <p>Linear probing with backward-shift deletion keeps probe chains short without tombstones, so a table
 * whose live size is stable never grows. Offsets returned are valid until the next insert (which may
 * grow and rehash); no offset may be held across an insert.
 */
public final class OffHeapTable implements AutoCloseable
{
    public static final int HEADER_BYTES = 24;
    public static final int KEY1_OFFSET = 0;
    public static final int KEY2_OFFSET = 8;
    public static final int TAG_OFFSET = 16;
    public static final int AUX_OFFSET = 20;
    public static final int NOT_FOUND = -1;

    private static final int MIN_CAPACITY = 16;
    private static final int CACHE_LINE = 64;
    private static final int DEFAULT_MAX_LOAD_PERCENT = 60;
    // A new number for each change of the saved form, so that an older checkpoint is refused.
    private static final int SECTION = 0x0FF7AB1F;

    private final int stride;
    private final int maxLoadPercent;
    private final int initialCapacity;
    private DirectMemory memory;
    private final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
    private final Key2Range key2Range = new Key2Range();
    private int capacity;
    // One bit per slot, set while it holds an entry: a snapshot visits live entries without reading every
    // slot of a sparse table (a table sized for a million keys holding a few is 128 MB of empty slots).
    private long[] occupied;
    private int mask;
    private int shift;
    private int size;
    /** The most entries held since the last {@link #shrinkIfSparse}: what a shrink must still have room for. */
    private int peakSize;
    private int resizeThreshold;

    public OffHeapTable(final int valueBytes, final int initialCapacity)
    {
        this(valueBytes, initialCapacity, DEFAULT_MAX_LOAD_PERCENT);
    }

    /**
     * @param maxLoadPercent how full the table may get before it doubles: higher keeps a table that must
     *                       stay in cache smaller, for slightly longer probe chains (adjacent slots).
     */
    public OffHeapTable(final int valueBytes, final int initialCapacity, final int maxLoadPercent)
    {
        if (maxLoadPercent < 10 || maxLoadPercent > 90)
        {
            throw new IllegalArgumentException("maxLoadPercent must be within 10..90: " + maxLoadPercent);
        }
        this.maxLoadPercent = maxLoadPercent;
        if (valueBytes < 0)
        {
            throw new IllegalArgumentException("valueBytes must be >= 0: " + valueBytes);
        }
        this.stride = strideFor(valueBytes);
        this.initialCapacity = BitUtil.findNextPositivePowerOfTwo(Math.max(MIN_CAPACITY, initialCapacity));
        allocate(this.initialCapacity);
    }

    /**
     * Entry width: rounded to 8, and padded to a whole cache line when it would straddle one. The region is
     * line-aligned, so a 64-byte entry is one line: a probe that finds it misses once, not twice, and the
     * lines a table's live entries occupy are as few as its live entries (empty slots are never read on a
     * hit), which keeps a shard's hot set in L2.
     */
    static int strideFor(final int valueBytes)
    {
        final int packed = BitUtil.align(HEADER_BYTES + valueBytes, 8);
        return packed > 32 && packed < CACHE_LINE ? CACHE_LINE : packed;
    }

    /** The buffer entries live in; re-read after any insert, which may replace it. */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    public int valueOffset(final int entryOffset)
    {
        return entryOffset + HEADER_BYTES;
    }

    public int size()
    {
        return size;
    }

    public int capacity()
    {
        return capacity;
    }

    public int strideBytes()
    {
        return stride;
    }

    public long key1(final int entryOffset)
    {
        return buffer.getLong(entryOffset + KEY1_OFFSET);
    }

    public long key2(final int entryOffset)
    {
        return buffer.getLong(entryOffset + KEY2_OFFSET);
    }

    public int tag(final int entryOffset)
    {
        return buffer.getInt(entryOffset + TAG_OFFSET);
    }

    public int aux(final int entryOffset)
    {
        return buffer.getInt(entryOffset + AUX_OFFSET);
    }

    public void aux(final int entryOffset, final int value)
    {
        buffer.putInt(entryOffset + AUX_OFFSET, value);
    }

    /** @return the entry offset, or {@link #NOT_FOUND}. */
    public int find(final long key1, final long key2, final int tag)
    {
        final int found = probe(key1, key2, tag);
        return found >= 0 ? found : NOT_FOUND;
    }

    /**
     * Follows the key's probe chain. At raw addresses from one base: the region is always off-heap, where the
     * buffer's accessors would read its array and address fields for each load (about 1.03x for tumbling,
     * side by side).
     *
     * @return the entry's offset, or -(index of the empty slot that ends the chain) - 1.
     */
    private int probe(final long key1, final long key2, final int tag)
    {
        final long address = buffer.addressOffset();
        int index = home(key1, key2, tag);
        while (true)
        {
            final int offset = index * stride;
            final int slotTag = UnsafeApi.getInt(address + offset + TAG_OFFSET);
            if (slotTag == 0)
            {
                return -index - 1;
            }
            if (slotTag == tag && UnsafeApi.getLong(address + offset + KEY1_OFFSET) == key1 &&
                UnsafeApi.getLong(address + offset + KEY2_OFFSET) == key2)
            {
                return offset;
            }
            index = (index + 1) & mask;
        }
    }

    /**
     * Inserts a key known to be absent; the value area and aux are zeroed.
     *
     * @return the new entry's offset.
     */
    public int insert(final long key1, final long key2, final int tag)
    {
        requireUsableTag(tag);
        if (size + 1 > resizeThreshold)
        {
            rehash(capacity << 1);
        }
        final int offset = place(key1, key2, tag);
        countInserted();
        return offset;
    }

    /**
     * Finds the key's entry, or inserts it (value area and aux zeroed) in the empty slot the search ended at:
     * one probe where {@link #find} then {@link #insert} take two, and one probe loop in the caller's compiled
     * code, which keeps a window operator's element path small enough for the JIT to inline.
     *
     * @return the entry's offset if the key was there; for a new entry, -(its offset) - 1, as
     *         {@link java.util.Arrays#binarySearch(long[], long)} reports an absent key ({@link #insertedOffset}).
     */
    public int findOrInsert(final long key1, final long key2, final int tag)
    {
        final int found = probe(key1, key2, tag);
        if (found >= 0)
        {
            return found;
        }
        requireUsableTag(tag);
        if (size + 1 > resizeThreshold)
        {
            return asInserted(insert(key1, key2, tag)); // grows, which moves every entry: the slot found is void
        }
        final int offset = placeAt(buffer.addressOffset(), -found - 1, key1, key2, tag);
        countInserted();
        return asInserted(offset);
    }

    private static int asInserted(final int offset)
    {
        return -offset - 1;
    }

    /** The offset of the entry {@link #findOrInsert} has just inserted, from its negative result. */
    public static int insertedOffset(final int findOrInsertResult)
    {
        return -findOrInsertResult - 1;
    }

    /** Removes the entry at the given offset, shifting later members of its probe chain back. */
    public void removeAt(final int entryOffset)
    {
        final UnsafeBuffer buffer = this.buffer;
        int hole = entryOffset / stride;
        int index = hole;
        while (true)
        {
            index = (index + 1) & mask;
            final int offset = index * stride;
            final int tag = buffer.getInt(offset + TAG_OFFSET);
            if (tag == 0)
            {
                break;
            }
            final int home = home(buffer.getLong(offset + KEY1_OFFSET), buffer.getLong(offset + KEY2_OFFSET), tag);
            // Move the entry back into the hole unless its home lies cyclically within (hole, index].
            final boolean homeBetween = hole <= index ? (hole < home && home <= index) : (hole < home || home <= index);
            if (!homeBetween)
            {
                copySlot(buffer, offset, hole * stride);
                hole = index;
            }
        }
        clearSlot(buffer, hole);
        size--;
    }

    /**
     * Visits every live entry whose key2 is the given one, in the walk's order, and removes them all: what firing
     * one window index of a table that holds little else does. See {@link #removeAllWithKey2In}.
     *
     * @return how many entries were removed.
     */
    public int removeAllWithKey2(final long key2, final EntryVisitor visitor)
    {
        return removeAllWithKey2In(key2, key2 + 1, visitor);
    }

    /**
     * Visits every live entry whose key2 is in [from, until) and removes them all, in one walk whatever the
     * range ({@link #removeWhere}).
     *
     * @param visitor sees each entry before it goes, in the walk's order; it must not insert or remove.
     * @return how many entries were removed.
     */
    public int removeAllWithKey2In(final long from, final long until, final EntryVisitor visitor)
    {
        final Key2Range range = this.key2Range;
        range.from = from;
        range.until = until;
        range.visitor = visitor;
        return removeWhere(range);
    }

    /**
     * Offers every live entry to the filter, in one walk, and removes those it asks to. Entry by entry, each
     * removal would shift its probe chain back; here the walk starts after a slot that was empty (no probe
     * chain crosses one) and goes once round the table: an entry to remove is cleared where it is, and a
     * survivor, with every slot before it already settled, moves back to the first free slot on its own chain,
     * as a rehash would. A survivor moves only if its run of occupied slots has lost an entry ahead of it, so
     * most need not even be hashed.
     *
     * @param filter sees each entry once, in the walk's order (slot order from the starting slot, round to it);
     *               it may change the entry's value and aux, but must not insert or remove.
     * @return how many entries were removed.
     */
    public int removeWhere(final EntryFilter filter)
    {
        final UnsafeBuffer buffer = this.buffer;
        final int start = firstEmptySlot();
        int removed = 0;
        // Whether the run of occupied slots the walk is in (since the last slot empty before the walk) has a
        // slot emptied by it: only then can a survivor move back.
        boolean runHasHole = false;
        int previous = start;
        for (int pass = 0; pass < 2; pass++)
        {
            final int to = pass == 0 ? capacity : start;
            for (int slot = nextOccupiedSlot(pass == 0 ? start + 1 : 0); slot != NOT_FOUND && slot < to; slot = nextOccupiedSlot(slot + 1))
            {
                // An empty slot between starts a new run, whose chains start within it. Without a branch: at
                // the usual loads, whether the next live slot is adjacent goes either way about as often.
                runHasHole &= slot == ((previous + 1) & mask);
                previous = slot;
                final int offset = slot * stride;
                if (filter.remove(offset))
                {
                    clearSlot(buffer, slot);
                    removed++;
                    runHasHole = true;
                }
                else if (runHasHole)
                {
                    reseat(buffer, slot, offset);
                }
            }
        }
        size -= removed;
        return removed;
    }

    /** Moves the entry at a slot back to the first free slot from its home, if there is one before it. */
    private void reseat(final UnsafeBuffer buffer, final int slot, final int offset)
    {
        int free = home(buffer.getLong(offset + KEY1_OFFSET), buffer.getLong(offset + KEY2_OFFSET), buffer.getInt(offset + TAG_OFFSET));
        while (free != slot && buffer.getInt(free * stride + TAG_OFFSET) != 0)
        {
            free = (free + 1) & mask;
        }
        if (free != slot)
        {
            copySlot(buffer, offset, free * stride);
            occupied[free >>> 6] |= 1L << free;
            clearSlot(buffer, slot);
        }
    }

    /** The first empty slot: there is one, below the capacity, since the table is never full. */
    private int firstEmptySlot()
    {
        int word = 0;
        while (occupied[word] == -1L)
        {
            word++;
        }
        return (word << 6) + Long.numberOfTrailingZeros(~occupied[word]);
    }

    /**
     * Gives memory back once most entries are gone (e.g. after a burst of keys), never below the initial
     * capacity. Called from housekeeping, not per event. It goes by the most entries held since the last
     * call, not by the size now: a table that fills and empties between calls (the open slices of a
     * sliding window, each slice handed over as the next fills) would otherwise shrink at every call and
     * grow again before the next, a rehash and an allocation each way. So a table shrinks only once it has
     * stayed sparse from one call to the next.
     */
    public void shrinkIfSparse()
    {
        final int peak = peakSize;
        peakSize = size;
        if (capacity > initialCapacity && peak * 8 < capacity)
        {
            int newCapacity = capacity;
            while (newCapacity > initialCapacity && peak * 4 < newCapacity)
            {
                newCapacity >>= 1;
            }
            rehash(Math.max(newCapacity, initialCapacity));
        }
    }

    /** Visits every live entry, in slot order, through the occupancy bitmap; the visitor must not insert or remove. */
    public void forEach(final EntryVisitor visitor)
    {
        for (int slot = nextOccupiedSlot(0); slot != NOT_FOUND; slot = nextOccupiedSlot(slot + 1))
        {
            visitor.visit(slot * stride);
        }
    }

    /**
     * The first occupied slot at or after {@code slot}, or {@link #NOT_FOUND}: a walk in slot order that a
     * removal may interrupt (removal shifts later entries back, so ask again from the slot just emptied).
     */
    public int nextOccupiedSlot(final int slot)
    {
        final long[] occupied = this.occupied;
        int word = slot >>> 6;
        if (word >= occupied.length)
        {
            return NOT_FOUND;
        }
        long bits = occupied[word] & (-1L << slot);
        while (bits == 0)
        {
            if (++word == occupied.length)
            {
                return NOT_FOUND;
            }
            bits = occupied[word];
        }
        return (word << 6) + Long.numberOfTrailingZeros(bits);
    }

    /** The entry offset of a slot. */
    public int entryAt(final int slot)
    {
        return slot * stride;
    }

    /**
     * Live entries only, each with its slot: the size on disk follows the state, not the capacity, and
     * restoring puts every entry back in its slot, so the same probe and visit order. The peak since the
     * last {@link #shrinkIfSparse} goes too: the next shrink must decide as it would have without the
     * restart, or a recovered table could shrink where the first run's did not, and walk its entries
     * (fire its windows) in another order.
     *
     * <pre>
     *   marker, stride, capacity, size, peak size, then size x [slot (int)][entry bytes (stride)]
     * </pre>
     */
    public void saveTo(final StateWriter out)
    {
        out.section(SECTION).putInt(stride).putInt(capacity).putInt(size).putInt(peakSize);
        out.reserve((long)size * (Integer.BYTES + stride));
        forEach(entry -> out.putInt(entry / stride).putWords(buffer, entry, stride));
    }

    public void restoreFrom(final StateReader in)
    {
        in.expectSection(SECTION, "an off-heap table");
        in.expectInt(stride, "the table entry size (aggregates)");
        final int savedCapacity = in.getInt();
        final int savedSize = in.getInt();
        final int savedPeak = in.getInt();
        if (!BitUtil.isPowerOfTwo(savedCapacity) || savedSize < 0 || savedSize > savedPeak || savedPeak > savedCapacity)
        {
            throw new IllegalStateException("checkpoint holds an inconsistent table: capacity " + savedCapacity + ", size " +
                savedSize + ", peak size " + savedPeak);
        }
        memory.close();
        allocate(savedCapacity);
        for (int i = 0; i < savedSize; i++)
        {
            final int slot = in.getInt();
            if (slot < 0 || slot >= savedCapacity || buffer.getInt(slot * stride + TAG_OFFSET) != 0)
            {
                throw new IllegalStateException("checkpoint holds an inconsistent table: entry " + i + " in slot " + slot +
                    " of " + savedCapacity);
            }
            in.getWords(buffer, slot * stride, stride);
            if (buffer.getInt(slot * stride + TAG_OFFSET) == 0)
            {
                throw new IllegalStateException("checkpoint holds an inconsistent table: empty entry in slot " + slot);
            }
            occupied[slot >>> 6] |= 1L << slot;
        }
        size = savedSize;
        peakSize = savedPeak;
    }

    public void close()
    {
        if (memory != null)
        {
            memory.close();
            memory = null;
            buffer.wrap(0, 0);
        }
    }

    @FunctionalInterface
    public interface EntryVisitor
    {
        void visit(int entryOffset);
    }

    /** What {@link #removeWhere} asks of each entry. */
    public interface EntryFilter
    {
        /** @return true to remove the entry. */
        boolean remove(int entryOffset);
    }

    /** The filter {@link #removeAllWithKey2In} walks with: one per table, so that a walk allocates nothing. */
    private final class Key2Range implements EntryFilter
    {
        long from;
        long until;
        EntryVisitor visitor;

        public boolean remove(final int entryOffset)
        {
            final long key2 = buffer.getLong(entryOffset + KEY2_OFFSET);
            if (key2 >= from && key2 < until)
            {
                visitor.visit(entryOffset);
                return true;
            }
            return false;
        }
    }

    private int home(final long key1, final long key2, final int tag)
    {
        long h = (key1 ^ ((long)tag << 59)) * 0xD6E8FEB86659FD93L;
        h ^= h >>> 32;
        // Fibonacci hashing: the top bits of the product are the best mixed.
        return ((int)((h * 0x9E3779B97F4A7C15L) >>> shift) + (int)key2) & mask;
    }

    // Slots are a few words wide: a word loop beats Unsafe.copyMemory and setMemory, which are calls into
    // the VM rather than inlined stores, and removal runs once per fired window.
    private void copySlot(final UnsafeBuffer buffer, final int from, final int to)
    {
        for (int i = 0; i < stride; i += 8)
        {
            buffer.putLong(to + i, buffer.getLong(from + i));
        }
    }

    private void clearSlot(final UnsafeBuffer buffer, final int slot)
    {
        final int offset = slot * stride;
        occupied[slot >>> 6] &= ~(1L << slot);
        for (int i = 0; i < stride; i += 8)
        {
            buffer.putLong(offset + i, 0L);
        }
    }

    private static void requireUsableTag(final int tag)
    {
        if (tag == 0)
        {
            throw new IllegalArgumentException("tag 0 is reserved for empty slots");
        }
    }

    private void countInserted()
    {
        if (++size > peakSize)
        {
            peakSize = size;
        }
    }

    private int place(final long key1, final long key2, final int tag)
    {
        // At raw addresses, as probe: every insert and every rehash comes through here.
        final long address = buffer.addressOffset();
        int index = home(key1, key2, tag);
        while (UnsafeApi.getInt(address + index * stride + TAG_OFFSET) != 0)
        {
            index = (index + 1) & mask;
        }
        return placeAt(address, index, key1, key2, tag);
    }

    /** Writes the key into the empty slot at this index. @return the new entry's offset. */
    private int placeAt(final long address, final int index, final long key1, final long key2, final int tag)
    {
        final int offset = index * stride;
        UnsafeApi.putLong(address + offset + KEY1_OFFSET, key1);
        UnsafeApi.putLong(address + offset + KEY2_OFFSET, key2);
        UnsafeApi.putInt(address + offset + TAG_OFFSET, tag);
        occupied[index >>> 6] |= 1L << index;
        return offset;
    }

    private void allocate(final int newCapacity)
    {
        final long bytes = (long)newCapacity * stride;
        if (bytes > Integer.MAX_VALUE - 64)
        {
            throw new IllegalStateException("state table full: " + newCapacity + " entries of " + stride +
                " bytes exceed one 2 GiB region; use more shards");
        }
        memory = new DirectMemory((int)bytes);
        buffer.wrap(memory.buffer(), 0, (int)bytes);
        occupied = new long[Math.max(1, newCapacity >>> 6)];
        capacity = newCapacity;
        mask = newCapacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(newCapacity);
        resizeThreshold = (int)((long)newCapacity * maxLoadPercent / 100);
    }

    private void rehash(final int newCapacity)
    {
        final DirectMemory oldMemory = memory;
        final UnsafeBuffer old = oldMemory.buffer();
        final int oldCapacity = capacity;
        allocate(newCapacity);
        for (int i = 0; i < oldCapacity; i++)
        {
            final int oldOffset = i * stride;
            final int tag = old.getInt(oldOffset + TAG_OFFSET);
            if (tag != 0)
            {
                final int offset = place(old.getLong(oldOffset + KEY1_OFFSET), old.getLong(oldOffset + KEY2_OFFSET), tag);
                buffer.putBytes(offset + AUX_OFFSET, old, oldOffset + AUX_OFFSET, stride - AUX_OFFSET);
            }
        }
        oldMemory.close();
    }
}
