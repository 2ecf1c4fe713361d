package io.sluice;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A question for the shard that owns a key: its live windows. It travels through the ring like an event, so
 * the owning shard answers between two of its events, from its own thread: nobody else reads its state.
 */
final class KeyQuery
{
    private final List<WindowState> windows = new ArrayList<>();
    private final CountDownLatch answered = new CountDownLatch(1);

    void add(final WindowState window)
    {
        windows.add(window);
    }

    /** Called by the owning shard once it has added every window. */
    void answer()
    {
        answered.countDown();
    }

    List<WindowState> await(final long timeoutMs, final String what) throws InterruptedException
    {
        if (!answered.await(timeoutMs, TimeUnit.MILLISECONDS))
        {
            throw new IllegalStateException("no answer from the shard owning " + what + " within " + timeoutMs + " ms");
        }
        return List.copyOf(windows);
    }
}
