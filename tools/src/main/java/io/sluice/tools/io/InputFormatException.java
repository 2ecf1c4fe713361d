package io.sluice.tools.io;

/**
 * An input the run cannot read at all (a missing or wrong header, an unreadable file), as opposed to a
 * malformed line, which goes to the dead letters. The message names the source and the fix.
 */
public final class InputFormatException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public InputFormatException(final String message)
    {
        super(message);
    }
}
