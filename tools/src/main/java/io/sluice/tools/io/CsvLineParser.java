package io.sluice.tools.io;

/**
 * CSV lines as DESIGN.md gives them: a header naming {@code event_time_ms}, {@code key}, {@code value} and
 * optionally {@code partition}, in any order, then one event per line. A field may be double-quoted (RFC
 * 4180), with {@code ""} for a quote inside; only the key is text.
 */
final class CsvLineParser implements LineParser
{
    private static final int MAX_COLUMNS = 64;

    private final String source;
    private int timeColumn = -1;
    private int keyColumn = -1;
    private int valueColumn = -1;
    private int partitionColumn = -1;
    private int columns;
    private boolean headerSeen;
    private final int[] starts = new int[MAX_COLUMNS];
    private final int[] ends = new int[MAX_COLUMNS];
    private final boolean[] quoted = new boolean[MAX_COLUMNS];
    private byte[] unquoted = new byte[256];

    CsvLineParser(final String source)
    {
        this.source = source;
    }

    public boolean isHeader()
    {
        return !headerSeen;
    }

    /**
     * Reads the header line.
     *
     * @throws InputFormatException when it does not name the columns an event needs.
     */
    void header(final byte[] bytes, final int offset, final int length)
    {
        final int count = split(bytes, offset, length);
        if (count < 0)
        {
            throw new InputFormatException(source + ":1: the header is not valid CSV; expected event_time_ms,key,value[,partition]");
        }
        for (int c = 0; c < count; c++)
        {
            final String name = new String(bytes, starts[c], ends[c] - starts[c], java.nio.charset.StandardCharsets.UTF_8).trim();
            switch (name)
            {
                case "event_time_ms" -> timeColumn = duplicate(timeColumn, c, name);
                case "key" -> keyColumn = duplicate(keyColumn, c, name);
                case "value" -> valueColumn = duplicate(valueColumn, c, name);
                case "partition" -> partitionColumn = duplicate(partitionColumn, c, name);
                default -> throw new InputFormatException(source + ":1: unknown column '" + name +
                    "' in the header; columns are event_time_ms, key, value and optionally partition");
            }
        }
        if (timeColumn < 0 || keyColumn < 0 || valueColumn < 0)
        {
            throw new InputFormatException(source + ":1: the header must name event_time_ms, key and value (found: " +
                new String(bytes, offset, length, java.nio.charset.StandardCharsets.UTF_8).trim() + ")");
        }
        columns = count;
        headerSeen = true;
    }

    public String parse(final byte[] bytes, final int offset, final int length, final InputEvent into)
    {
        final int count = split(bytes, offset, length);
        if (count < 0)
        {
            return "a quoted field is not closed, or text follows its closing quote";
        }
        if (count != columns)
        {
            return "expected " + columns + " fields, found " + count;
        }
        final long time = Fields.parseLong(bytes, starts[timeColumn], ends[timeColumn]);
        if (time == Long.MIN_VALUE || quoted[timeColumn])
        {
            return "event_time_ms '" + text(bytes, timeColumn) + "' is not a whole number of milliseconds";
        }
        final String badTime = Fields.checkEventTime(time, "event_time_ms");
        if (badTime != null)
        {
            return badTime;
        }
        final long value = Fields.parseLong(bytes, starts[valueColumn], ends[valueColumn]);
        if (value == Long.MIN_VALUE || quoted[valueColumn])
        {
            return "value '" + text(bytes, valueColumn) + "' is not a whole number";
        }
        int partition = 0;
        if (partitionColumn >= 0)
        {
            final long parsed = Fields.parseLong(bytes, starts[partitionColumn], ends[partitionColumn]);
            final String badPartition = Fields.checkPartition(parsed);
            if (badPartition != null)
            {
                return "partition '" + text(bytes, partitionColumn) + "' " + badPartition;
            }
            partition = (int)parsed;
        }
        final String badKey = quoted[keyColumn] ? unquotedKey(bytes, into) :
            Fields.decodeKey(bytes, starts[keyColumn], ends[keyColumn], into);
        if (badKey != null)
        {
            return badKey;
        }
        into.eventTimeMs = time;
        into.value = value;
        into.partition = partition;
        return null;
    }

    /** Finds the fields of a line. @return their count, or -1 if the quoting is broken. */
    private int split(final byte[] bytes, final int offset, final int length)
    {
        final int end = offset + length;
        int count = 0;
        int i = offset;
        while (true)
        {
            if (count == MAX_COLUMNS)
            {
                return MAX_COLUMNS + 1;
            }
            if (i < end && bytes[i] == '"')
            {
                final int start = ++i;
                while (true)
                {
                    if (i >= end)
                    {
                        return -1;
                    }
                    if (bytes[i] == '"')
                    {
                        if (i + 1 < end && bytes[i + 1] == '"')
                        {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i++;
                }
                starts[count] = start;
                ends[count] = i;
                quoted[count] = true;
                i++;
                if (i < end && bytes[i] != ',')
                {
                    return -1;
                }
            }
            else
            {
                final int start = i;
                while (i < end && bytes[i] != ',')
                {
                    i++;
                }
                starts[count] = start;
                ends[count] = i;
                quoted[count] = false;
            }
            count++;
            if (i >= end)
            {
                return count;
            }
            i++; // the comma
        }
    }

    private String unquotedKey(final byte[] bytes, final InputEvent into)
    {
        final int start = starts[keyColumn];
        final int end = ends[keyColumn];
        if (unquoted.length < end - start)
        {
            unquoted = new byte[Math.max(end - start, unquoted.length * 2)];
        }
        int n = 0;
        for (int i = start; i < end; i++)
        {
            unquoted[n++] = bytes[i];
            if (bytes[i] == '"')
            {
                i++; // "" stands for one quote
            }
        }
        return Fields.decodeKey(unquoted, 0, n, into);
    }

    private String text(final byte[] bytes, final int column)
    {
        final int length = Math.min(ends[column] - starts[column], 40);
        return new String(bytes, starts[column], length, java.nio.charset.StandardCharsets.UTF_8) +
            (ends[column] - starts[column] > 40 ? "..." : "");
    }

    private int duplicate(final int current, final int column, final String name)
    {
        if (current >= 0)
        {
            throw new InputFormatException(source + ":1: the header names '" + name + "' twice");
        }
        return column;
    }
}
