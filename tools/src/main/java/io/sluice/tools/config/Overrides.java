package io.sluice.tools.config;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Single keys set from the command line ({@code -Dprocessing.parallelism=4}), applied as the config is read:
 * a value replaces the file's or adds a key the file left out, and is then validated like the file's own.
 * Paths name mapping keys; list items (the windows) are not addressable.
 */
final class Overrides
{
    private final Map<String, String> values;
    private final Set<String> applied = new LinkedHashSet<>();

    Overrides(final Map<String, String> values)
    {
        this.values = new LinkedHashMap<>(values);
    }

    /** Puts the overrides that belong directly to the mapping at {@code path} into its entries. */
    void applyTo(
        final String path, final Map<String, YamlNode> entries, final String[] allowed,
        final BiFunction<String, String, YamlNode> scalar, final Function<String, YamlNode> emptyMapping)
    {
        final String prefix = path.isEmpty() ? "" : path + ".";
        for (final Map.Entry<String, String> override : values.entrySet())
        {
            final String key = override.getKey();
            if (!key.startsWith(prefix))
            {
                continue;
            }
            final String rest = key.substring(prefix.length());
            final int dot = rest.indexOf('.');
            final String child = dot < 0 ? rest : rest.substring(0, dot);
            if (!List.of(allowed).contains(child))
            {
                throw new ConfigException("override -D" + key + "=" + override.getValue(),
                    "no key '" + child + "' in " + (path.isEmpty() ? "the top level" : path) + "; valid there: " + String.join(", ", allowed));
            }
            if (dot < 0)
            {
                entries.put(child, scalar.apply(child, override.getValue()));
                applied.add(key);
            }
            else if (!entries.containsKey(child))
            {
                entries.put(child, emptyMapping.apply(child));
            }
        }
    }

    /** After reading: an override never applied addressed something that is not a mapping key. */
    void checkAllApplied()
    {
        for (final Map.Entry<String, String> override : values.entrySet())
        {
            if (!applied.contains(override.getKey()))
            {
                throw new ConfigException("override -D" + override.getKey() + "=" + override.getValue(),
                    "addresses no single value of the config (overrides name mapping keys, e.g. -Dprocessing.parallelism=4)");
            }
        }
    }
}
