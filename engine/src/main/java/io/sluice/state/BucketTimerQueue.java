package io.sluice.state;

import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;

/**
 * Timers grouped by (time, kind): for window timers, which fall on a few grid instants (window ends,
 * lateness horizons) shared by every key. A small heap orders the distinct instants; each instant keeps
 * its timers in order of addition in a chain of chunks of {@value #CHUNK_TIMERS} timers. Adding to an
 * existing instant is an append; popping advances a cursor; an instant whose timers are all acted on at
 * once (a window operator firing them by a walk of its table) is dropped whole, chunks and all, in O(1)
 * ({@link #pollInstant()}). With 10 000 keys a heap of single timers would be 10^5 entries deep in cache
 * misses; this heap holds a handful.
 *
 * <pre>
 *   instants heap:  (t1, FIRE) (t1, CLEANUP) (t2, FIRE) ...      ordered by time, then kind
 *   per instant:    chunk ──► chunk ──► chunk                    chunk = CHUNK_TIMERS x [key aux tag]
 *                   ^ read cursor          ^ append point
 * </pre>
 *
 * Chunks come from one pool with a free list, which grows only while the live timers reach a new high. A
 * drained instant's chunks go back in their order, so the next instant appends through memory in the
 * order it was last written: sequential, not a pointer chase per timer.
 *
 * <p>Same contract as {@link TimerQueue}: read the earliest timer with the peek methods, then
 * {@link #poll()} it, then act (acting may add timers, also at the instant being drained).
 */
public final class BucketTimerQueue implements Timers
{
    private static final int NONE = -1;
    private static final int MAX_KINDS = 4;
    private static final int KEY = 0;
    private static final int AUX = 1;
    private static final int TAG = 2;
    private static final int STRIDE = 3;
    private static final int CHUNK_TIMERS = 8;
    private static final int CHUNK_LONGS = CHUNK_TIMERS * STRIDE;
    private static final int SECTION = 0xB0C7E701;
    private static final int RECENT_TIMES = 1024;

    private final TimerQueue instants = new TimerQueue(64);
    private final Long2LongHashMap[] instantByTime = new Long2LongHashMap[MAX_KINDS];
    // The instant last added to at each (kind, time modulo RECENT_TIMES), checked against the bucket's own
    // time: adds mostly go to an instant that exists (a key's new windows share their end with the previous
    // key's; a session's timer moves to an end other sessions' timers have moved to), so most skip the map.
    private final int[] recentBucket = new int[MAX_KINDS * RECENT_TIMES];
    private int[] bucketHeadChunk;
    private int[] bucketHeadPosition;
    private int[] bucketTailChunk;
    private int[] bucketTailPosition;
    private int[] bucketSize;
    private long[] bucketTime;
    private int[] bucketKind;
    private int[] nextFreeBucket;
    private int freeBucket = NONE;
    private int bucketsUsed;

    private long[] chunkTimers;
    private int[] nextChunk;
    private int freeChunk = NONE;
    private int chunksUsed;
    private int size;

    /** @param initialCapacity timers to make room for before the pool first grows. */
    public BucketTimerQueue(final int initialCapacity)
    {
        for (int k = 0; k < MAX_KINDS; k++)
        {
            instantByTime[k] = new Long2LongHashMap(64, 0.65f, NONE);
        }
        Arrays.fill(recentBucket, NONE);
        allocateBuckets(64);
        allocateChunks(Math.max(16, initialCapacity / CHUNK_TIMERS + 1));
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
        return bucketSize[earliestBucket()];
    }

    public long peekKey()
    {
        return earliest(KEY);
    }

    public int peekTag()
    {
        return (int)earliest(TAG);
    }

    public long peekAux()
    {
        return earliest(AUX);
    }

    /** @param kind 0..3; lower kinds pop first at equal times. */
    public void add(final long time, final int kind, final long key, final int tag, final long aux)
    {
        final int recent = kind * RECENT_TIMES + ((int)time & (RECENT_TIMES - 1));
        int bucket = recentBucket[recent];
        // A released bucket has no timers, and a reused one another instant: either way, not this one.
        if (bucket == NONE || bucketTime[bucket] != time || bucketKind[bucket] != kind || bucketSize[bucket] == 0)
        {
            final Long2LongHashMap byTime = instantByTime[kind];
            bucket = (int)byTime.get(time);
            if (bucket == NONE)
            {
                bucket = newBucket(time, kind);
                byTime.put(time, bucket);
                instants.add(time, kind, bucket, 0, 0);
            }
            recentBucket[recent] = bucket;
        }
        append(bucket, key, tag, aux);
    }

    /** Removes the earliest timer; read it with the peek methods first. */
    public void poll()
    {
        final int bucket = earliestBucket();
        size--;
        if (--bucketSize[bucket] == 0)
        {
            release(bucket);
            return;
        }
        final int position = bucketHeadPosition[bucket] + 1;
        if (position == CHUNK_TIMERS)
        {
            final int drained = bucketHeadChunk[bucket];
            bucketHeadChunk[bucket] = nextChunk[drained];
            bucketHeadPosition[bucket] = 0;
            nextChunk[drained] = freeChunk;
            freeChunk = drained;
        }
        else
        {
            bucketHeadPosition[bucket] = position;
        }
    }

    /** Removes every timer of the earliest instant at once: for an owner that acts on them all without reading them. */
    public void pollInstant()
    {
        final int bucket = earliestBucket();
        size -= bucketSize[bucket];
        release(bucket);
    }

    /**
     * Saves each bucket's live timers in bucket order, then the free list: a restored queue numbers its
     * instants as the saved one did, so that it goes on exactly as the saved one would have.
     */
    public void saveTo(final StateWriter out)
    {
        out.section(SECTION).putInt(size).putInt(bucketsUsed);
        for (int bucket = 0; bucket < bucketsUsed; bucket++)
        {
            final int count = bucketSize[bucket];
            out.putInt(count);
            if (count > 0)
            {
                out.putLong(bucketTime[bucket]).putInt(bucketKind[bucket]);
                int chunk = bucketHeadChunk[bucket];
                int position = bucketHeadPosition[bucket];
                for (int i = 0; i < count; i++)
                {
                    if (position == CHUNK_TIMERS)
                    {
                        chunk = nextChunk[chunk];
                        position = 0;
                    }
                    final int at = chunk * CHUNK_LONGS + position * STRIDE;
                    out.putLong(chunkTimers[at + KEY]).putLong(chunkTimers[at + AUX]).putLong(chunkTimers[at + TAG]);
                    position++;
                }
            }
        }
        for (int bucket = freeBucket; bucket != NONE; bucket = nextFreeBucket[bucket])
        {
            out.putInt(bucket);
        }
        out.putInt(NONE);
    }

    /** The instants heap and the lookup maps are not saved: they are rebuilt from the live buckets. */
    public void restoreFrom(final StateReader in)
    {
        in.expectSection(SECTION, "a bucket timer queue");
        final int savedSize = in.getInt();
        final int savedBuckets = in.getInt();
        if (savedSize < 0 || savedBuckets < 0)
        {
            throw new IllegalStateException("checkpoint holds a bucket timer queue of negative size");
        }
        while (!instants.isEmpty())
        {
            instants.poll();
        }
        for (int k = 0; k < MAX_KINDS; k++)
        {
            instantByTime[k].clear();
        }
        Arrays.fill(recentBucket, NONE);
        allocateBuckets(Math.max(64, savedBuckets));
        allocateChunks(Math.max(16, savedSize / CHUNK_TIMERS + savedBuckets));
        bucketsUsed = savedBuckets;
        size = 0;
        for (int bucket = 0; bucket < savedBuckets; bucket++)
        {
            final int count = in.getInt();
            if (count < 0)
            {
                throw new IllegalStateException("checkpoint holds a timer instant of negative size");
            }
            if (count > 0)
            {
                final long time = in.getLong();
                final int kind = in.getInt();
                if (kind < 0 || kind >= MAX_KINDS)
                {
                    throw new IllegalStateException("checkpoint holds a timer of unknown kind " + kind);
                }
                startBucket(bucket, time, kind);
                instantByTime[kind].put(time, bucket);
                instants.add(time, kind, bucket, 0, 0);
                for (int i = 0; i < count; i++)
                {
                    final long key = in.getLong();
                    final long aux = in.getLong();
                    final int tag = (int)in.getLong();
                    append(bucket, key, tag, aux);
                }
            }
        }
        int previous = NONE;
        for (int bucket = in.getInt(); bucket != NONE; bucket = in.getInt())
        {
            if (bucket < 0 || bucket >= savedBuckets || bucketSize[bucket] != 0)
            {
                throw new IllegalStateException("checkpoint holds a bucket timer queue with a bad free list");
            }
            if (previous == NONE)
            {
                freeBucket = bucket;
            }
            else
            {
                nextFreeBucket[previous] = bucket;
            }
            nextFreeBucket[bucket] = NONE;
            previous = bucket;
        }
        if (size != savedSize)
        {
            throw new IllegalStateException("checkpoint holds an inconsistent bucket timer queue");
        }
    }

    private int earliestBucket()
    {
        return (int)instants.peekKey();
    }

    private long earliest(final int field)
    {
        final int bucket = earliestBucket();
        return chunkTimers[bucketHeadChunk[bucket] * CHUNK_LONGS + bucketHeadPosition[bucket] * STRIDE + field];
    }

    private void release(final int bucket)
    {
        instants.poll();
        final int kind = bucketKind[bucket];
        instantByTime[kind].remove(bucketTime[bucket]);
        // The chunks go back as a chain, in order: the next instant reuses them front to back.
        nextChunk[bucketTailChunk[bucket]] = freeChunk;
        freeChunk = bucketHeadChunk[bucket];
        bucketSize[bucket] = 0;
        nextFreeBucket[bucket] = freeBucket;
        freeBucket = bucket;
    }

    private int newBucket(final long time, final int kind)
    {
        final int bucket;
        if (freeBucket != NONE)
        {
            bucket = freeBucket;
            freeBucket = nextFreeBucket[bucket];
        }
        else
        {
            if (bucketsUsed == bucketSize.length)
            {
                growBuckets(bucketsUsed << 1);
            }
            bucket = bucketsUsed++;
        }
        startBucket(bucket, time, kind);
        return bucket;
    }

    private void startBucket(final int bucket, final long time, final int kind)
    {
        final int chunk = newChunk();
        bucketHeadChunk[bucket] = chunk;
        bucketHeadPosition[bucket] = 0;
        bucketTailChunk[bucket] = chunk;
        bucketTailPosition[bucket] = 0;
        bucketSize[bucket] = 0;
        bucketTime[bucket] = time;
        bucketKind[bucket] = kind;
    }

    private void append(final int bucket, final long key, final int tag, final long aux)
    {
        int chunk = bucketTailChunk[bucket];
        int position = bucketTailPosition[bucket];
        if (position == CHUNK_TIMERS)
        {
            final int next = newChunk();
            nextChunk[chunk] = next;
            bucketTailChunk[bucket] = next;
            chunk = next;
            position = 0;
        }
        final int at = chunk * CHUNK_LONGS + position * STRIDE;
        chunkTimers[at + KEY] = key;
        chunkTimers[at + AUX] = aux;
        chunkTimers[at + TAG] = tag;
        bucketTailPosition[bucket] = position + 1;
        bucketSize[bucket]++;
        size++;
    }

    private int newChunk()
    {
        if (freeChunk == NONE)
        {
            if (chunksUsed == nextChunk.length)
            {
                chunkTimers = Arrays.copyOf(chunkTimers, chunkTimers.length << 1);
                nextChunk = Arrays.copyOf(nextChunk, nextChunk.length << 1);
            }
            final int chunk = chunksUsed++;
            nextChunk[chunk] = NONE;
            return chunk;
        }
        final int chunk = freeChunk;
        freeChunk = nextChunk[chunk];
        nextChunk[chunk] = NONE;
        return chunk;
    }

    private void allocateChunks(final int capacity)
    {
        chunkTimers = new long[capacity * CHUNK_LONGS];
        nextChunk = new int[capacity];
        freeChunk = NONE;
        chunksUsed = 0;
    }

    private void allocateBuckets(final int capacity)
    {
        bucketHeadChunk = new int[capacity];
        bucketHeadPosition = new int[capacity];
        bucketTailChunk = new int[capacity];
        bucketTailPosition = new int[capacity];
        bucketSize = new int[capacity];
        bucketTime = new long[capacity];
        bucketKind = new int[capacity];
        nextFreeBucket = new int[capacity];
        freeBucket = NONE;
        bucketsUsed = 0;
    }

    private void growBuckets(final int capacity)
    {
        bucketHeadChunk = Arrays.copyOf(bucketHeadChunk, capacity);
        bucketHeadPosition = Arrays.copyOf(bucketHeadPosition, capacity);
        bucketTailChunk = Arrays.copyOf(bucketTailChunk, capacity);
        bucketTailPosition = Arrays.copyOf(bucketTailPosition, capacity);
        bucketSize = Arrays.copyOf(bucketSize, capacity);
        bucketTime = Arrays.copyOf(bucketTime, capacity);
        bucketKind = Arrays.copyOf(bucketKind, capacity);
        nextFreeBucket = Arrays.copyOf(nextFreeBucket, capacity);
    }
}
