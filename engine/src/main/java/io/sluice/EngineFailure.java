package io.sluice;

/** The first fatal engine error, visible to every thread: once set, publishing refuses. */
final class EngineFailure
{
    private volatile Throwable cause;

    void fail(final Throwable t)
    {
        if (cause == null)
        {
            cause = t;
        }
    }

    Throwable cause()
    {
        return cause;
    }

    void throwIfFailed()
    {
        final Throwable t = cause;
        if (t != null)
        {
            throw new IllegalStateException("Sluice engine has failed and accepts no more events: " + t, t);
        }
    }
}
