package io.sluice.window;

import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;

/**
 * The windowing logic for one pipeline within one shard. Driven by one thread: elements for the
 * shard's keys, each judged against the watermark as it stood before it, and watermark advances,
 * which fire and clean up windows.
 */
public interface WindowOperator extends AutoCloseable
{
    /**
     * @param watermarkMs the pipeline watermark before this element (Flink judges lateness against it).
     */
    void onElement(int keyTag, long keyId, long eventTimeMs, long value, int partition, long watermarkMs);

    /** Fires and frees everything due at a watermark that has just advanced to {@code watermarkMs}. */
    void onWatermark(long watermarkMs);

    /** Live state entries (slices or sessions), for metrics and tests. */
    int liveEntries();

    int pendingTimers();

    /** One live window of a key, as {@link #visitWindows} reports it. */
    @FunctionalInterface
    interface WindowVisitor
    {
        /** The accumulator is valid during the call only; read it with the pipeline's {@link AccumulatorLayout}. */
        void visit(long startMs, long endMs, org.agrona.DirectBuffer accumulator, int offset);
    }

    /**
     * Reports the key's live windows (not yet past their lateness), oldest first: what a status query asks.
     * Runs on the shard thread, between elements; it may scan state and allocate, so it is not for the hot path.
     */
    void visitWindows(int keyTag, long keyId, long watermarkMs, WindowVisitor visitor);

    /** Writes the complete state (entries, timers, firing counts) for a checkpoint. */
    void saveTo(StateWriter out);

    /** Replaces the state of a freshly built operator of the same configuration with a saved one. */
    void restoreFrom(StateReader in);

    void close();
}
