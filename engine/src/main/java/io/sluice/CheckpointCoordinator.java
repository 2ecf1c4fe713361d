package io.sluice;

import io.sluice.state.StateWriter;
import io.sluice.storage.CheckpointStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Takes checkpoints, one at a time, on its own thread:
 *
 * <ol>
 *   <li>publishes a CHECKPOINT barrier into the ingress ring (periodically, or when asked);</li>
 *   <li>the sequencer, reaching it, saves its watermarks and source positions as of the journal index of
 *       the last input before it; each shard, reaching it, saves its whole state: all of them as of the
 *       same point of the journal, since the ring orders everything;</li>
 *   <li>this thread writes the parts and the manifest through the {@link CheckpointStore}, then lets the
 *       next checkpoint begin.</li>
 * </ol>
 *
 * A shard stalls only while it copies its state into its {@link StateWriter}; checksums, disk writes and
 * fsyncs happen here. Each engine thread owns one writer, reused: the next barrier is published only
 * once the previous checkpoint is durable, so a writer is never refilled while being written out.
 */
final class CheckpointCoordinator implements AutoCloseable
{
    /** Puts a barrier into the ring; blocks while the ring is full. */
    @FunctionalInterface
    interface BarrierPublisher
    {
        void publish(long checkpointId);
    }

    private final CheckpointStore store;
    private final Runnable afterCheckpoint;
    private final int shards;
    private final String configuration;
    private final int keep;
    private final long intervalNs;
    private final EngineFailure failure;
    private final StateWriter sequencerState = new StateWriter(1 << 12);
    private final StateWriter[] shardStates;
    private final Thread thread;
    private BarrierPublisher publisher;

    // Guarded by this.
    private long nextId;
    private long inFlightId = -1;
    private int partsPending;
    private long journalIndex;
    private long maxStallNs;
    private CompletableFuture<CheckpointInfo> requested;
    private volatile CheckpointInfo lastCompleted;
    private volatile long completedCount;
    private boolean stopping;

    CheckpointCoordinator(
        final CheckpointStore store, final int shards, final String configuration, final int keep, final long intervalNs,
        final EngineFailure failure, final Runnable afterCheckpoint)
    {
        this.store = store;
        this.afterCheckpoint = afterCheckpoint;
        this.shards = shards;
        this.configuration = configuration;
        this.keep = keep;
        this.intervalNs = intervalNs;
        this.failure = failure;
        this.shardStates = new StateWriter[shards];
        for (int s = 0; s < shards; s++)
        {
            shardStates[s] = new StateWriter(1 << 16);
        }
        try
        {
            this.nextId = store.nextId();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot list checkpoints: " + e.getMessage(), e);
        }
        this.thread = new Thread(this::run, "sluice-checkpointer");
        this.thread.setDaemon(true);
    }

    void start(final BarrierPublisher publisher)
    {
        this.publisher = publisher;
        thread.start();
    }

    /** Takes a checkpoint now (after one in progress, if any) and returns once it is durable. */
    /** The last checkpoint made durable (periodic or asked for), or null. */
    CheckpointInfo lastCompleted()
    {
        return lastCompleted;
    }

    long completedCount()
    {
        return completedCount;
    }

    CheckpointInfo checkpoint()
    {
        final CompletableFuture<CheckpointInfo> result;
        synchronized (this)
        {
            if (stopping)
            {
                throw new IllegalStateException("Sluice is closing: no more checkpoints");
            }
            if (requested == null)
            {
                requested = new CompletableFuture<>();
            }
            result = requested;
            notifyAll();
        }
        try
        {
            return result.get();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a checkpoint", e);
        }
        catch (final ExecutionException e)
        {
            throw new IllegalStateException("checkpoint failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    StateWriter sequencerState()
    {
        return sequencerState;
    }

    StateWriter shardState(final int shard)
    {
        return shardStates[shard];
    }

    synchronized void onSequencerSaved(final long checkpointId, final long lastJournalIndex)
    {
        checkInFlight(checkpointId);
        journalIndex = lastJournalIndex;
        partSaved();
    }

    synchronized void onShardSaved(final int shard, final long checkpointId, final long stallNs)
    {
        checkInFlight(checkpointId);
        maxStallNs = Math.max(maxStallNs, stallNs);
        partSaved();
    }

    /** Finishes a checkpoint in progress, then stops. */
    public void close()
    {
        synchronized (this)
        {
            stopping = true;
            notifyAll();
        }
        if (thread.isAlive())
        {
            try
            {
                thread.join();
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this)
        {
            if (requested != null)
            {
                requested.completeExceptionally(new IllegalStateException("Sluice closed before the checkpoint began"));
            }
        }
        sequencerState.close();
        for (final StateWriter state : shardStates)
        {
            state.close();
        }
    }

    private void run()
    {
        long dueNs = intervalNs > 0 ? System.nanoTime() + intervalNs : Long.MAX_VALUE;
        while (true)
        {
            final CompletableFuture<CheckpointInfo> waiting;
            final long id;
            synchronized (this)
            {
                while (!stopping && requested == null && System.nanoTime() < dueNs)
                {
                    waitMs(Math.max(1, Math.min(100, (dueNs - System.nanoTime()) / 1_000_000)));
                }
                if (stopping)
                {
                    return;
                }
                waiting = requested;
                requested = null;
                id = nextId++;
                inFlightId = id;
                partsPending = 1 + shards;
                maxStallNs = 0;
            }
            try
            {
                final CheckpointInfo info = take(id);
                lastCompleted = info;
                completedCount++;
                if (waiting != null)
                {
                    waiting.complete(info);
                }
            }
            catch (final RuntimeException | IOException e)
            {
                if (waiting != null)
                {
                    waiting.completeExceptionally(e);
                }
                if (failure.cause() != null)
                {
                    return;
                }
                System.getLogger("io.sluice").log(System.Logger.Level.WARNING, "checkpoint " + id + " failed: " + e, e);
            }
            dueNs = intervalNs > 0 ? System.nanoTime() + intervalNs : Long.MAX_VALUE;
        }
    }

    private CheckpointInfo take(final long id) throws IOException
    {
        final long startNs = System.nanoTime();
        publisher.publish(id);
        final long index;
        final long stallNs;
        synchronized (this)
        {
            while (partsPending > 0)
            {
                if (failure.cause() != null)
                {
                    throw new IllegalStateException("engine failed during checkpoint " + id, failure.cause());
                }
                waitMs(10);
            }
            inFlightId = -1;
            index = journalIndex;
            stallNs = maxStallNs;
        }
        final List<CheckpointStore.Part> parts = new ArrayList<>(1 + shards);
        parts.add(new CheckpointStore.Part(SEQUENCER_PART, sequencerState.buffer(), 0, sequencerState.length()));
        for (int s = 0; s < shards; s++)
        {
            parts.add(new CheckpointStore.Part(shardPartName(s), shardStates[s].buffer(), 0, shardStates[s].length()));
        }
        final long bytes = store.write(id, index, shards, configuration, parts, keep);
        afterCheckpoint.run();
        return new CheckpointInfo(id, index, bytes, System.nanoTime() - startNs, stallNs);
    }

    static final String SEQUENCER_PART = "sequencer.state";

    static String shardPartName(final int shard)
    {
        return "shard-" + shard + ".state";
    }

    private void checkInFlight(final long checkpointId)
    {
        if (checkpointId != inFlightId)
        {
            throw new IllegalStateException("checkpoint barrier " + checkpointId + " arrived while " + inFlightId + " was expected");
        }
    }

    private void partSaved()
    {
        if (--partsPending == 0)
        {
            notifyAll();
        }
    }

    private void waitMs(final long ms)
    {
        try
        {
            wait(ms);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }
}
