package io.sluice.tools.server;

/** A small JSON writer for the API's replies: objects, arrays, strings, numbers, in order of writing. */
final class Json
{
    private final StringBuilder text = new StringBuilder(256);
    private boolean first = true;

    Json object()
    {
        separate();
        text.append('{');
        first = true;
        return this;
    }

    Json end()
    {
        text.append('}');
        first = false;
        return this;
    }

    Json array(final String name)
    {
        key(name);
        text.append('[');
        first = true;
        return this;
    }

    Json endArray()
    {
        text.append(']');
        first = false;
        return this;
    }

    Json field(final String name, final String value)
    {
        key(name);
        if (value == null)
        {
            text.append("null");
        }
        else
        {
            string(value);
        }
        first = false;
        return this;
    }

    Json field(final String name, final long value)
    {
        key(name);
        text.append(value);
        first = false;
        return this;
    }

    Json field(final String name, final double value)
    {
        key(name);
        text.append(Double.isFinite(value) ? Double.toString(value) : "null");
        first = false;
        return this;
    }

    Json field(final String name, final boolean value)
    {
        key(name);
        text.append(value);
        first = false;
        return this;
    }

    /** A watermark: a number, or null while there is none yet (Long.MIN_VALUE). */
    Json time(final String name, final long ms)
    {
        key(name);
        text.append(ms == Long.MIN_VALUE ? "null" : Long.toString(ms));
        first = false;
        return this;
    }

    /** Starts an object as the next member of the enclosing object, under a name. */
    Json object(final String name)
    {
        key(name);
        text.append('{');
        first = true;
        return this;
    }

    public String toString()
    {
        return text.toString();
    }

    static String error(final String message)
    {
        return new Json().object().field("error", message).end().toString();
    }

    private void key(final String name)
    {
        separate();
        string(name);
        text.append(':');
        first = true; // the value follows: no comma before it
    }

    private void separate()
    {
        if (!first)
        {
            text.append(',');
        }
    }

    private void string(final String value)
    {
        text.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> text.append(c < 0x20 ? String.format("\\u%04x", (int)c) : String.valueOf(c));
            }
        }
        text.append('"');
    }
}
