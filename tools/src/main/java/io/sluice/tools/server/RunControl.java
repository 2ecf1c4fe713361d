package io.sluice.tools.server;

import io.sluice.Sluice;

import java.util.List;

/** What the server sees of, and may do to, the run it serves. */
public interface RunControl
{
    /** Where a run is in its life. */
    enum State
    {
        STARTING, RUNNING, PAUSED, FINISHED, STOPPED, FAILED
    }

    String appName();

    List<String> windows();

    State state();

    /** The engine once started, else null. */
    Sluice engine();

    long eventsRead();

    long deadLetters();

    long startedAtMs();

    boolean journaled();

    /** Stops taking input, keeping the engine and its windows as they are. @return false if the run is over. */
    boolean pause();

    /** Takes input again after {@link #pause()}. @return false if the run is over. */
    boolean resume();
}
