package io.sluice.state;

import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Interns text keys to dense int ids without allocating once a key is known, and gives the text back
 * as a reusable {@link CharSequence} view. One per shard; the shard thread is its only writer.
 *
 * <pre>
 *   index (open addressing, int per slot):  id + 1, or 0 when empty
 *   records (off-heap arena, per id):       [hash: long][length: int][chars: 2 bytes each]
 *   offsets (int per id):                   where the id's record starts in the arena
 * </pre>
 *
 * Keys are never removed: a service's key space is its working set, and ids must stay stable for as
 * long as any state refers to them.
 */
public final class KeyDictionary implements AutoCloseable
{
    private static final int RECORD_HASH_OFFSET = 0;
    private static final int RECORD_LENGTH_OFFSET = 8;
    private static final int RECORD_CHARS_OFFSET = 12;

    private int[] index;
    private int indexMask;
    private int[] recordOffsets;
    private int size;
    private DirectMemory arenaMemory;
    private final UnsafeBuffer arena = new UnsafeBuffer(0, 0);
    private int arenaUsed;
    private final KeyView view = new KeyView();

    public KeyDictionary(final int expectedKeys)
    {
        final int slots = BitUtil.findNextPositivePowerOfTwo(Math.max(16, expectedKeys * 2));
        index = new int[slots];
        indexMask = slots - 1;
        recordOffsets = new int[Math.max(16, expectedKeys)];
        arenaMemory = new DirectMemory(BitUtil.findNextPositivePowerOfTwo(Math.max(1024, expectedKeys * 32)));
        arena.wrap(arenaMemory.buffer());
    }

    public int size()
    {
        return size;
    }

    /**
     * @param chars  the key's characters in [0, length).
     * @param hash   {@link #hash(char[], int)} of the same characters (computed once by the publisher).
     * @return the key's id, assigning the next id if it is new.
     */
    public int intern(final char[] chars, final int length, final long hash)
    {
        return intern(chars, 0, length, hash);
    }

    /** As {@link #intern(char[], int, long)} for the key at {@code chars[offset, offset + length)}. */
    public int intern(final char[] chars, final int offset, final int length, final long hash)
    {
        final int found = probe(chars, offset, length, hash);
        return found >= 0 ? found : add(chars, offset, length, hash, -found - 1);
    }

    /** @return the key's id, or -1 when it was never interned (a lookup must not intern what it asks about). */
    public int find(final char[] chars, final int offset, final int length, final long hash)
    {
        final int found = probe(chars, offset, length, hash);
        return found >= 0 ? found : -1;
    }

    /** @return the key's id, or -(slot + 1) for the empty index slot where it would go. */
    private int probe(final char[] chars, final int offset, final int length, final long hash)
    {
        int slot = (int)hash & indexMask;
        while (true)
        {
            final int entry = index[slot];
            if (entry == 0)
            {
                return -slot - 1;
            }
            if (matches(recordOffsets[entry - 1], chars, offset, length, hash))
            {
                return entry - 1;
            }
            slot = (slot + 1) & indexMask;
        }
    }

    /** A view of the key's text, valid until the next call of this method. */
    public CharSequence text(final int id)
    {
        view.wrap(recordOffsets[id]);
        return view;
    }

    public void close()
    {
        if (arenaMemory != null)
        {
            arenaMemory.close();
            arenaMemory = null;
            arena.wrap(0, 0);
        }
    }

    /** The hash every publisher and the dictionary agree on: polynomial over chars, then mixed. */
    public static long hash(final CharSequence text)
    {
        long h = 0;
        for (int i = 0, length = text.length(); i < length; i++)
        {
            h = 31 * h + text.charAt(i);
        }
        return mix(h);
    }

    /**
     * Copies the text into {@code destination} from {@code offset} and returns its {@link #hash(CharSequence)},
     * in one pass: what a publisher does while filling a ring slot.
     */
    public static long copyAndHash(final CharSequence text, final char[] destination, final int offset)
    {
        long h = 0;
        for (int i = 0, length = text.length(); i < length; i++)
        {
            final char c = text.charAt(i);
            destination[offset + i] = c;
            h = 31 * h + c;
        }
        return mix(h);
    }

    public static long hash(final char[] chars, final int length)
    {
        return hash(chars, 0, length);
    }

    public static long hash(final char[] chars, final int offset, final int length)
    {
        long h = 0;
        for (int i = offset, end = offset + length; i < end; i++)
        {
            h = 31 * h + chars[i];
        }
        return mix(h);
    }

    /** The murmur3 64-bit finaliser: every input bit affects every output bit. */
    public static long mix(final long value)
    {
        long h = value;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }

    private boolean matches(final int record, final char[] chars, final int offset, final int length, final long hash)
    {
        if (arena.getLong(record + RECORD_HASH_OFFSET) != hash || arena.getInt(record + RECORD_LENGTH_OFFSET) != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (arena.getChar(record + RECORD_CHARS_OFFSET + (i << 1)) != chars[offset + i])
            {
                return false;
            }
        }
        return true;
    }

    public void saveTo(final StateWriter out)
    {
        out.section(0x0D1C7104).putInt(size).putInt(index.length).putInts(recordOffsets, size)
            .putInt(arena.capacity()).putBytes(arena, 0, arenaUsed);
    }

    /** Ids stay what they were: records keep their order, and the index is rebuilt from them. */
    public void restoreFrom(final StateReader in)
    {
        in.expectSection(0x0D1C7104, "the key dictionary");
        final int savedSize = in.getInt();
        final int slots = in.getInt();
        final int[] offsets = in.getInts(Math.max(16, savedSize));
        final int arenaCapacity = in.getInt();
        if (savedSize < 0 || !BitUtil.isPowerOfTwo(slots) || savedSize * 2 > slots || in.peekCount() > arenaCapacity)
        {
            throw new IllegalStateException("checkpoint holds an inconsistent key dictionary: " + savedSize + " keys, " + slots + " slots");
        }
        final DirectMemory newMemory = new DirectMemory(arenaCapacity);
        arenaMemory.close();
        arenaMemory = newMemory;
        arena.wrap(newMemory.buffer());
        arenaUsed = in.getBytes(arena);
        recordOffsets = offsets;
        size = savedSize;
        rebuildIndex(slots);
    }

    private int add(final char[] chars, final int offset, final int length, final long hash, final int slot)
    {
        final int recordBytes = BitUtil.align(RECORD_CHARS_OFFSET + (length << 1), 8);
        ensureArena(recordBytes);
        final int record = arenaUsed;
        arena.putLong(record + RECORD_HASH_OFFSET, hash);
        arena.putInt(record + RECORD_LENGTH_OFFSET, length);
        for (int i = 0; i < length; i++)
        {
            arena.putChar(record + RECORD_CHARS_OFFSET + (i << 1), chars[offset + i]);
        }
        arenaUsed += recordBytes;

        final int id = size++;
        if (id == recordOffsets.length)
        {
            recordOffsets = java.util.Arrays.copyOf(recordOffsets, id << 1);
        }
        recordOffsets[id] = record;
        index[slot] = id + 1;
        if (size * 2 > index.length)
        {
            rebuildIndex(index.length << 1);
        }
        return id;
    }

    private void ensureArena(final int bytes)
    {
        if (arenaUsed + bytes > arena.capacity())
        {
            final long newCapacity = Math.max((long)arena.capacity() << 1, BitUtil.align(arenaUsed + bytes, 1024));
            if (newCapacity > Integer.MAX_VALUE - 64)
            {
                throw new IllegalStateException("key dictionary full: text keys exceed 2 GiB in one shard; use more shards");
            }
            final DirectMemory newMemory = new DirectMemory((int)newCapacity);
            newMemory.buffer().putBytes(0, arena, 0, arenaUsed);
            arenaMemory.close();
            arenaMemory = newMemory;
            arena.wrap(newMemory.buffer());
        }
    }

    private void rebuildIndex(final int slots)
    {
        index = new int[slots];
        indexMask = slots - 1;
        for (int id = 0; id < size; id++)
        {
            int slot = (int)arena.getLong(recordOffsets[id] + RECORD_HASH_OFFSET) & indexMask;
            while (index[slot] != 0)
            {
                slot = (slot + 1) & indexMask;
            }
            index[slot] = id + 1;
        }
    }

    /** A flyweight over one record's chars. */
    private final class KeyView implements CharSequence
    {
        private int offset;
        private int length;

        void wrap(final int recordOffset)
        {
            offset = recordOffset + RECORD_CHARS_OFFSET;
            length = arena.getInt(recordOffset + RECORD_LENGTH_OFFSET);
        }

        public int length()
        {
            return length;
        }

        public char charAt(final int i)
        {
            if (i < 0 || i >= length)
            {
                throw new IndexOutOfBoundsException("index " + i + " outside key of length " + length);
            }
            return arena.getChar(offset + (i << 1));
        }

        public CharSequence subSequence(final int start, final int end)
        {
            return toString().subSequence(start, end);
        }

        public String toString()
        {
            final StringBuilder builder = new StringBuilder(length);
            for (int i = 0; i < length; i++)
            {
                builder.append(arena.getChar(offset + (i << 1)));
            }
            return builder.toString();
        }
    }
}
