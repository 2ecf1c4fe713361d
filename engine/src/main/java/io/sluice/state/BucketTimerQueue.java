package io.sluice.state;

import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;

/**
 * Timers grouped by (time, kind): for window timers, which fall on a few grid instants (window ends,
 * lateness horizons) shared by every key. A small heap orders the distinct instants; each instant keeps
 * its timers in a FIFO list in primitive arrays. Adding to an existing instant is a map lookup and an
 * append; popping is an unlink. With 10 000 keys a heap of single timers would be 10^5 entries deep in
 * cache misses; this heap holds a handful.
 *
 * <pre>
 *   instants heap:  (t1, FIRE) (t1, CLEANUP) (t2, FIRE) ...      ordered by time, then kind
 *   per instant:    head ──► entry ──► entry ──► tail            entry = key, aux, tag, next
 * </pre>
 *
 * Same contract as {@link TimerQueue}: read the earliest timer with the peek methods, then
 * {@link #poll()} it, then act (acting may add timers, also at the instant being drained).
 */
public final class BucketTimerQueue implements Timers
{
    private static final int NONE = -1;
    private static final int MAX_KINDS = 4;

    private final TimerQueue instants = new TimerQueue(64);
    private final Long2LongHashMap[] instantByTime = new Long2LongHashMap[MAX_KINDS];
    // The last instant added to, per kind: a key's new windows mostly share their end with the previous
    // key's, so most adds skip the map.
    private final long[] lastAddedTime = new long[MAX_KINDS];
    private final int[] lastAddedBucket = new int[MAX_KINDS];

    private int[] bucketHead;
    private int[] bucketTail;
    private long[] bucketTime;
    private int[] bucketKind;
    private int[] bucketSize;
    private int freeBucket = NONE;
    private int bucketsUsed;

    private long[] entryKey;
    private long[] entryAux;
    private int[] entryTag;
    private int[] entryNext;
    private int freeEntry = NONE;
    private int entriesUsed;
    private int size;

    public BucketTimerQueue(final int initialCapacity)
    {
        for (int k = 0; k < MAX_KINDS; k++)
        {
            instantByTime[k] = new Long2LongHashMap(64, 0.65f, NONE);
            lastAddedBucket[k] = NONE;
        }
        final int buckets = 64;
        bucketHead = new int[buckets];
        bucketTail = new int[buckets];
        bucketTime = new long[buckets];
        bucketKind = new int[buckets];
        bucketSize = new int[buckets];
        final int entries = Math.max(16, initialCapacity);
        entryKey = new long[entries];
        entryAux = new long[entries];
        entryTag = new int[entries];
        entryNext = new int[entries];
    }

    public int size()
    {
        return size;
    }

    public boolean isEmpty()
    {
        return size == 0;
    }

    public long peekTime()
    {
        return instants.peekTime();
    }

    public int peekKind()
    {
        return instants.peekKind();
    }

    /** How many timers share the earliest timer's instant (its time and kind), it included. */
    public int peekInstantSize()
    {
        return bucketSize[(int)instants.peekKey()];
    }

    public long peekKey()
    {
        return entryKey[bucketHead[(int)instants.peekKey()]];
    }

    public int peekTag()
    {
        return entryTag[bucketHead[(int)instants.peekKey()]];
    }

    public long peekAux()
    {
        return entryAux[bucketHead[(int)instants.peekKey()]];
    }

    /** @param kind 0..3; lower kinds pop first at equal times. */
    public void add(final long time, final int kind, final long key, final int tag, final long aux)
    {
        int bucket = lastAddedBucket[kind];
        if (bucket == NONE || lastAddedTime[kind] != time)
        {
            final Long2LongHashMap byTime = instantByTime[kind];
            bucket = (int)byTime.get(time);
            if (bucket == NONE)
            {
                bucket = newBucket(time, kind);
                byTime.put(time, bucket);
                instants.add(time, kind, bucket, 0, 0);
            }
            lastAddedTime[kind] = time;
            lastAddedBucket[kind] = bucket;
        }
        final int entry = newEntry(key, tag, aux);
        if (bucketHead[bucket] == NONE)
        {
            bucketHead[bucket] = entry;
        }
        else
        {
            entryNext[bucketTail[bucket]] = entry;
        }
        bucketTail[bucket] = entry;
        bucketSize[bucket]++;
        size++;
    }

    /** Removes the earliest timer; read it with the peek methods first. */
    public void poll()
    {
        final int bucket = (int)instants.peekKey();
        final int entry = bucketHead[bucket];
        bucketHead[bucket] = entryNext[entry];
        entryNext[entry] = freeEntry;
        freeEntry = entry;
        bucketSize[bucket]--;
        size--;
        if (bucketHead[bucket] == NONE)
        {
            instants.poll();
            final int kind = bucketKind[bucket];
            instantByTime[kind].remove(bucketTime[bucket]);
            if (lastAddedBucket[kind] == bucket)
            {
                lastAddedBucket[kind] = NONE;
            }
            bucketHead[bucket] = freeBucket;
            freeBucket = bucket;
        }
    }

    public void saveTo(final StateWriter out)
    {
        out.section(0xB0C7E700).putInt(size);
        instants.saveTo(out);
        out.putInt(freeBucket).putInts(bucketHead, bucketsUsed).putInts(bucketTail, bucketsUsed)
            .putLongs(bucketTime, bucketsUsed).putInts(bucketKind, bucketsUsed);
        out.putInt(freeEntry).putLongs(entryKey, entriesUsed).putLongs(entryAux, entriesUsed)
            .putInts(entryTag, entriesUsed).putInts(entryNext, entriesUsed);
    }

    /** The instant lookup maps are not saved: every bucket off the free list is a live instant. */
    public void restoreFrom(final StateReader in)
    {
        in.expectSection(0xB0C7E700, "a bucket timer queue");
        size = in.getInt();
        instants.restoreFrom(in);
        freeBucket = in.getInt();
        bucketsUsed = in.peekCount();
        bucketHead = in.getInts(64);
        bucketTail = in.getInts(bucketHead.length);
        bucketTime = in.getLongs(bucketHead.length);
        bucketKind = in.getInts(bucketHead.length);
        freeEntry = in.getInt();
        entriesUsed = in.peekCount();
        entryKey = in.getLongs(16);
        entryAux = in.getLongs(entryKey.length);
        entryTag = in.getInts(entryKey.length);
        entryNext = in.getInts(entryKey.length);
        if (bucketTail.length != bucketHead.length || entryNext.length != entryKey.length)
        {
            throw new IllegalStateException("checkpoint holds an inconsistent bucket timer queue");
        }

        final boolean[] free = new boolean[bucketsUsed];
        for (int bucket = freeBucket; bucket != NONE; bucket = bucketHead[bucket])
        {
            free[bucket] = true;
        }
        for (int k = 0; k < MAX_KINDS; k++)
        {
            instantByTime[k].clear();
            lastAddedBucket[k] = NONE;
        }
        bucketSize = new int[bucketHead.length];
        for (int bucket = 0; bucket < bucketsUsed; bucket++)
        {
            if (!free[bucket])
            {
                instantByTime[bucketKind[bucket]].put(bucketTime[bucket], bucket);
                for (int entry = bucketHead[bucket]; entry != NONE; entry = entryNext[entry])
                {
                    bucketSize[bucket]++;
                }
            }
        }
    }

    private int newBucket(final long time, final int kind)
    {
        final int bucket;
        if (freeBucket != NONE)
        {
            bucket = freeBucket;
            freeBucket = bucketHead[bucket];
        }
        else
        {
            if (bucketsUsed == bucketHead.length)
            {
                final int capacity = bucketsUsed << 1;
                bucketHead = Arrays.copyOf(bucketHead, capacity);
                bucketTail = Arrays.copyOf(bucketTail, capacity);
                bucketTime = Arrays.copyOf(bucketTime, capacity);
                bucketKind = Arrays.copyOf(bucketKind, capacity);
                bucketSize = Arrays.copyOf(bucketSize, capacity);
            }
            bucket = bucketsUsed++;
        }
        bucketHead[bucket] = NONE;
        bucketTail[bucket] = NONE;
        bucketTime[bucket] = time;
        bucketKind[bucket] = kind;
        bucketSize[bucket] = 0;
        return bucket;
    }

    private int newEntry(final long key, final int tag, final long aux)
    {
        final int entry;
        if (freeEntry != NONE)
        {
            entry = freeEntry;
            freeEntry = entryNext[entry];
        }
        else
        {
            if (entriesUsed == entryKey.length)
            {
                final int capacity = entriesUsed << 1;
                entryKey = Arrays.copyOf(entryKey, capacity);
                entryAux = Arrays.copyOf(entryAux, capacity);
                entryTag = Arrays.copyOf(entryTag, capacity);
                entryNext = Arrays.copyOf(entryNext, capacity);
            }
            entry = entriesUsed++;
        }
        entryKey[entry] = key;
        entryTag[entry] = tag;
        entryAux[entry] = aux;
        entryNext[entry] = NONE;
        return entry;
    }
}
