package io.sluice.window;

import io.sluice.WindowSpec;

/** Picks the operator for a window kind. */
public final class WindowOperators
{
    private WindowOperators()
    {
    }

    /**
     * @param watermarkBoundMs the pipeline's watermark bound (out-of-orderness), which sizes what a sliding
     *                         window keeps ahead of the watermark; 0 when the watermark follows the newest event.
     */
    public static WindowOperator create(
        final WindowSpec window, final long allowedLatenessMs, final Output output, final int expectedKeys,
        final long watermarkBoundMs)
    {
        if (window.type() == WindowSpec.Type.SESSION)
        {
            return new SessionWindowOperator(window, allowedLatenessMs, output, expectedKeys);
        }
        if (window.sizeMs() == window.slideMs())
        {
            return new TumblingWindowOperator(window, allowedLatenessMs, output, expectedKeys);
        }
        return new SlidingWindowOperator(window, allowedLatenessMs, output, expectedKeys, watermarkBoundMs);
    }
}
