package io.sluice.tools.io;

/**
 * JSON lines with the CSV's fields: one flat object per line, {@code event_time_ms} and {@code value} whole
 * numbers, {@code key} a string (or a whole number, taken as its text), {@code partition} optional. Other
 * fields are ignored, as consumers of JSON usually do. Parsed from bytes, without building a tree.
 */
final class JsonLineParser implements LineParser
{
    private int position;
    private int end;
    private byte[] bytes;
    private byte[] text = new byte[256];
    private int textLength;

    public String parse(final byte[] bytes, final int offset, final int length, final InputEvent into)
    {
        this.bytes = bytes;
        this.position = offset;
        this.end = offset + length;
        boolean hasTime = false;
        boolean hasKey = false;
        boolean hasValue = false;
        into.partition = 0;
        skipSpace();
        if (!consume('{'))
        {
            return "not a JSON object (a line must start with '{')";
        }
        skipSpace();
        if (!consume('}'))
        {
            while (true)
            {
                skipSpace();
                if (!readString())
                {
                    return "expected a field name in double quotes at column " + (position - offset + 1);
                }
                final String field = fieldName();
                skipSpace();
                if (!consume(':'))
                {
                    return "expected ':' after \"" + field + "\" at column " + (position - offset + 1);
                }
                skipSpace();
                switch (field)
                {
                    case "event_time_ms":
                    {
                        final long time = readNumber();
                        if (time == Long.MIN_VALUE)
                        {
                            return "event_time_ms is not a whole number of milliseconds";
                        }
                        final String bad = Fields.checkEventTime(time, "event_time_ms");
                        if (bad != null)
                        {
                            return bad;
                        }
                        into.eventTimeMs = time;
                        hasTime = true;
                        break;
                    }
                    case "value":
                    {
                        final long value = readNumber();
                        if (value == Long.MIN_VALUE)
                        {
                            return "value is not a whole number";
                        }
                        into.value = value;
                        hasValue = true;
                        break;
                    }
                    case "partition":
                    {
                        final long partition = readNumber();
                        final String bad = partition == Long.MIN_VALUE ? "is not a whole number" : Fields.checkPartition(partition);
                        if (bad != null)
                        {
                            return "partition " + bad;
                        }
                        into.partition = (int)partition;
                        break;
                    }
                    case "key":
                    {
                        final String bad;
                        if (position < end && bytes[position] == '"')
                        {
                            if (!readString())
                            {
                                return "the key string is not closed or holds a bad escape";
                            }
                            bad = Fields.decodeKey(text, 0, textLength, into);
                        }
                        else
                        {
                            final int start = position;
                            if (readNumber() == Long.MIN_VALUE)
                            {
                                return "key must be a string or a whole number";
                            }
                            bad = Fields.decodeKey(bytes, start, position, into);
                        }
                        if (bad != null)
                        {
                            return bad;
                        }
                        hasKey = true;
                        break;
                    }
                    default:
                        if (!skipValue())
                        {
                            return "field \"" + field + "\" has a value that is not valid JSON";
                        }
                        break;
                }
                skipSpace();
                if (consume('}'))
                {
                    break;
                }
                if (!consume(','))
                {
                    return "expected ',' or '}' at column " + (position - offset + 1);
                }
            }
        }
        skipSpace();
        if (position != end)
        {
            return "text after the object's closing '}'";
        }
        if (!hasTime || !hasKey || !hasValue)
        {
            return "missing " + (!hasTime ? "event_time_ms" : !hasKey ? "key" : "value") + "; each line needs event_time_ms, key and value";
        }
        return null;
    }

    private String fieldName()
    {
        return new String(text, 0, textLength, java.nio.charset.StandardCharsets.UTF_8);
    }

    private void skipSpace()
    {
        while (position < end && (bytes[position] == ' ' || bytes[position] == '\t' || bytes[position] == '\r'))
        {
            position++;
        }
    }

    private boolean consume(final char c)
    {
        if (position < end && bytes[position] == c)
        {
            position++;
            return true;
        }
        return false;
    }

    /** A whole number, not a fraction or exponent. @return it, or Long.MIN_VALUE. */
    private long readNumber()
    {
        final int start = position;
        while (position < end && (bytes[position] == '-' || bytes[position] >= '0' && bytes[position] <= '9'))
        {
            position++;
        }
        if (position < end && (bytes[position] == '.' || bytes[position] == 'e' || bytes[position] == 'E'))
        {
            return Long.MIN_VALUE;
        }
        return Fields.parseLong(bytes, start, position);
    }

    /** A JSON string into {@link #text} as UTF-8, escapes resolved. @return false if malformed. */
    private boolean readString()
    {
        if (!consume('"'))
        {
            return false;
        }
        textLength = 0;
        while (position < end)
        {
            final byte b = bytes[position++];
            if (b == '"')
            {
                return true;
            }
            if (b != '\\')
            {
                append(b);
                continue;
            }
            if (position >= end)
            {
                return false;
            }
            final byte escape = bytes[position++];
            switch (escape)
            {
                case '"', '\\', '/' -> append(escape);
                case 'b' -> append((byte)'\b');
                case 'f' -> append((byte)'\f');
                case 'n' -> append((byte)'\n');
                case 'r' -> append((byte)'\r');
                case 't' -> append((byte)'\t');
                case 'u' ->
                {
                    if (position + 4 > end)
                    {
                        return false;
                    }
                    int codeUnit = 0;
                    for (int i = 0; i < 4; i++)
                    {
                        final int digit = Character.digit(bytes[position++], 16);
                        if (digit < 0)
                        {
                            return false;
                        }
                        codeUnit = codeUnit << 4 | digit;
                    }
                    if (Character.isSurrogate((char)codeUnit))
                    {
                        return false; // escaped surrogate pairs are not supported: send the character as UTF-8
                    }
                    final byte[] utf8 = String.valueOf((char)codeUnit).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    for (final byte u : utf8)
                    {
                        append(u);
                    }
                }
                default ->
                {
                    return false;
                }
            }
        }
        return false;
    }

    private boolean skipValue()
    {
        if (position >= end)
        {
            return false;
        }
        final byte b = bytes[position];
        if (b == '"')
        {
            return readString();
        }
        if (b == '{' || b == '[')
        {
            int depth = 0;
            while (position < end)
            {
                final byte c = bytes[position];
                if (c == '"')
                {
                    if (!readString())
                    {
                        return false;
                    }
                    continue;
                }
                position++;
                if (c == '{' || c == '[')
                {
                    depth++;
                }
                else if ((c == '}' || c == ']') && --depth == 0)
                {
                    return true;
                }
            }
            return false;
        }
        final int start = position;
        while (position < end && bytes[position] != ',' && bytes[position] != '}' && bytes[position] != ' ')
        {
            position++;
        }
        return position > start;
    }

    private void append(final byte b)
    {
        if (textLength == text.length)
        {
            text = java.util.Arrays.copyOf(text, textLength * 2);
        }
        text[textLength++] = b;
    }
}
