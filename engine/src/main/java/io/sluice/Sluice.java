package io.sluice;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.Sequence;
import io.sluice.state.KeyDictionary;
import io.sluice.time.WatermarkTracker;
import io.sluice.window.AccumulatorLayout;
import io.sluice.window.Output;
import io.sluice.window.OutputSequence;
import io.sluice.record.OutputJournal;
import io.sluice.state.StateReader;
import io.sluice.storage.CheckpointStore;
import io.sluice.storage.MessageLog;
import io.sluice.storage.Storage;
import io.sluice.window.WindowOperators;
import io.sluice.window.WindowOperator;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * An embedded Sluice engine: named event-time windowing pipelines behind one ingress ring.
 *
 * <pre>
 *  publishers ──► ingress ring (Disruptor, multi-producer) ──► sequencer ──► shard 0 … shard N-1
 *                 capacity = backpressure                     watermark,     each: own keys by hash,
 *                                                             owner shard    off-heap state, timers,
 *                                                                            fires to listeners
 * </pre>
 *
 * Shards read the ring behind the sequencer rather than from rings of their own: every shard sees
 * every slot in one order, so watermarks reach idle shards with no broadcast, and no event is copied
 * a second time. A shard skips a slot that is not its own in a few nanoseconds.
 *
 * <p>{@link #publish} blocks while the ring is full; {@link #tryPublish} returns false instead.
 * Nothing is queued anywhere else. {@link #close()} is the end of input: it drains every accepted
 * event, moves every watermark to +∞ so that every open window fires, then stops the threads.
 * Publishing must stop before close is called; publishing after it throws.
 */
public final class Sluice implements AutoCloseable
{
    private static final int BATCH_LIMIT = 512;

    private final String[] pipelineNames;
    private final Map<String, Integer> pipelineIds;
    private final IngressRing ring;
    private final Sequence[] shardSequences;
    private final ShardProcessor[] processors;
    private final SequencerAgent sequencerAgent;
    private final ShardAgent[] shardAgents;
    private final AgentRunner[] runners;
    private final int maxKeyLength;
    private final ThreadingMode threadingMode;
    private final EngineFailure failure = new EngineFailure();
    private final AtomicLong errorCount = new AtomicLong();
    private volatile boolean closed;
    private boolean threadsStarted;
    private final Storage storage;
    private final OutputSequence[] outputSequences;
    private final Map<Long, Long> resumePositions = new HashMap<>();
    private final CheckpointCoordinator checkpoints;
    private final List<String> recoveryWarnings = new ArrayList<>();
    private long restoredCheckpointId = -1;
    private long recoveredRecords;
    private long endOfInputIndex = MessageLog.NO_INDEX;

    private Sluice(final Builder builder)
    {
        final List<PipelineBuilder> pipelines = new ArrayList<>(builder.pipelines.values());
        final int pipelineCount = pipelines.size();
        pipelineNames = new String[pipelineCount];
        pipelineIds = new HashMap<>();
        for (int p = 0; p < pipelineCount; p++)
        {
            pipelineNames[p] = pipelines.get(p).name();
            pipelineIds.put(pipelineNames[p], p);
        }
        maxKeyLength = builder.maxKeyLength;
        threadingMode = builder.threadingMode();

        ring = new IngressRing(builder.ringSize(), maxKeyLength);

        final ErrorHandler listenerErrors = t ->
        {
            errorCount.incrementAndGet();
            builder.errorHandler.onError(t);
        };

        final WatermarkTracker[] trackers = new WatermarkTracker[pipelineCount];
        for (int p = 0; p < pipelineCount; p++)
        {
            final WatermarkSpec spec = pipelines.get(p).watermarks();
            trackers[p] = new WatermarkTracker(spec.outOfOrdernessMs(), spec.idleTimeoutMs(), spec.partitions());
        }

        // Batches bound how long a stage holds slots before handing them on (and the scan per batch).
        final RingPoller sequencerPoller = new RingPoller(ring, null, BATCH_LIMIT);
        storage = builder.storage;
        final OutputJournal[] outputJournals = openOutputJournals(builder);
        final String configuration = describeConfiguration(builder.shards, pipelines);
        checkpoints = storage == null ? null : new CheckpointCoordinator(storage.checkpoints(), builder.shards, configuration,
            builder.checkpointsToKeep, builder.checkpointIntervalNs, failure, storage::onCheckpointWritten);
        outputSequences = new OutputSequence[builder.shards];
        processors = new ShardProcessor[builder.shards];
        shardSequences = new Sequence[builder.shards];
        shardAgents = new ShardAgent[builder.shards];
        for (int s = 0; s < builder.shards; s++)
        {
            outputSequences[s] = new OutputSequence();
            processors[s] = newShardProcessor(
                s, pipelines, builder, listenerErrors, outputSequences[s], outputJournals[s], checkpoints);
            final RingPoller shardPoller = new RingPoller(ring, sequencerPoller.sequence(), BATCH_LIMIT);
            shardSequences[s] = shardPoller.sequence();
            shardAgents[s] = new ShardAgent(processors[s], shardPoller, failure);
        }
        // Publishers wait for the slowest shard; shards wait for the sequencer (their poller's gate).
        ring.addGatingSequences(shardSequences);

        final ErrorHandler agentErrors = t ->
        {
            failure.fail(t);
            builder.errorHandler.onError(t);
        };
        final InputJournal inputJournal = storage == null ? null : new InputJournal(storage.inputLog(), maxKeyLength);
        sequencerAgent = new SequencerAgent(
            ring, sequencerPoller, trackers, builder.shards, builder.nanoClock, inputJournal, checkpoints,
            builder.journaledListener == null ? null : new JournaledAcks(builder.journaledListener, BATCH_LIMIT));
        if (inputJournal != null)
        {
            recover(inputJournal, outputJournals, configuration, sequencerPoller, builder, agentErrors);
        }
        if (builder.latencySampler != null)
        {
            for (final ShardProcessor processor : processors)
            {
                processor.sampleLatency(builder.nanoClock, builder.latencySampler);
            }
        }
        runners = newRunners(builder, agentErrors);
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /** Publishes one event with a long key on partition 0; blocks while the ring is full. */
    public void publish(final String pipeline, final long eventTimeMs, final long key, final long value)
    {
        publish(pipelineId(pipeline), 0, eventTimeMs, key, value);
    }

    /** Publishes one event with a text key on partition 0; blocks while the ring is full. */
    public void publish(final String pipeline, final long eventTimeMs, final CharSequence key, final long value)
    {
        publish(pipelineId(pipeline), 0, eventTimeMs, key, value);
    }

    /** @return false, having accepted nothing, when the ring is full. */
    public boolean tryPublish(final String pipeline, final long eventTimeMs, final long key, final long value)
    {
        return tryPublish(pipelineId(pipeline), 0, eventTimeMs, key, value);
    }

    /** @return false, having accepted nothing, when the ring is full. */
    public boolean tryPublish(final String pipeline, final long eventTimeMs, final CharSequence key, final long value)
    {
        return tryPublish(pipelineId(pipeline), 0, eventTimeMs, key, value);
    }

    /** The id to use with the id-based publish methods, which skip the name lookup. */
    public int pipelineId(final String pipeline)
    {
        final Integer id = pipeline == null ? null : pipelineIds.get(pipeline);
        if (id == null)
        {
            throw new IllegalArgumentException("unknown pipeline '" + pipeline + "'; known: " + pipelineIds.keySet());
        }
        return id;
    }

    public void publish(final int pipelineId, final int partition, final long eventTimeMs, final long key, final long value)
    {
        publish(pipelineId, partition, eventTimeMs, key, value, NO_POSITION);
    }

    public void publish(final int pipelineId, final int partition, final long eventTimeMs, final CharSequence key, final long value)
    {
        publish(pipelineId, partition, eventTimeMs, key, value, NO_POSITION);
    }

    /** Like {@link #publish(int, int, long, long, long)}, journaling where the source resumes after this event. */
    public void publish(
        final int pipelineId, final int partition, final long eventTimeMs, final long key, final long value, final long sourcePosition)
    {
        checkEvent(pipelineId, partition, eventTimeMs);
        fill(claimBlocking(false), pipelineId, partition, eventTimeMs, key, null, value, sourcePosition);
    }

    /** Like {@link #publish(int, int, long, CharSequence, long)}, journaling where the source resumes after this event. */
    public void publish(
        final int pipelineId, final int partition, final long eventTimeMs, final CharSequence key, final long value,
        final long sourcePosition)
    {
        checkEvent(pipelineId, partition, eventTimeMs);
        checkKey(key);
        fill(claimBlocking(false), pipelineId, partition, eventTimeMs, 0, key, value, sourcePosition);
    }

    public boolean tryPublish(final int pipelineId, final int partition, final long eventTimeMs, final long key, final long value)
    {
        checkEvent(pipelineId, partition, eventTimeMs);
        final long sequence = tryClaim();
        if (sequence < 0)
        {
            return false;
        }
        fill(sequence, pipelineId, partition, eventTimeMs, key, null, value, NO_POSITION);
        return true;
    }

    public boolean tryPublish(
        final int pipelineId, final int partition, final long eventTimeMs, final CharSequence key, final long value)
    {
        checkEvent(pipelineId, partition, eventTimeMs);
        checkKey(key);
        final long sequence = tryClaim();
        if (sequence < 0)
        {
            return false;
        }
        fill(sequence, pipelineId, partition, eventTimeMs, 0, key, value, NO_POSITION);
        return true;
    }

    /** Blocks until every shard has processed everything published before this call. */
    public void flush()
    {
        awaitShards(ring.cursor());
    }

    /** Windows fired so far by a pipeline, over all shards. */
    public long resultCount(final String pipeline)
    {
        return sumOverShards(pipeline, (processor, id) -> processor.output(id).resultCount());
    }

    /** Events sent to the late output so far by a pipeline, over all shards. */
    public long lateCount(final String pipeline)
    {
        return sumOverShards(pipeline, (processor, id) -> processor.output(id).lateCount());
    }

    /**
     * Events no window takes: with a sliding window whose slide exceeds its size, events between windows
     * that are not late. Flink ignores them silently; Sluice counts them.
     */
    public long outsideWindowsCount(final String pipeline)
    {
        return sumOverShards(pipeline, (processor, id) -> processor.output(id).outsideWindowsCount());
    }

    /** Exceptions thrown by result or late listeners (reported to the error handler, then skipped). */
    public long listenerErrorCount()
    {
        return errorCount.get();
    }

    /**
     * The input journal index of the last input a shard has finished processing (-1 before any, or without
     * storage): every output it produced for inputs up to there is in its output journal. Sinks reading the
     * output journals merge shards safely up to the minimum of this over the shards.
     */
    public long shardProgress(final int shard)
    {
        return processors[shard].processedInputIndex();
    }

    // Monitoring reads: what a status page or metrics scrape asks while the engine runs. They read the
    // engine threads' fields without stopping them, so a value may be a moment old; never torn, never unsafe.

    /** Events published to the pipeline and stamped by the sequencer so far (this run, recovery included). */
    public long eventsStamped(final String pipeline)
    {
        return sequencerAgent.eventsStamped(pipelineId(pipeline));
    }

    /** The pipeline's current watermark as the sequencer computed it; Long.MIN_VALUE before any event. */
    public long watermarkMs(final String pipeline)
    {
        return sequencerAgent.tracker(pipelineId(pipeline)).watermarkMs();
    }

    /** The pipeline's source partitions seen so far, with their own watermarks and idleness. */
    public void forEachPartition(final String pipeline, final io.sluice.time.WatermarkTracker.PartitionVisitor visitor)
    {
        sequencerAgent.tracker(pipelineId(pipeline)).forEachPartition(visitor);
    }

    /** Live (key, window) entries of the pipeline over all shards: slices for sliding windows, sessions for session windows. */
    public long activeWindows(final String pipeline)
    {
        return sumOverShards(pipeline, (processor, id) -> processor.operator(id).liveEntries());
    }

    /** Event-time timers pending for the pipeline over all shards. */
    public long pendingTimers(final String pipeline)
    {
        return sumOverShards(pipeline, (processor, id) -> processor.operator(id).pendingTimers());
    }

    /** Distinct text keys the shards have interned (long keys need no interning and are not counted). */
    public long internedKeys()
    {
        long total = 0;
        for (final ShardProcessor processor : processors)
        {
            total += processor.internedKeys();
        }
        return total;
    }

    /** Slots accepted but not yet processed by every shard: how full the ring is (backpressure when it reaches ringSize). */
    public long ringBacklog()
    {
        return Math.max(0, ring.cursor() - minShardSequence());
    }

    public int ringSize()
    {
        return ring.size();
    }

    /** How the engine's stages run on threads: as the builder was told, else as chosen for the machine's cores. */
    public ThreadingMode threadingMode()
    {
        return threadingMode;
    }

    /**
     * The key's live windows in the pipeline (not yet past their lateness), oldest first, with their
     * aggregates so far. The question travels through the ring to the shard that owns the key, which answers
     * between two of its events; so it waits behind the events already accepted. For status pages, not for
     * the hot path: a tumbling pipeline answers by scanning the shard's table.
     */
    public List<WindowState> liveWindows(final String pipeline, final CharSequence key) throws InterruptedException
    {
        checkKey(key);
        return liveWindows(pipelineId(pipeline), 0, key, "key '" + key + "' of " + pipeline);
    }

    /** As {@link #liveWindows(String, CharSequence)} for a long key. */
    public List<WindowState> liveWindows(final String pipeline, final long key) throws InterruptedException
    {
        return liveWindows(pipelineId(pipeline), key, null, "key " + key + " of " + pipeline);
    }

    private List<WindowState> liveWindows(
        final int pipelineId, final long keyLong, final CharSequence keyText, final String what) throws InterruptedException
    {
        if (closed || !threadsStarted)
        {
            throw new IllegalStateException("Sluice is " + (closed ? "closed" : "not started") + ": no shard to ask about " + what);
        }
        final KeyQuery query = new KeyQuery();
        final long sequence = claimBlocking(false);
        IngressSlot.writeQuery(ring, sequence, pipelineId, keyLong, keyText, query);
        ring.publish(sequence);
        return query.await(10_000, what);
    }

    /** The last checkpoint made durable in this run, periodic or asked for; null without storage or before one. */
    public CheckpointInfo lastCheckpoint()
    {
        return checkpoints == null ? null : checkpoints.lastCompleted();
    }

    /** Checkpoints made durable in this run. */
    public long checkpointCount()
    {
        return checkpoints == null ? 0 : checkpoints.completedCount();
    }

    /** The input journal index of the last input journaled; -1 without storage or before any. */
    public long journalIndex()
    {
        return sequencerAgent.lastJournalIndex();
    }

    public int shardCount()
    {
        return processors.length;
    }

    public List<String> pipelines()
    {
        return List.of(pipelineNames);
    }

    /**
     * Ends the input: drains, fires every open window (watermark +∞), stops the engine threads and frees
     * state. With storage, the end of input is journaled: the directory holds a finished run.
     */
    public void close()
    {
        shutDown(true);
    }

    /**
     * Stops without ending the input, as a service stops: drains what was accepted (with storage, it is all
     * journaled), fires nothing more, stops the threads and frees state. A later {@code start()} on the same
     * storage resumes where this left off, open windows included; without storage they are lost.
     */
    public void stop()
    {
        shutDown(false);
    }

    private void shutDown(final boolean endOfInput)
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (checkpoints != null)
        {
            checkpoints.close(); // finishes one in progress: its barrier is already ahead of end of input
        }
        if (failure.cause() == null && threadsStarted && endOfInputIndex == MessageLog.NO_INDEX)
        {
            if (endOfInput)
            {
                final long sequence = claimBlocking(true);
                IngressSlot.writeEndOfInput(ring, sequence);
                ring.publish(sequence);
                awaitShards(sequence);
            }
            else
            {
                awaitShards(ring.cursor());
            }
        }
        if (threadsStarted)
        {
            for (final AgentRunner runner : runners)
            {
                runner.close();
            }
        }
        for (final ShardProcessor processor : processors)
        {
            processor.close();
        }
        if (storage != null)
        {
            storage.close();
        }
    }

    ShardProcessor processor(final int shard)
    {
        return processors[shard];
    }

    /** For tests that run the duty cycles by hand on an engine built without threads. */
    SequencerAgent sequencerAgent()
    {
        return sequencerAgent;
    }

    ShardAgent shardAgent(final int shard)
    {
        return shardAgents[shard];
    }

    /** The engine's threads, once started: for allocation accounting. */
    Thread[] engineThreads()
    {
        final Thread[] threads = new Thread[runners.length];
        for (int r = 0; r < runners.length; r++)
        {
            threads[r] = runners[r].thread();
        }
        return threads;
    }

    private AgentRunner[] newRunners(final Builder builder, final ErrorHandler agentErrors)
    {
        final Agent[] stages = new Agent[1 + shardAgents.length];
        stages[0] = sequencerAgent;
        System.arraycopy(shardAgents, 0, stages, 1, shardAgents.length);
        return threadingMode.runners(stages, builder.waitStrategy::newIdleStrategy, agentErrors);
    }

    Sluice startThreads()
    {
        threadsStarted = true;
        for (final AgentRunner runner : runners)
        {
            AgentRunner.startOnThread(runner);
        }
        if (checkpoints != null && endOfInputIndex == MessageLog.NO_INDEX)
        {
            checkpoints.start(this::publishBarrier);
        }
        return this;
    }

    /** What {@link #resumePosition} returns for a source that has no journaled input yet. */
    public static final long NO_POSITION = -1;

        /**
     * The largest source position journaled with any of the pipeline's partitions, or {@link #NO_POSITION}: for
     * a source with one position space across partitions (a file's byte offset), where it resumes.
     */
    public long resumePosition(final String pipeline)
    {
        final int id = pipelineId(pipeline);
        final long[] largest = {NO_POSITION};
        resumePositions.forEach((source, position) ->
        {
            if (source >>> 32 == id && position > largest[0])
            {
                largest[0] = position;
            }
        });
        return largest[0];
    }

/**
     * Where a source resumes after a restart: the position journaled with the last accepted input of that
     * pipeline and partition (the publisher's {@code sourcePosition}), or {@link #NO_POSITION}. Reading on
     * from there neither re-reads nor skips anything.
     */
    public long resumePosition(final String pipeline, final int partition)
    {
        return resumePositions.getOrDefault(SequencerAgent.sourceKey(pipelineId(pipeline), partition), NO_POSITION);
    }

    /** How many journal records recovery replayed when this engine started (0 without storage). */
    public long recoveredRecords()
    {
        return recoveredRecords;
    }

    private OutputJournal[] openOutputJournals(final Builder builder)
    {
        final OutputJournal[] journals = new OutputJournal[builder.shards];
        if (storage == null)
        {
            return journals;
        }
        final int recorded = storage.shardCount(builder.shards);
        if (recorded != builder.shards)
        {
            throw new IllegalArgumentException("storage " + storage.describe() + " was written by " + recorded +
                " shards; recovery replays into the same shards: start with shards(" + recorded + ")");
        }
        for (int s = 0; s < builder.shards; s++)
        {
            final MessageLog log = storage.outputLog(s);
            journals[s] = new OutputJournal(log, OutputJournal.lastSequence(log), builder.maxKeyLength);
        }
        return journals;
    }

    /**
     * Takes a checkpoint now and returns once it is durable: every shard's state, the watermarks and the
     * source positions as of the last input accepted before this call. Needs storage.
     */
    public CheckpointInfo checkpoint()
    {
        if (checkpoints == null)
        {
            throw new IllegalStateException("checkpoints need storage: Sluice.builder().storage(...)");
        }
        if (!threadsStarted || closed)
        {
            throw new IllegalStateException("checkpoint() needs a running engine");
        }
        return checkpoints.checkpoint();
    }

    /** The checkpoint recovery started from, or -1 (none: the whole journal was replayed). */
    public long restoredCheckpointId()
    {
        return restoredCheckpointId;
    }

    private void warnOfRecovery(final String warning)
    {
        recoveryWarnings.add(warning);
        System.getLogger("io.sluice").log(System.Logger.Level.WARNING, warning);
    }

    /**
     * What recovery skipped or repaired and why (damaged or partial checkpoints, journal files a crash left
     * half-created), also logged as warnings.
     */
    public List<String> recoveryWarnings()
    {
        return List.copyOf(recoveryWarnings);
    }

    private void publishBarrier(final long checkpointId)
    {
        final long sequence = claimBlocking(true);
        IngressSlot.writeCheckpoint(ring, sequence, checkpointId);
        ring.publish(sequence);
    }

    /**
     * Rebuilds every shard's state before any thread starts: restores the newest checkpoint that verifies
     * (skipping damaged or partial ones, with a warning naming each), then replays the input journal after
     * its index through the same stamping and the same shard code. Outputs the output journals already
     * hold are suppressed; those lost in the crash are journaled and delivered now.
     */
    private void recover(
        final InputJournal journal,
        final OutputJournal[] outputJournals,
        final String configuration,
        final RingPoller sequencerPoller,
        final Builder builder,
        final ErrorHandler agentErrors)
    {
        storage.openingWarnings().forEach(this::warnOfRecovery); // the output journals are open by now: all are in
        final CheckpointStore.Stored checkpoint = loadCheckpoint();
        long startAfter = MessageLog.NO_INDEX;
        if (checkpoint != null)
        {
            if (checkpoint.shards() != processors.length || !checkpoint.configuration().equals(configuration))
            {
                throw new IllegalStateException("checkpoint " + checkpoint.name() + " was written by another configuration; " +
                    "recovery needs the same shards and pipelines.\n  checkpoint: " + checkpoint.configuration() +
                    "\n  this engine: " + configuration);
            }
            final CheckpointStore.Part sequencerPart = checkpoint.part(CheckpointCoordinator.SEQUENCER_PART);
            sequencerAgent.restoreFrom(new StateReader(
                sequencerPart.buffer(), sequencerPart.offset(), sequencerPart.length(), checkpoint.name() + "/" + CheckpointCoordinator.SEQUENCER_PART));
            for (int s = 0; s < processors.length; s++)
            {
                final CheckpointStore.Part part = checkpoint.part(CheckpointCoordinator.shardPartName(s));
                processors[s].restoreFrom(new StateReader(part.buffer(), part.offset(), part.length(), checkpoint.name() + "/" + part.name()));
            }
            startAfter = checkpoint.journalIndex();
            restoredCheckpointId = checkpoint.id();
        }

        final long retainedFrom = storage.inputRetainedFrom();
        if (retainedFrom != MessageLog.NO_INDEX && (startAfter == MessageLog.NO_INDEX || startAfter < retainedFrom))
        {
            throw new IllegalStateException("storage " + storage.describe() + ": retention deleted the input journal before index " +
                retainedFrom + ", and " + (checkpoint == null ? "no checkpoint verifies" : "the newest checkpoint that verifies (" +
                checkpoint.name() + ") stands at " + startAfter) + ", so recovery would replay a journal with a hole at its head. " +
                "Refusing to start: restore a checkpoint or the directory from a copy.");
        }
        try (MessageLog.Reader reader = journal.log().reader())
        {
            if (startAfter != MessageLog.NO_INDEX)
            {
                final long[] first = {MessageLog.NO_INDEX};
                if (!reader.seek(startAfter) || !reader.next((index, buffer, offset, length) -> first[0] = index) ||
                    first[0] != startAfter)
                {
                    throw new IllegalStateException("storage " + storage.describe() + ": checkpoint " + checkpoint.name() +
                        " stands at input journal index " + startAfter + ", which the journal no longer holds. Refusing to start.");
                }
            }
            final RecoveryReplay replay = new RecoveryReplay(ring, sequencerPoller, sequencerAgent, journal, reader, shardAgents,
                threadingMode, builder.waitStrategy::newIdleStrategy, failure, agentErrors);
            try (replay)
            {
                while (reader.next(replay))
                {
                    // each record goes through the ring to the shards
                }
            }
            recoveredRecords = replay.records();
            endOfInputIndex = replay.endOfInputIndex();
        }
        for (final ShardProcessor processor : processors)
        {
            processor.onBatchEnd(); // publishes the restored progress even when there was nothing to replay
        }
        sequencerAgent.forEachSourcePosition(resumePositions::put);
        for (int s = 0; s < outputJournals.length; s++)
        {
            final long produced = outputSequences[s].peek();
            if (produced <= outputJournals[s].journaledThrough())
            {
                throw new IllegalStateException("storage " + storage.describe() + ": the output journal of shard " + s +
                    " holds sequence " + outputJournals[s].journaledThrough() + " but recovery (checkpoint " + restoredCheckpointId +
                    ", then " + recoveredRecords + " journal records) produces only " + produced + " outputs; the journals " +
                    "do not belong together or input records were lost. Refusing to start.");
            }
        }
    }

    private CheckpointStore.Stored loadCheckpoint()
    {
        try
        {
            return storage.checkpoints().loadNewest(this::warnOfRecovery);
        }
        catch (final java.io.IOException e)
        {
            throw new java.io.UncheckedIOException("cannot read checkpoints of " + storage.describe() + ": " + e.getMessage(), e);
        }
    }

    /** What a checkpoint must agree with to be restored into this engine. */
    private static String describeConfiguration(final int shards, final List<PipelineBuilder> pipelines)
    {
        final StringBuilder text = new StringBuilder("shards=").append(shards);
        for (final PipelineBuilder pipeline : pipelines)
        {
            text.append("; ").append(pipeline.name()).append(": ").append(pipeline.window())
                .append(", lateness ").append(pipeline.allowedLatenessMs()).append(" ms, ").append(pipeline.watermarks())
                .append(", aggregates ").append(java.util.Arrays.toString(pipeline.aggregates()));
        }
        return text.toString().replace('\n', ' ');
    }

    /** What one shard counts for one pipeline (its output's counters, its operator's state). */
    private interface ShardCount
    {
        long of(ShardProcessor processor, int pipelineId);
    }

    private long sumOverShards(final String pipeline, final ShardCount count)
    {
        final int id = pipelineId(pipeline);
        long total = 0;
        for (final ShardProcessor processor : processors)
        {
            total += count.of(processor, id);
        }
        return total;
    }

    private void checkEvent(final int pipelineId, final int partition, final long eventTimeMs)
    {
        if (closed)
        {
            throw new IllegalStateException("Sluice is closed: publish before close()");
        }
        if (endOfInputIndex != MessageLog.NO_INDEX)
        {
            throw new IllegalStateException("storage " + storage.describe() + " holds a finished run (close() ended its " +
                "input at journal index " + endOfInputIndex + "); new input needs a new storage directory");
        }
        if (pipelineId < 0 || pipelineId >= pipelineNames.length)
        {
            throw new IllegalArgumentException("pipelineId must be in [0, " + pipelineNames.length + "): " + pipelineId);
        }
        if (partition < 0 || partition >= WatermarkTracker.MAX_PARTITIONS)
        {
            throw new IllegalArgumentException("partition must be in [0, " + WatermarkTracker.MAX_PARTITIONS + "): " + partition);
        }
        EventTimes.checkEventTime(eventTimeMs);
    }

    private void checkKey(final CharSequence key)
    {
        if (key == null)
        {
            throw new IllegalArgumentException("key must not be null");
        }
        final int length = key.length();
        if (length == 0)
        {
            throw new IllegalArgumentException("key must not be empty");
        }
        if (length > maxKeyLength)
        {
            throw new IllegalArgumentException("key length " + length + " exceeds maxKeyLength " + maxKeyLength +
                "; raise it with Sluice.builder().maxKeyLength(n)");
        }
        // Keys are journaled as UTF-8, which cannot carry a lone surrogate: replay would see another key.
        for (int i = 0; i < length; i++)
        {
            final char c = key.charAt(i);
            if (Character.isSurrogate(c))
            {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(key.charAt(i + 1)))
                {
                    i++;
                }
                else
                {
                    throw new IllegalArgumentException("key has an unpaired surrogate at index " + i +
                        "; keys must be well-formed UTF-16 text");
                }
            }
        }
    }

    /**
     * Waits for a free slot: the ring is the only buffer. Spins briefly, then yields, then parks.
     *
     * @param closing true for the end-of-input slot of {@link #close()}, which is claimed after closed is set.
     */
    private long claimBlocking(final boolean closing)
    {
        int attempts = 0;
        while (true)
        {
            try
            {
                return ring.tryNext();
            }
            catch (final InsufficientCapacityException full)
            {
                failure.throwIfFailed();
                if (closed && !closing)
                {
                    throw new IllegalStateException("Sluice closed while publishing");
                }
                attempts++;
                if (attempts < 100)
                {
                    Thread.onSpinWait();
                }
                else if (attempts < 200)
                {
                    Thread.yield();
                }
                else
                {
                    LockSupport.parkNanos(50_000);
                }
            }
        }
    }

    private long tryClaim()
    {
        failure.throwIfFailed();
        try
        {
            return ring.tryNext();
        }
        catch (final InsufficientCapacityException full)
        {
            return -1;
        }
    }

    private void fill(
        final long sequence,
        final int pipelineId,
        final int partition,
        final long eventTimeMs,
        final long keyLong,
        final CharSequence keyText,
        final long value,
        final long sourcePosition)
    {
        IngressSlot.writeEvent(ring, sequence, pipelineId, partition, eventTimeMs, keyLong, keyText, value, sourcePosition);
        ring.publish(sequence);
    }

    private void awaitShards(final long sequence)
    {
        while (minShardSequence() < sequence)
        {
            final Throwable cause = failure.cause();
            if (cause != null)
            {
                throw new IllegalStateException("Sluice engine failed: " + cause, cause);
            }
            LockSupport.parkNanos(20_000);
        }
    }

    private long minShardSequence()
    {
        long min = Long.MAX_VALUE;
        for (final Sequence sequence : shardSequences)
        {
            min = Math.min(min, sequence.get());
        }
        return min;
    }

    private static ShardProcessor newShardProcessor(
        final int shard,
        final List<PipelineBuilder> pipelines,
        final Builder builder,
        final ErrorHandler listenerErrors,
        final OutputSequence outputSequence,
        final OutputJournal outputJournal,
        final CheckpointCoordinator checkpoints)
    {
        final KeyDictionary dictionary = new KeyDictionary(builder.expectedKeysPerShard);
        final WindowOperator[] operators = new WindowOperator[pipelines.size()];
        final Output[] outputs = new Output[pipelines.size()];
        for (int p = 0; p < pipelines.size(); p++)
        {
            final PipelineBuilder pipeline = pipelines.get(p);
            outputs[p] = new Output(
                pipeline.name(), p, shard, outputSequence, dictionary, new AccumulatorLayout(pipeline.aggregates()),
                pipeline.resultListener(), pipeline.lateListener(), listenerErrors, outputJournal);
            operators[p] = newOperator(pipeline, outputs[p], builder.expectedKeysPerShard);
        }
        return new ShardProcessor(shard, dictionary, operators, outputs, outputSequence, checkpoints, outputJournal);
    }

    static WindowOperator newOperator(final PipelineBuilder pipeline, final Output output, final int expectedKeys)
    {
        return WindowOperators.create(
            pipeline.window(), pipeline.allowedLatenessMs(), output, expectedKeys, pipeline.watermarks().outOfOrdernessMs());
    }

    /** Fluent engine configuration; {@link #start()} validates it and starts the threads. */
    public static final class Builder
    {
        public static final int DEFAULT_RING_SIZE_IN_MEMORY = 1 << 14;
        public static final int DEFAULT_RING_SIZE_JOURNALED = 1 << 16;
        /** The longest text key {@link #maxKeyLength} allows: a ring slot keeps a key's length in 16 bits. */
        public static final int MAX_KEY_LENGTH = IngressSlot.MAX_KEY_LENGTH;

        private int shards = 1;
        /** 0 until set: the default then depends on the storage ({@link #ringSize(int)}). */
        private int ringSize;
        private int maxKeyLength = 128;
        private int expectedKeysPerShard = 1024;
        private WaitStrategy waitStrategy = WaitStrategy.BACKOFF;
        /** null until set: the default then depends on the shards and the machine's cores ({@link #threadingMode()}). */
        private ThreadingMode threadingMode;
        private ErrorHandler errorHandler = Throwable::printStackTrace;
        // Epoch-based, not System.nanoTime(): journaled with each input, it must stay meaningful across
        // restarts. Offset from System.nanoTime() rather than read from Instant.now(), which allocates an
        // Instant per call wherever the JIT has not (yet) removed it: the sequencer reads the clock on
        // every duty cycle, busy or idle (seen as ~1 MB per 300 000 events on a loaded machine).
        private NanoClock nanoClock = new OffsetEpochNanoClock()::nanoTime;
        private java.util.function.LongConsumer latencySampler;
        private JournaledListener journaledListener;
        private Storage storage;
        private long checkpointIntervalNs = 10_000_000_000L;
        private int checkpointsToKeep = 3;
        private final Map<String, PipelineBuilder> pipelines = new LinkedHashMap<>();

        private Builder()
        {
        }

        /** Shard threads; each owns the keys whose hash maps to it. */
        public Builder shards(final int shards)
        {
            if (shards < 1 || shards > 256)
            {
                throw new IllegalArgumentException("shards must be in [1, 256]: " + shards);
            }
            this.shards = shards;
            return this;
        }

        /**
         * Ingress ring capacity in events: the only buffer, hence the backpressure bound. A power of two.
         *
         * <p>Default: {@value #DEFAULT_RING_SIZE_IN_MEMORY} slots without storage, {@value #DEFAULT_RING_SIZE_JOURNALED}
         * with. Every event passes through a slot, so a large ring streams through the shard's cache and
         * pushes its window state out: in memory, when a slot was a 120-byte object, 16 K slots took 15%
         * less CPU per event than 64 K; with slots of one 64-byte line the two ran alike. Journaled, the ring
         * also absorbs the journal writer's stalls on fresh pages, and 64 K did better (README, "Benchmarks").
         */
        public Builder ringSize(final int ringSize)
        {
            if (ringSize < 2 || Integer.bitCount(ringSize) != 1 || ringSize > IngressRing.MAX_SIZE)
            {
                throw new IllegalArgumentException("ringSize must be a power of two in [2, 2^24]: " + ringSize);
            }
            this.ringSize = ringSize;
            return this;
        }

        /** Longest text key in chars; every ring slot reserves this many chars. */
        public Builder maxKeyLength(final int maxKeyLength)
        {
            if (maxKeyLength < 1 || maxKeyLength > MAX_KEY_LENGTH)
            {
                throw new IllegalArgumentException("maxKeyLength must be in [1, " + MAX_KEY_LENGTH + "]: " + maxKeyLength);
            }
            this.maxKeyLength = maxKeyLength;
            return this;
        }

        /** Initial state sizing per shard; tables grow beyond it (allocating only while they grow). */
        public Builder expectedKeysPerShard(final int expectedKeys)
        {
            if (expectedKeys < 1 || expectedKeys > (1 << 24))
            {
                throw new IllegalArgumentException("expectedKeysPerShard must be in [1, 2^24]: " + expectedKeys);
            }
            this.expectedKeysPerShard = expectedKeys;
            return this;
        }

        public Builder waitStrategy(final WaitStrategy waitStrategy)
        {
            if (waitStrategy == null)
            {
                throw new IllegalArgumentException("waitStrategy must not be null");
            }
            this.waitStrategy = waitStrategy;
            return this;
        }

        /**
         * Default: {@link ThreadingMode#forCores} for the shards and the cores the JVM may use, so dedicated
         * threads only where each engine thread and a publisher can have a core.
         */
        public Builder threadingMode(final ThreadingMode threadingMode)
        {
            if (threadingMode == null)
            {
                throw new IllegalArgumentException("threadingMode must not be null");
            }
            this.threadingMode = threadingMode;
            return this;
        }

        /** Receives exceptions thrown by listeners (then skipped) and engine failures (then fatal). */
        public Builder errorHandler(final ErrorHandler errorHandler)
        {
            if (errorHandler == null)
            {
                throw new IllegalArgumentException("errorHandler must not be null");
            }
            this.errorHandler = errorHandler;
            return this;
        }

        public Builder pipeline(final String name, final Consumer<PipelineBuilder> configure)
        {
            if (name == null || name.isBlank())
            {
                throw new IllegalArgumentException("pipeline name must not be empty");
            }
            if (pipelines.containsKey(name))
            {
                throw new IllegalArgumentException("duplicate pipeline name '" + name + "'");
            }
            if (pipelines.size() == 65_535)
            {
                throw new IllegalArgumentException("at most 65535 pipelines");
            }
            final PipelineBuilder pipeline = new PipelineBuilder(name);
            configure.accept(pipeline);
            pipeline.conclude();
            pipelines.put(name, pipeline);
            return this;
        }

        /**
         * Journals every input and output there, and on start recovers from what it holds: replays the input
         * journal, suppresses outputs already journaled, and tells sources where to resume
         * ({@link Sluice#resumePosition}). The engine closes the storage when it closes, or when it refuses to start.
         */
        public Builder storage(final Storage storage)
        {
            this.storage = Objects.requireNonNull(storage, "storage");
            return this;
        }

        /**
         * How often a checkpoint is taken with storage (default 10 s); {@link Duration#ZERO} takes them only
         * on demand ({@link Sluice#checkpoint()}). Recovery replays the journal written since the last one.
         */
        public Builder checkpointInterval(final Duration interval)
        {
            if (interval == null || interval.isNegative())
            {
                throw new IllegalArgumentException("checkpointInterval must be >= 0: " + interval);
            }
            this.checkpointIntervalNs = interval.toNanos();
            return this;
        }

        /** Complete checkpoints kept on disk (default 3): older ones are deleted once a newer one is durable. */
        public Builder checkpointsToKeep(final int keep)
        {
            if (keep < 1)
            {
                throw new IllegalArgumentException("checkpointsToKeep must be >= 1: " + keep);
            }
            this.checkpointsToKeep = keep;
            return this;
        }

        /**
         * Receives, on shard threads, the processing latency of one event in 1024: nanoseconds from the sequencer
         * stamping it to its shard having windowed it. For metrics; it must not block or allocate.
         */
        public Builder latencySampler(final java.util.function.LongConsumer sampler)
        {
            this.latencySampler = sampler;
            return this;
        }

        /**
         * Receives each published event once the input journal holds it (see {@link JournaledListener}), for
         * sources that acknowledge upstream. Needs {@link #storage(Storage)}: without a journal nothing is
         * ever journaled.
         */
        public Builder onJournaled(final JournaledListener listener)
        {
            this.journaledListener = listener;
            return this;
        }

        /** The processing-time clock for partition idleness; tests drive it by hand. */
        Builder nanoClock(final NanoClock nanoClock)
        {
            this.nanoClock = nanoClock;
            return this;
        }

        /** Builds the engine without starting its threads: for tests that drive shards by hand. */
        Sluice build()
        {
            if (pipelines.isEmpty())
            {
                throw new IllegalArgumentException("no pipelines: add one with pipeline(name, p -> ...)");
            }
            if (journaledListener != null && storage == null)
            {
                throw new IllegalArgumentException(
                    "onJournaled(...) is set but there is no journal: add storage(JournalStorage.open(directory))");
            }
            try
            {
                return new Sluice(this);
            }
            catch (final RuntimeException | Error refused)
            {
                // The engine owns its storage from here: a refused start lets go of the directory (its lock,
                // its page toucher) so that the caller can put it right and start again in the same process.
                if (storage != null)
                {
                    try
                    {
                        storage.close();
                    }
                    catch (final RuntimeException closing)
                    {
                        refused.addSuppressed(closing);
                    }
                }
                throw refused;
            }
        }

        public Sluice start()
        {
            return build().startThreads();
        }

        /** The mode the engine runs in: the one given, else the one for the shards and the machine's cores. */
        ThreadingMode threadingMode()
        {
            if (threadingMode != null)
            {
                return threadingMode;
            }
            return ThreadingMode.forCores(shards, Runtime.getRuntime().availableProcessors());
        }

        /** The size the ring is built with: the one given, else the default for the storage. */
        int ringSize()
        {
            if (ringSize != 0)
            {
                return ringSize;
            }
            return storage == null ? DEFAULT_RING_SIZE_IN_MEMORY : DEFAULT_RING_SIZE_JOURNALED;
        }
    }
}
