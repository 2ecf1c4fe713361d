package io.sluice.window;

/** A long's decimal digits as a reusable {@link CharSequence}: renders long keys without allocating. */
final class LongText implements CharSequence
{
    private final char[] digits = new char[20];
    private int start;

    LongText wrap(final long value)
    {
        int i = digits.length;
        long v = value;
        if (v == Long.MIN_VALUE)
        {
            // |MIN_VALUE| has no positive long; peel the last digit first.
            digits[--i] = '8';
            v = -(v / 10);
            while (v != 0)
            {
                digits[--i] = (char)('0' + v % 10);
                v /= 10;
            }
            digits[--i] = '-';
        }
        else
        {
            final boolean negative = v < 0;
            if (negative)
            {
                v = -v;
            }
            do
            {
                digits[--i] = (char)('0' + v % 10);
                v /= 10;
            }
            while (v != 0);
            if (negative)
            {
                digits[--i] = '-';
            }
        }
        start = i;
        return this;
    }

    public int length()
    {
        return digits.length - start;
    }

    public char charAt(final int index)
    {
        if (index < 0 || index >= length())
        {
            throw new IndexOutOfBoundsException("index " + index + " outside length " + length());
        }
        return digits[start + index];
    }

    public CharSequence subSequence(final int from, final int to)
    {
        return toString().subSequence(from, to);
    }

    public String toString()
    {
        return new String(digits, start, length());
    }
}
