package io.sluice.record;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Key text to and from the journals' UTF-8 without allocating: the JDK's encoders need a String or a
 * CharBuffer per call. Unpaired surrogates, which UTF-8 cannot carry, are written as '?', as the JDK does.
 */
public final class Utf8Keys
{
    /** The most bytes one char can take (a BMP char in three bytes; a surrogate pair is four for two chars). */
    public static final int MAX_BYTES_PER_CHAR = 3;

    private Utf8Keys()
    {
    }

    /** @return the number of bytes written. */
    public static int encode(final CharSequence text, final MutableDirectBuffer buffer, final int offset)
    {
        int position = offset;
        final int length = text.length();
        for (int i = 0; i < length; i++)
        {
            final char c = text.charAt(i);
            if (c < 0x80)
            {
                buffer.putByte(position++, (byte)c);
            }
            else if (c < 0x800)
            {
                buffer.putByte(position++, (byte)(0xC0 | (c >> 6)));
                buffer.putByte(position++, (byte)(0x80 | (c & 0x3F)));
            }
            else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1)))
            {
                final int codePoint = Character.toCodePoint(c, text.charAt(++i));
                buffer.putByte(position++, (byte)(0xF0 | (codePoint >> 18)));
                buffer.putByte(position++, (byte)(0x80 | ((codePoint >> 12) & 0x3F)));
                buffer.putByte(position++, (byte)(0x80 | ((codePoint >> 6) & 0x3F)));
                buffer.putByte(position++, (byte)(0x80 | (codePoint & 0x3F)));
            }
            else if (Character.isSurrogate(c))
            {
                buffer.putByte(position++, (byte)'?');
            }
            else
            {
                buffer.putByte(position++, (byte)(0xE0 | (c >> 12)));
                buffer.putByte(position++, (byte)(0x80 | ((c >> 6) & 0x3F)));
                buffer.putByte(position++, (byte)(0x80 | (c & 0x3F)));
            }
        }
        return position - offset;
    }

    /**
     * Decodes UTF-8 written by {@link #encode}.
     *
     * @return the number of chars written.
     * @throws IllegalArgumentException on bytes {@link #encode} never writes.
     */
    public static int decode(final DirectBuffer buffer, final int offset, final int length, final char[] chars, final int charOffset)
    {
        int out = charOffset;
        int i = offset;
        final int end = offset + length;
        while (i < end)
        {
            final int b = buffer.getByte(i) & 0xFF;
            if (b < 0x80)
            {
                chars[out++] = (char)b;
                i++;
            }
            else if ((b & 0xE0) == 0xC0 && i + 1 < end)
            {
                chars[out++] = (char)(((b & 0x1F) << 6) | (buffer.getByte(i + 1) & 0x3F));
                i += 2;
            }
            else if ((b & 0xF0) == 0xE0 && i + 2 < end)
            {
                chars[out++] = (char)(((b & 0x0F) << 12) | ((buffer.getByte(i + 1) & 0x3F) << 6) | (buffer.getByte(i + 2) & 0x3F));
                i += 3;
            }
            else if ((b & 0xF8) == 0xF0 && i + 3 < end)
            {
                final int codePoint = ((b & 0x07) << 18) | ((buffer.getByte(i + 1) & 0x3F) << 12) |
                    ((buffer.getByte(i + 2) & 0x3F) << 6) | (buffer.getByte(i + 3) & 0x3F);
                chars[out++] = Character.highSurrogate(codePoint);
                chars[out++] = Character.lowSurrogate(codePoint);
                i += 4;
            }
            else
            {
                throw new IllegalArgumentException("malformed UTF-8 key at byte " + (i - offset) + " of " + length);
            }
        }
        return out - charOffset;
    }
}
