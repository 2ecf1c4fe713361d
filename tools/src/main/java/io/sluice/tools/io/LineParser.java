package io.sluice.tools.io;

/** Turns one line of bytes into an {@link InputEvent}, or says why it cannot. */
interface LineParser
{
    /** @return null when the event was filled in, else the reason the line is malformed. */
    String parse(byte[] bytes, int offset, int length, InputEvent into);

    /** Consumed the line as a header (CSV's first line); false for formats without one. */
    default boolean isHeader()
    {
        return false;
    }
}
