package io.sluice.journal;

/**
 * How long the input journal keeps its files.
 *
 * <ul>
 *   <li>{@link #KEEP_ALL} (default): every record forever, for audits and what-if replays of any period;
 *       disk use grows with input.</li>
 *   <li>{@link #SINCE_OLDEST_CHECKPOINT}: after each checkpoint, the files of roll cycles wholly before the
 *       oldest checkpoint kept are deleted. Recovery needs nothing older, but a replay from the journal's
 *       start is no longer possible, and if every kept checkpoint turned out damaged the engine would refuse
 *       to start rather than replay a journal with a hole at its head.</li>
 * </ul>
 */
public enum InputRetention
{
    KEEP_ALL, SINCE_OLDEST_CHECKPOINT
}
