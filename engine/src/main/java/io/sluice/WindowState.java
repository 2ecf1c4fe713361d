package io.sluice;

/** One live window of one key, as a status query saw it: bounds and the built-in aggregates. */
public record WindowState(String pipeline, long startMs, long endMs, long count, long sum, long min, long max)
{
}
