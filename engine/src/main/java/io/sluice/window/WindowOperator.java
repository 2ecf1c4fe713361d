package io.sluice.window;

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

    void close();
}
