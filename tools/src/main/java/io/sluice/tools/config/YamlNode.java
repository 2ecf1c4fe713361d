package io.sluice.tools.config;

import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node of a parsed config with its place (file:line:column, or the override that set it) and its path
 * of keys, read strictly: every typed read either returns a valid value or throws a {@link ConfigException}
 * that names the place, the key and what would be valid.
 */
final class YamlNode
{
    private final Node node;
    private final String path;
    private final String file;
    private final String location;
    private final Overrides overrides;

    private YamlNode(final Node node, final String path, final String file, final String location, final Overrides overrides)
    {
        this.node = node;
        this.path = path;
        this.file = file;
        this.location = location;
        this.overrides = overrides;
    }

    static YamlNode root(final Node node, final String file, final Overrides overrides)
    {
        return new YamlNode(node, "", file, locate(node, file), overrides);
    }

    String path()
    {
        return path.isEmpty() ? "the top level" : path;
    }

    String location()
    {
        return location;
    }

    ConfigException error(final String problem)
    {
        return new ConfigException(location, (path.isEmpty() ? "" : path + ": ") + problem);
    }

    /** The node as a mapping whose keys are all among {@code allowed}; each key at most once. */
    Map<String, YamlNode> mapping(final String... allowed)
    {
        if (!(node instanceof MappingNode))
        {
            throw error("must be a mapping of " + String.join(", ", allowed));
        }
        final Map<String, YamlNode> entries = new LinkedHashMap<>();
        for (final NodeTuple tuple : ((MappingNode)node).getValue())
        {
            if (!(tuple.getKeyNode() instanceof ScalarNode))
            {
                throw new ConfigException(locate(tuple.getKeyNode(), file), "keys must be plain names");
            }
            final String key = ((ScalarNode)tuple.getKeyNode()).getValue();
            final String childPath = path.isEmpty() ? key : path + "." + key;
            if (!List.of(allowed).contains(key))
            {
                throw new ConfigException(locate(tuple.getKeyNode(), file), "unknown key '" + childPath + "'; valid here: " +
                    String.join(", ", allowed));
            }
            if (entries.containsKey(key))
            {
                throw new ConfigException(locate(tuple.getKeyNode(), file), "'" + childPath + "' is given twice");
            }
            entries.put(key, new YamlNode(tuple.getValueNode(), childPath, file, locate(tuple.getValueNode(), file), overrides));
        }
        overrides.applyTo(path, entries, allowed, (key, value) ->
        {
            final String childPath = path.isEmpty() ? key : path + "." + key;
            final String where = "override -D" + childPath + "=" + value;
            return new YamlNode(new ScalarNode(Tag.STR, value, ScalarStyle.PLAIN), childPath, where, where, overrides);
        }, key ->
        {
            final String childPath = path.isEmpty() ? key : path + "." + key;
            final String where = "override -D" + childPath + ".*";
            return new YamlNode(new MappingNode(Tag.MAP, new ArrayList<>(), FlowStyle.BLOCK), childPath, where, where, overrides);
        });
        return entries;
    }

    List<YamlNode> list()
    {
        if (!(node instanceof SequenceNode))
        {
            throw error("must be a list");
        }
        final List<YamlNode> items = new ArrayList<>();
        final List<Node> values = ((SequenceNode)node).getValue();
        for (int i = 0; i < values.size(); i++)
        {
            items.add(new YamlNode(values.get(i), path + "[" + i + "]", file, locate(values.get(i), file), overrides));
        }
        return items;
    }

    String string()
    {
        if (!(node instanceof ScalarNode))
        {
            throw error("must be a single value, not a " + (node instanceof MappingNode ? "mapping" : "list"));
        }
        final String value = ((ScalarNode)node).getValue();
        if (value.isBlank())
        {
            throw error("must not be empty");
        }
        return value;
    }

    long longValue(final long min, final long max)
    {
        final String text = string();
        final long value;
        try
        {
            value = Long.parseLong(text.trim().replace("_", ""));
        }
        catch (final NumberFormatException e)
        {
            throw error("'" + text + "' is not a whole number; expected one in [" + min + ", " + max + "]");
        }
        if (value < min || value > max)
        {
            throw error(value + " is out of range; expected a whole number in [" + min + ", " + max + "]");
        }
        return value;
    }

    int intValue(final int min, final int max)
    {
        return (int)longValue(min, max);
    }

    double fraction()
    {
        final String text = string();
        try
        {
            final double value = Double.parseDouble(text.trim());
            if (value >= 0 && value <= 1)
            {
                return value;
            }
        }
        catch (final NumberFormatException e)
        {
            // reported below
        }
        throw error("'" + text + "' is not a fraction; expected a number in [0, 1], e.g. 0.01");
    }

    boolean bool()
    {
        final String text = string().trim();
        if (text.equals("true") || text.equals("false"))
        {
            return Boolean.parseBoolean(text);
        }
        throw error("'" + text + "' is not a boolean; expected true or false");
    }

    /** @param positive true when zero is not allowed either. */
    long durationMs(final boolean positive)
    {
        final String text = string();
        final long ms = Durations.parseMs(text);
        if (ms == Long.MIN_VALUE)
        {
            throw error("'" + text + "' is negative; durations must be " + (positive ? "positive" : "zero or positive"));
        }
        if (ms < 0)
        {
            throw error("'" + text + "' is not a duration; expected " + Durations.FORMAT);
        }
        if (positive && ms == 0)
        {
            throw error("'" + text + "' must be positive");
        }
        return ms;
    }

    String oneOf(final String... choices)
    {
        final String text = string().trim();
        if (List.of(choices).contains(text))
        {
            return text;
        }
        throw error("'" + text + "' is not one of " + String.join(", ", choices));
    }

    private static String locate(final Node node, final String file)
    {
        final Optional<Mark> mark = node.getStartMark();
        return mark.map(m -> file + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse(file);
    }
}
