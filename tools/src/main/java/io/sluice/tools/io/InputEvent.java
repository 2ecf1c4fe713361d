package io.sluice.tools.io;

/**
 * One parsed input line, reused for every line: the key's characters live in a reused array, readable as
 * a {@link CharSequence} without a String per event.
 */
public final class InputEvent implements CharSequence
{
    public long eventTimeMs;
    public long value;
    public int partition;
    /** 1-based line number in the source. */
    public long lineNumber;
    /** Byte offset just after the line: where the source resumes once this event is journaled. */
    public long endPosition;

    private char[] keyChars = new char[64];
    private int keyLength;

    /** The key, valid until the next line is parsed. */
    public CharSequence key()
    {
        return this;
    }

    void clearKey()
    {
        keyLength = 0;
    }

    void appendKey(final char c)
    {
        if (keyLength == keyChars.length)
        {
            keyChars = java.util.Arrays.copyOf(keyChars, keyLength * 2);
        }
        keyChars[keyLength++] = c;
    }

    public int length()
    {
        return keyLength;
    }

    public char charAt(final int index)
    {
        return keyChars[index];
    }

    public CharSequence subSequence(final int start, final int end)
    {
        return new String(keyChars, start, end - start);
    }

    public String toString()
    {
        return new String(keyChars, 0, keyLength);
    }
}
