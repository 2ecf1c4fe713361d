package io.sluice.tools.sink;

/**
 * One output as the sinks format it, filled from a listener's flyweight or from an output journal record:
 * a window result, or (when {@link #late}) a late event. Reused for every output.
 */
final class OutputRow
{
    boolean late;
    int pipelineId;
    long windowStartMs;
    long windowEndMs;
    final StringBuilder key = new StringBuilder(64);
    long count;
    long sum;
    long min;
    long max;
    int firing;
    long eventTimeMs;
    long value;
    int partition;
    long watermarkMs;
}
