package io.sluice;

/**
 * An event-time window assigner's parameters, validated on creation. Build with {@link Windows}.
 * Windows are [start, start + size); a window's max timestamp is end - 1.
 */
public final class WindowSpec
{
    public enum Type
    {
        TUMBLING, SLIDING, SESSION
    }

    private final Type type;
    private final long sizeMs;
    private final long slideMs;
    private final long offsetMs;
    private final long gapMs;

    WindowSpec(final Type type, final long sizeMs, final long slideMs, final long offsetMs, final long gapMs)
    {
        this.type = type;
        this.sizeMs = sizeMs;
        this.slideMs = slideMs;
        this.offsetMs = offsetMs;
        this.gapMs = gapMs;
    }

    public Type type()
    {
        return type;
    }

    /** Window length for tumbling and sliding windows; 0 for sessions. */
    public long sizeMs()
    {
        return sizeMs;
    }

    /** Distance between window starts; equals size for tumbling windows, 0 for sessions. */
    public long slideMs()
    {
        return slideMs;
    }

    public long offsetMs()
    {
        return offsetMs;
    }

    /** Inactivity gap for session windows; 0 otherwise. */
    public long gapMs()
    {
        return gapMs;
    }

    public String toString()
    {
        switch (type)
        {
            case TUMBLING:
                return "tumbling(size=" + sizeMs + "ms, offset=" + offsetMs + "ms)";
            case SLIDING:
                return "sliding(size=" + sizeMs + "ms, slide=" + slideMs + "ms, offset=" + offsetMs + "ms)";
            default:
                return "session(gap=" + gapMs + "ms)";
        }
    }
}
