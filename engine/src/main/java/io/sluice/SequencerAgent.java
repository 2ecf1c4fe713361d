package io.sluice;

import com.lmax.disruptor.InsufficientCapacityException;
import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;
import io.sluice.storage.MessageLog;
import io.sluice.time.WatermarkTracker;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

/**
 * The ring's first consumer and the engine's single point of order. For each slot, in ring order, it
 * computes the pipeline's watermark after the event and the shard that owns the key, and stamps both
 * into the slot before shards may read it. Watermarks are therefore computed once, from one order,
 * whatever the number of shards.
 *
 * <p>With storage, it is also the journal writer: each slot is appended to the input journal, with the
 * time used to stamp it, before any shard may read it.
 *
 * <p>Idle partitions are a matter of processing time: on a deadline it re-publishes a TICK for the
 * pipeline so that the re-evaluated watermark travels through the ring in order like everything else.
 */
final class SequencerAgent implements Agent, RingPoller.SlotHandler
{
    private static final long IDLE_CHECK_INTERVAL_NS = 1_000_000L;
    private static final long NO_SOURCE = Long.MIN_VALUE;

    private final IngressRing ring;
    private final RingPoller poller;
    private final WatermarkTracker[] trackers;
    private final boolean[] tickPending;
    private final int shardCount;
    private final NanoClock clock;
    private final boolean anyIdleness;
    private final InputJournal journal;
    private final CheckpointCoordinator checkpoints;
    /** Null unless someone listens for journaled events (and there is a journal). */
    private final JournaledAcks acks;
    /** Per (pipeline, partition): the source position journaled with its last event; kept only with a journal. */
    private final Long2LongHashMap sourcePositions = new Long2LongHashMap(16, 0.65f, Long.MIN_VALUE);
    // The (pipeline, partition) of the last event and its position, not yet in the map: a source mostly
    // sends runs of events on one partition, so the map is written when the partition changes, not per event.
    private long pendingSourceKey = NO_SOURCE;
    private long pendingSourcePosition;
    private long lastJournalIndex = MessageLog.NO_INDEX;
    // Events stamped per pipeline: written by this thread only, read by monitors without synchronisation.
    private final long[] eventsStamped;
    private long nowNs;
    private long nextIdleCheckNs;

    SequencerAgent(
        final IngressRing ring,
        final RingPoller poller,
        final WatermarkTracker[] trackers,
        final int shardCount,
        final NanoClock clock,
        final InputJournal journal,
        final CheckpointCoordinator checkpoints,
        final JournaledAcks acks)
    {
        this.journal = journal;
        this.acks = journal == null ? null : acks;
        this.checkpoints = checkpoints;
        this.ring = ring;
        this.poller = poller;
        this.trackers = trackers;
        this.tickPending = new boolean[trackers.length];
        this.eventsStamped = new long[trackers.length];
        this.shardCount = shardCount;
        this.clock = clock;
        boolean idleness = false;
        for (final WatermarkTracker tracker : trackers)
        {
            idleness |= tracker.hasIdleness();
        }
        this.anyIdleness = idleness;
    }

    public String roleName()
    {
        return "sluice-sequencer";
    }

    public int doWork() throws Exception
    {
        nowNs = clock.nanoTime();
        int workCount = poller.poll(this);
        if (anyIdleness && nowNs >= nextIdleCheckNs)
        {
            nextIdleCheckNs = nowNs + IDLE_CHECK_INTERVAL_NS;
            workCount += publishIdleTicks();
        }
        return workCount;
    }

    public void onSlot(final IngressSlot slot)
    {
        final int type = slot.type();
        if (type == IngressSlot.QUERY)
        {
            slot.shard(shardOf(slot.keyHash(), shardCount));
            slot.journalIndex(lastJournalIndex); // not journaled: shards' progress stays where the last input left it
            return;
        }
        if (type == IngressSlot.CHECKPOINT)
        {
            slot.journalIndex(lastJournalIndex); // not journaled: it stands where the last input did
            onCheckpointBarrier(slot.checkpointId());
            return;
        }
        stamp(slot, type, nowNs);
        if (journal != null)
        {
            // Shards are gated on this stage's sequence, released after the batch: nothing they see is
            // missing from the journal.
            lastJournalIndex = journal.append(slot, nowNs);
            if (acks != null && type == IngressSlot.EVENT)
            {
                acks.add(slot.pipeline(), slot.partition(), slot.sourcePosition(), lastJournalIndex);
            }
        }
        slot.journalIndex(lastJournalIndex);
    }

    /**
     * The batch is one journal commit: shards see it only once the journal holds it (on disk, with
     * {@link io.sluice.storage.Durability#SYNC}).
     */
    public void onBatchEnd()
    {
        if (journal != null)
        {
            journal.commit();
            if (acks != null)
            {
                acks.deliver();
            }
        }
    }

    /** Recovery: the same stamping, at the time journaled with the record instead of the clock's. */
    void replay(final IngressSlot slot, final long ingestTimeNs, final long journalIndex)
    {
        stamp(slot, slot.type(), ingestTimeNs);
        lastJournalIndex = journalIndex;
        slot.journalIndex(journalIndex);
    }

    /** Events of the pipeline stamped so far (a monitoring read: may lag by a moment). */
    long eventsStamped(final int pipeline)
    {
        return eventsStamped[pipeline];
    }

    WatermarkTracker tracker(final int pipeline)
    {
        return trackers[pipeline];
    }

    /** The journal index of the last input stamped: the index a checkpoint taken now stands at. */
    long lastJournalIndex()
    {
        return lastJournalIndex;
    }

    void forEachSourcePosition(final org.agrona.collections.LongLongConsumer consumer)
    {
        flushPendingSourcePosition();
        sourcePositions.forEachLong(consumer);
    }

    static long sourceKey(final int pipelineId, final int partition)
    {
        return ((long)pipelineId << 32) | (partition & 0xFFFF_FFFFL);
    }

    /** Watermark trackers and source positions; idle ticks in flight are not state (none are in the ring after a restart). */
    void saveTo(final StateWriter out)
    {
        out.section(0x5E0E4CE0).putLong(lastJournalIndex);
        for (final WatermarkTracker tracker : trackers)
        {
            tracker.saveTo(out);
        }
        flushPendingSourcePosition();
        out.putInt(sourcePositions.size());
        sourcePositions.forEachLong((key, position) -> out.putLong(key).putLong(position));
    }

    void restoreFrom(final StateReader in)
    {
        in.expectSection(0x5E0E4CE0, "the sequencer");
        lastJournalIndex = in.getLong();
        for (final WatermarkTracker tracker : trackers)
        {
            tracker.restoreFrom(in);
        }
        sourcePositions.clear();
        pendingSourceKey = NO_SOURCE;
        final int positions = in.getInt();
        for (int i = 0; i < positions; i++)
        {
            sourcePositions.put(in.getLong(), in.getLong());
        }
        if (!in.atEnd())
        {
            throw new IllegalStateException("the sequencer's checkpoint part has bytes after its state");
        }
    }

    private void onCheckpointBarrier(final long checkpointId)
    {
        final StateWriter state = checkpoints.sequencerState();
        saveTo(state.reset());
        checkpoints.onSequencerSaved(checkpointId, lastJournalIndex);
    }

    private void stamp(final IngressSlot slot, final int type, final long timeNs)
    {
        slot.stampedNs(timeNs);
        switch (type)
        {
            case IngressSlot.EVENT:
            {
                final int pipeline = slot.pipeline();
                final int partition = slot.partition();
                slot.watermarkMs(trackers[pipeline].onEvent(partition, slot.eventTimeMs(), timeNs));
                eventsStamped[pipeline]++;
                slot.shard(shardOf(slot.keyHash(), shardCount));
                if (journal != null)
                {
                    final long source = sourceKey(pipeline, partition);
                    if (source != pendingSourceKey)
                    {
                        flushPendingSourcePosition();
                        pendingSourceKey = source;
                    }
                    pendingSourcePosition = slot.sourcePosition();
                }
                break;
            }

            case IngressSlot.TICK:
            {
                final int pipeline = slot.pipeline();
                tickPending[pipeline] = false;
                slot.watermarkMs(trackers[pipeline].onTick(timeNs));
                break;
            }

            default:
                break;
        }
    }

    private void flushPendingSourcePosition()
    {
        if (pendingSourceKey != NO_SOURCE)
        {
            sourcePositions.put(pendingSourceKey, pendingSourcePosition);
        }
    }

    /** Maps a well-mixed 64-bit hash to [0, shardCount) by multiply-high: no division on the hot path. */
    static int shardOf(final long keyHash, final int shardCount)
    {
        return (int)(((keyHash >>> 32) * shardCount) >>> 32);
    }

    private int publishIdleTicks()
    {
        int published = 0;
        for (int p = 0; p < trackers.length; p++)
        {
            if (!tickPending[p] && nowNs >= trackers[p].nextIdleDeadlineNs())
            {
                try
                {
                    // Never block here: this thread is a consumer of the same ring. A full ring means
                    // traffic, and traffic re-evaluates idleness anyway; try again next check.
                    final long sequence = ring.tryNext();
                    IngressSlot.writeTick(ring, sequence, p);
                    ring.publish(sequence);
                    tickPending[p] = true;
                    published++;
                }
                catch (final InsufficientCapacityException ignore)
                {
                    break;
                }
            }
        }
        return published;
    }
}
