package io.sluice.record;

/** A reusable view of a range of a char array as a CharSequence: no copy, no allocation per wrap. */
public final class CharArraySequence implements CharSequence
{
    private char[] chars;
    private int offset;
    private int length;

    public CharArraySequence wrap(final char[] chars, final int offset, final int length)
    {
        this.chars = chars;
        this.offset = offset;
        this.length = length;
        return this;
    }

    public int length()
    {
        return length;
    }

    public char charAt(final int index)
    {
        if (index < 0 || index >= length)
        {
            throw new IndexOutOfBoundsException("index " + index + " of " + length);
        }
        return chars[offset + index];
    }

    public CharSequence subSequence(final int start, final int end)
    {
        return toString().subSequence(start, end);
    }

    public String toString()
    {
        return new String(chars, offset, length);
    }
}
