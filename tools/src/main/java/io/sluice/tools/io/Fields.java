package io.sluice.tools.io;

import io.sluice.EventTimes;
import io.sluice.time.WatermarkTracker;

/** Parsing of the number and text fields both input formats share, straight from bytes. */
final class Fields
{
    static final int MAX_KEY_CHARS = 128;

    private Fields()
    {
    }

    /** @return the number, or {@link Long#MIN_VALUE} when [offset, end) is not a whole decimal number. */
    static long parseLong(final byte[] bytes, final int offset, final int end)
    {
        int i = offset;
        boolean negative = false;
        if (i < end && (bytes[i] == '-' || bytes[i] == '+'))
        {
            negative = bytes[i] == '-';
            i++;
        }
        if (i == end || end - i > 19)
        {
            return Long.MIN_VALUE;
        }
        long value = 0;
        for (; i < end; i++)
        {
            final int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9)
            {
                return Long.MIN_VALUE;
            }
            value = value * 10 + digit;
            if (value < 0)
            {
                return Long.MIN_VALUE; // overflow
            }
        }
        return negative ? -value : value;
    }

    /** @return null, or why it is not a partition number. */
    static String checkPartition(final long partition)
    {
        return partition < 0 || partition >= WatermarkTracker.MAX_PARTITIONS ?
            "is not a whole number in [0, " + (WatermarkTracker.MAX_PARTITIONS - 1) + "]" : null;
    }

    static String checkEventTime(final long eventTimeMs, final String field)
    {
        if (eventTimeMs < EventTimes.MIN_EVENT_TIME_MS || eventTimeMs > EventTimes.MAX_EVENT_TIME_MS)
        {
            return field + " " + eventTimeMs + " is outside the supported range ±2^62 ms";
        }
        return null;
    }

    /**
     * Decodes UTF-8 [offset, end) into the event's key.
     *
     * @return null, or why the bytes are not a usable key.
     */
    static String decodeKey(final byte[] bytes, final int offset, final int end, final InputEvent into)
    {
        into.clearKey();
        int i = offset;
        while (i < end)
        {
            final int b = bytes[i] & 0xFF;
            final int codePoint;
            final int size;
            if (b < 0x80)
            {
                codePoint = b;
                size = 1;
            }
            else if (b >= 0xC2 && b < 0xE0 && i + 1 < end && continuation(bytes[i + 1]))
            {
                codePoint = (b & 0x1F) << 6 | (bytes[i + 1] & 0x3F);
                size = 2;
            }
            else if (b >= 0xE0 && b < 0xF0 && i + 2 < end && continuation(bytes[i + 1]) && continuation(bytes[i + 2]))
            {
                codePoint = (b & 0x0F) << 12 | (bytes[i + 1] & 0x3F) << 6 | (bytes[i + 2] & 0x3F);
                size = 3;
                if (codePoint < 0x800 || Character.isSurrogate((char)codePoint))
                {
                    return "the key is not valid UTF-8 (byte " + (i - offset + 1) + " of the key)";
                }
            }
            else if (b >= 0xF0 && b < 0xF5 && i + 3 < end && continuation(bytes[i + 1]) && continuation(bytes[i + 2]) &&
                continuation(bytes[i + 3]))
            {
                codePoint = (b & 0x07) << 18 | (bytes[i + 1] & 0x3F) << 12 | (bytes[i + 2] & 0x3F) << 6 | (bytes[i + 3] & 0x3F);
                size = 4;
                if (codePoint < 0x10000 || codePoint > 0x10FFFF)
                {
                    return "the key is not valid UTF-8 (byte " + (i - offset + 1) + " of the key)";
                }
            }
            else
            {
                return "the key is not valid UTF-8 (byte " + (i - offset + 1) + " of the key)";
            }
            if (codePoint >= 0x10000)
            {
                into.appendKey(Character.highSurrogate(codePoint));
                into.appendKey(Character.lowSurrogate(codePoint));
            }
            else
            {
                into.appendKey((char)codePoint);
            }
            if (into.length() > MAX_KEY_CHARS)
            {
                return "the key is longer than " + MAX_KEY_CHARS + " characters";
            }
            i += size;
        }
        if (into.length() == 0)
        {
            return "the key is empty";
        }
        return null;
    }

    private static boolean continuation(final byte b)
    {
        return (b & 0xC0) == 0x80;
    }
}
