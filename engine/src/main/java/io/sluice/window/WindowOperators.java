package io.sluice.window;

import io.sluice.WindowSpec;

/** Picks the operator for a window kind. */
public final class WindowOperators
{
    private WindowOperators()
    {
    }

    public static WindowOperator create(
        final WindowSpec window, final long allowedLatenessMs, final Output output, final int expectedKeys)
    {
        if (window.type() == WindowSpec.Type.SESSION)
        {
            return new SessionWindowOperator(window, allowedLatenessMs, output, expectedKeys);
        }
        if (window.sizeMs() == window.slideMs())
        {
            return new TumblingWindowOperator(window, allowedLatenessMs, output, expectedKeys);
        }
        return new SlidingWindowOperator(window, allowedLatenessMs, output, expectedKeys);
    }
}
