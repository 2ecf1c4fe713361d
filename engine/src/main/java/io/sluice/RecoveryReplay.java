package io.sluice;

import io.sluice.storage.MessageLog;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;

import java.util.function.Supplier;

/**
 * Recovery's replay through the engine's own stages. The recovering thread takes the sequencer stage's
 * place: it reads and decodes the input journal straight into ring slots and stamps each at the time
 * journaled beside it. The shard agents apply the slots on threads of their own, gated on that stage's
 * sequence exactly as they are live.
 * Reading, checking and decoding a record costs about as much as applying it, so the two now overlap
 * instead of adding up.
 *
 * <p>The shard threads live only for the replay: {@link #close()} waits until the shards have applied
 * every replayed record and stops them, after which the engine's runners take the same agents on.
 */
final class RecoveryReplay implements MessageLog.MessageHandler, AutoCloseable
{
    /** Records decoded between hand-overs to the shards: small next to the ring, large next to a poll. */
    private static final int HAND_OVER_EVERY = 64;
    /**
     * Slots claimed from the ring at once. A claim is a compare-and-set on the ring's cursor, whose cache line
     * the shards' threads read: claimed one by one, it cost an eighth of the replaying thread's time.
     */
    private static final int CLAIM_BLOCK = 64;

    private final IngressRing ring;
    private final IngressSlot slot;
    private final RingPoller sequencerStage;
    private final SequencerAgent sequencer;
    private final InputJournal journal;
    private final MessageLog.Reader reader;
    private final EngineFailure failure;
    private final IdleStrategy idle;
    private final AgentRunner[] shardRunners;
    private long records;
    private long endOfInputIndex = MessageLog.NO_INDEX;
    private long lastIndex = MessageLog.NO_INDEX;
    // The block of claimed slots: the next to fill, and the last claimed.
    private long nextSequence = 0;
    private long claimedThrough = -1;

    RecoveryReplay(
        final IngressRing ring,
        final RingPoller sequencerStage,
        final SequencerAgent sequencer,
        final InputJournal journal,
        final MessageLog.Reader reader,
        final ShardAgent[] shardAgents,
        final ThreadingMode threadingMode,
        final Supplier<IdleStrategy> idleStrategies,
        final EngineFailure failure,
        final ErrorHandler errors)
    {
        this.ring = ring;
        this.slot = ring.newSlot();
        this.sequencerStage = sequencerStage;
        this.sequencer = sequencer;
        this.journal = journal;
        this.reader = reader;
        this.failure = failure;
        this.idle = idleStrategies.get();
        // As live: every shard on its own thread, or (SHARED) all of them taking turns on one.
        shardRunners = threadingMode.runners(shardAgents, idleStrategies, errors);
        for (final AgentRunner runner : shardRunners)
        {
            AgentRunner.startOnThread(runner);
        }
    }

    /** Decodes one journal record into the next ring slot and stamps it as the sequencer did when it was live. */
    public void onMessage(final long index, final DirectBuffer buffer, final int offset, final int length)
    {
        final long sequence = claim();
        final IngressSlot slot = this.slot.wrap(sequence);
        try
        {
            sequencer.replay(slot, journal.decode(buffer, offset, length, reader.stamp(), slot), index);
        }
        catch (final RuntimeException e)
        {
            pad(sequence); // a record that does not decode fails the recovery; its slot must not be left unpublished
            throw e;
        }
        if (slot.type() == IngressSlot.END_OF_INPUT)
        {
            endOfInputIndex = index;
        }
        lastIndex = index;
        ring.publish(sequence);
        if (++records % HAND_OVER_EVERY == 0)
        {
            sequencerStage.handOverThrough(sequence);
        }
    }

    long records()
    {
        return records;
    }

    /** The index of the END_OF_INPUT record replayed, or {@link MessageLog#NO_INDEX}. */
    long endOfInputIndex()
    {
        return endOfInputIndex;
    }

    /**
     * Hands the rest to the shards, waits until they have applied all of it, and stops their threads.
     * The shards' own batch ends have committed their outputs and published their progress by then.
     *
     * @throws IllegalStateException if a shard failed during the replay.
     */
    public void close()
    {
        try
        {
            padClaimedSlots();
            final long last = ring.cursor();
            sequencerStage.handOverThrough(last);
            awaitShardsAt(last);
        }
        finally
        {
            for (final AgentRunner runner : shardRunners)
            {
                runner.close();
            }
        }
        throwIfShardFailed();
    }

    private long claim()
    {
        if (nextSequence > claimedThrough)
        {
            final int block = Math.min(CLAIM_BLOCK, ring.size());
            if (!ring.hasAvailableCapacity(block))
            {
                // The shards are a ring behind: let them have everything stamped, then wait for a block's room.
                final long cursor = ring.cursor();
                sequencerStage.handOverThrough(cursor);
                awaitShardsAt(cursor + block - ring.size());
            }
            // The only publisher while recovering: the room waited for is still there.
            claimedThrough = ring.next(block);
            nextSequence = claimedThrough - block + 1;
        }
        return nextSequence++;
    }

    /** Slots claimed and not filled become padding, which the shards skip: every claimed slot must be published. */
    private void padClaimedSlots()
    {
        for (; nextSequence <= claimedThrough; nextSequence++)
        {
            pad(nextSequence);
        }
    }

    private void pad(final long sequence)
    {
        final IngressSlot slot = this.slot.wrap(sequence);
        slot.type(IngressSlot.PADDING);
        slot.journalIndex(lastIndex); // the shards' last input stays the last record replayed
        ring.publish(sequence);
    }

    private void awaitShardsAt(final long sequence)
    {
        idle.reset();
        while (ring.minimumGatingSequence() < sequence)
        {
            throwIfShardFailed();
            idle.idle();
        }
    }

    private void throwIfShardFailed()
    {
        final Throwable cause = failure.cause();
        if (cause != null)
        {
            throw new IllegalStateException("recovery failed while replaying the input journal: " + cause.getMessage(), cause);
        }
    }
}
