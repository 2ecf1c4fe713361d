package io.sluice.tools.sink;

import io.sluice.tools.config.SluiceConfig.Format;

import java.util.List;

/**
 * The output formats of DESIGN.md. Results: {@code window_start,window_end,key,<aggregates>,firing} with the
 * configured aggregates in their order (all four by default). Late events:
 * {@code window,event_time_ms,key,value,partition,watermark_ms}. JSON lines carry the same fields.
 */
final class RowFormat
{
    private final Format format;
    private final List<String> aggregates;
    private final List<String> windowNames;

    RowFormat(final Format format, final List<String> aggregates, final List<String> windowNames)
    {
        this.format = format;
        this.aggregates = aggregates;
        this.windowNames = windowNames;
    }

    /** The CSV header line, or null for JSON lines. */
    String resultHeader()
    {
        return format == Format.CSV ? "window_start,window_end,key," + String.join(",", aggregates) + ",firing\n" : null;
    }

    String lateHeader()
    {
        return format == Format.CSV ? "window,event_time_ms,key,value,partition,watermark_ms\n" : null;
    }

    void result(final OutputRow row, final StringBuilder out)
    {
        if (format == Format.CSV)
        {
            out.append(row.windowStartMs).append(',').append(row.windowEndMs).append(',');
            csvText(row.key, out);
            for (final String aggregate : aggregates)
            {
                out.append(',').append(aggregate(row, aggregate));
            }
            out.append(',').append(row.firing).append('\n');
            return;
        }
        out.append("{\"window_start\":").append(row.windowStartMs).append(",\"window_end\":").append(row.windowEndMs)
            .append(",\"key\":");
        jsonText(row.key, out);
        for (final String aggregate : aggregates)
        {
            out.append(",\"").append(aggregate).append("\":").append(aggregate(row, aggregate));
        }
        out.append(",\"firing\":").append(row.firing).append("}\n");
    }

    void late(final OutputRow row, final StringBuilder out)
    {
        final String window = windowNames.get(row.pipelineId);
        if (format == Format.CSV)
        {
            out.append(window).append(',').append(row.eventTimeMs).append(',');
            csvText(row.key, out);
            out.append(',').append(row.value).append(',').append(row.partition).append(',').append(row.watermarkMs).append('\n');
            return;
        }
        out.append("{\"window\":\"").append(window).append("\",\"event_time_ms\":").append(row.eventTimeMs).append(",\"key\":");
        jsonText(row.key, out);
        out.append(",\"value\":").append(row.value).append(",\"partition\":").append(row.partition)
            .append(",\"watermark_ms\":").append(row.watermarkMs).append("}\n");
    }

    private static long aggregate(final OutputRow row, final String aggregate)
    {
        switch (aggregate)
        {
            case "count":
                return row.count;
            case "sum":
                return row.sum;
            case "min":
                return row.min;
            default:
                return row.max;
        }
    }

    private static void csvText(final CharSequence text, final StringBuilder out)
    {
        boolean plain = true;
        for (int i = 0; i < text.length() && plain; i++)
        {
            final char c = text.charAt(i);
            plain = c != ',' && c != '"' && c != '\n' && c != '\r';
        }
        if (plain)
        {
            out.append(text);
            return;
        }
        out.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            out.append(c);
            if (c == '"')
            {
                out.append('"');
            }
        }
        out.append('"');
    }

    private static void jsonText(final CharSequence text, final StringBuilder out)
    {
        out.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
