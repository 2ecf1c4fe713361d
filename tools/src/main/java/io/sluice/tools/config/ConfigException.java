package io.sluice.tools.config;

/**
 * A configuration the CLI cannot run: the message starts with where (file:line:column, or the override
 * that set the value) and says what would be valid. A usage error: exit code 2, one line, no stack trace.
 */
public final class ConfigException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    public ConfigException(final String location, final String problem)
    {
        super(location + ": " + problem);
    }
}
