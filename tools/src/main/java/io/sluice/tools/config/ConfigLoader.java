package io.sluice.tools.config;

import io.sluice.tools.config.SluiceConfig.Format;
import io.sluice.tools.config.SluiceConfig.Journal;
import io.sluice.tools.config.SluiceConfig.Server;
import io.sluice.tools.config.SluiceConfig.Sink;
import io.sluice.tools.config.SluiceConfig.SinkType;
import io.sluice.tools.config.SluiceConfig.Source;
import io.sluice.tools.config.SluiceConfig.SourceType;
import io.sluice.tools.config.SluiceConfig.Window;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a {@code sluice run} YAML file into a {@link SluiceConfig}, strictly: see {@link ConfigException}. */
public final class ConfigLoader
{
    private static final Pattern WINDOW_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final List<String> AGGREGATES = List.of("count", "sum", "min", "max");
    private static final int MAX_PARALLELISM = 64;
    // "{window}" in a path inside a flow mapping ({type: file, path: out/{window}.csv}) is not valid YAML: a
    // flow mapping cannot hold a brace in a plain value. The config layout users know writes it so, so the
    // placeholder is swapped for a same-length stand-in before parsing (columns stay true) and back after.
    private static final String WINDOW_PLACEHOLDER = "{window}";
    private static final String WINDOW_STAND_IN = "~window~";

    private ConfigLoader()
    {
    }

    /** @param overrides dotted keys to values, applied over the file's (e.g. processing.parallelism → 4). */
    public static SluiceConfig load(final Path file, final Map<String, String> overrides)
    {
        final String name = file.toString();
        final String text = read(file).replace(WINDOW_PLACEHOLDER, WINDOW_STAND_IN);
        final Optional<Node> document;
        try
        {
            document = new Compose(LoadSettings.builder().setLabel(name).build()).composeString(text);
        }
        catch (final MarkedYamlEngineException e)
        {
            final String where = e.getProblemMark().map(m -> name + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse(name);
            throw new ConfigException(where, "not valid YAML: " + e.getProblem());
        }
        catch (final YamlEngineException e)
        {
            throw new ConfigException(name, "not valid YAML: " + e.getMessage());
        }
        if (document.isEmpty())
        {
            throw new ConfigException(name, "is empty; a config needs at least source, windowing and sink");
        }
        final Overrides applied = new Overrides(overrides);
        final Path base = file.toAbsolutePath().getParent();
        final SluiceConfig config = read(YamlNode.root(document.get(), name, applied), base);
        applied.checkAllApplied();
        return config;
    }

    private static SluiceConfig read(final YamlNode root, final Path base)
    {
        final Map<String, YamlNode> top = root.mapping("app_name", "source", "processing", "watermarks", "windowing",
            "aggregates", "sink", "late_sink", "dead_letter", "journal", "server");
        final String appName = top.containsKey("app_name") ? name(top.get("app_name"), "app_name") : "sluice";
        final Source source = source(required(root, top, "source"), base);

        int parallelism = 1;
        int queueSize = SluiceConfig.ENGINE_DEFAULT_QUEUE_SIZE;
        long checkpointIntervalMs = 10_000;
        if (top.containsKey("processing"))
        {
            final Map<String, YamlNode> processing = top.get("processing").mapping("parallelism", "queue_size", "checkpoint_interval");
            if (processing.containsKey("parallelism"))
            {
                parallelism = processing.get("parallelism").intValue(1, MAX_PARALLELISM);
            }
            if (processing.containsKey("queue_size"))
            {
                final YamlNode node = processing.get("queue_size");
                queueSize = node.intValue(64, 1 << 24);
                if (Integer.bitCount(queueSize) != 1)
                {
                    throw node.error(queueSize + " is not a power of two; the ring needs one, e.g. " + Integer.highestOneBit(queueSize) +
                        " or " + (Integer.highestOneBit(queueSize) << 1));
                }
            }
            if (processing.containsKey("checkpoint_interval"))
            {
                checkpointIntervalMs = processing.get("checkpoint_interval").durationMs(false);
            }
        }

        long outOfOrdernessMs = 0;
        long idleTimeoutMs = 0;
        if (top.containsKey("watermarks"))
        {
            final Map<String, YamlNode> watermarks = top.get("watermarks").mapping("out_of_orderness", "idle_timeout");
            if (watermarks.containsKey("out_of_orderness"))
            {
                outOfOrdernessMs = watermarks.get("out_of_orderness").durationMs(false);
            }
            if (watermarks.containsKey("idle_timeout"))
            {
                idleTimeoutMs = watermarks.get("idle_timeout").durationMs(true);
            }
        }

        final Map<String, YamlNode> windowing = required(root, top, "windowing").mapping("windows");
        final List<Window> windows = windows(required(top.get("windowing"), windowing, "windows"));
        final List<String> aggregates = top.containsKey("aggregates") ? aggregates(top.get("aggregates")) : AGGREGATES;
        final YamlNode sinkNode = required(root, top, "sink");
        final Sink sink = sink(sinkNode, base);
        if (sink.type() == SinkType.FILE && windows.size() > 1 && !sink.path().contains("{window}"))
        {
            throw sinkNode.error("the file sink's path must hold {window} when there are several windows (e.g. out/{window}.csv)");
        }
        final Sink lateSink = top.containsKey("late_sink") ? sink(top.get("late_sink"), base) : null;
        final Path deadLetter = top.containsKey("dead_letter") ?
            base.resolve(required(top.get("dead_letter"), top.get("dead_letter").mapping("path"), "path").string()) : null;
        final Journal journal = top.containsKey("journal") ? journal(top.get("journal"), base) : null;
        if (sink.type() == SinkType.JOURNAL && journal == null)
        {
            throw sinkNode.error("a journal sink keeps results in the output journal: add journal: {dir: ...}");
        }
        final Server server = top.containsKey("server") ? server(top.get("server")) : new Server(false, "127.0.0.1", 8080, null);
        return new SluiceConfig(appName, source, parallelism, queueSize, checkpointIntervalMs, outOfOrdernessMs, idleTimeoutMs,
            windows, aggregates, sink, lateSink, deadLetter, journal, server);
    }

    private static Source source(final YamlNode node, final Path base)
    {
        final Map<String, YamlNode> fields = node.mapping("type", "path", "format",
            "events", "keys", "distribution", "rate", "disorder", "late_fraction", "seed");
        final String type = required(node, fields, "type").oneOf("file", "stdin", "generator");
        switch (type)
        {
            case "file":
            {
                onlyKeys(node, fields, "type", "path", "format");
                final String path = required(node, fields, "path").string();
                return new Source(SourceType.FILE, base.resolve(path), format(fields, path), 0, 0, false, 0, 0, 0, 0);
            }
            case "stdin":
                onlyKeys(node, fields, "type", "format");
                return new Source(SourceType.STDIN, null, format(fields, ""), 0, 0, false, 0, 0, 0, 0);
            default:
            {
                onlyKeys(node, fields, "type", "events", "keys", "distribution", "rate", "disorder", "late_fraction", "seed");
                final long events = fields.containsKey("events") ? fields.get("events").longValue(0, Long.MAX_VALUE) : Source.ENDLESS;
                final int keys = fields.containsKey("keys") ? fields.get("keys").intValue(1, 10_000_000) : 1_000;
                final boolean zipf = fields.containsKey("distribution") && fields.get("distribution").oneOf("uniform", "zipf").equals("zipf");
                final long rate = fields.containsKey("rate") ? fields.get("rate").longValue(1, 1_000_000_000) : 0;
                final long disorderMs = fields.containsKey("disorder") ? fields.get("disorder").durationMs(false) : 0;
                final double lateFraction = fields.containsKey("late_fraction") ? fields.get("late_fraction").fraction() : 0;
                final long seed = fields.containsKey("seed") ? fields.get("seed").longValue(Long.MIN_VALUE, Long.MAX_VALUE) : 1;
                return new Source(SourceType.GENERATOR, null, null, events, keys, zipf, rate, disorderMs, lateFraction, seed);
            }
        }
    }

    private static Format format(final Map<String, YamlNode> fields, final String path)
    {
        if (fields.containsKey("format"))
        {
            return fields.get("format").oneOf("csv", "jsonl").equals("csv") ? Format.CSV : Format.JSONL;
        }
        return path.endsWith(".jsonl") || path.endsWith(".json") ? Format.JSONL : Format.CSV;
    }

    private static List<Window> windows(final YamlNode node)
    {
        final List<Window> windows = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        final List<YamlNode> items = node.list();
        if (items.isEmpty())
        {
            throw node.error("needs at least one window, e.g. - {name: per_second, type: tumbling, size: 1s}");
        }
        for (final YamlNode item : items)
        {
            final Map<String, YamlNode> fields = item.mapping("name", "type", "size", "slide", "gap", "offset", "allowed_lateness");
            final String name = name(required(item, fields, "name"), "window name");
            if (!names.add(name))
            {
                throw fields.get("name").error("window '" + name + "' is defined twice; names must be unique");
            }
            final String type = required(item, fields, "type").oneOf("tumbling", "sliding", "session");
            final long lateness = fields.containsKey("allowed_lateness") ? fields.get("allowed_lateness").durationMs(false) : 0;
            final long offset;
            switch (type)
            {
                case "tumbling":
                {
                    onlyKeys(item, fields, "name", "type", "size", "offset", "allowed_lateness");
                    final long size = required(item, fields, "size").durationMs(true);
                    offset = offset(fields, size, "size");
                    windows.add(new Window(name, type, size, size, 0, offset, lateness));
                    break;
                }
                case "sliding":
                {
                    onlyKeys(item, fields, "name", "type", "size", "slide", "offset", "allowed_lateness");
                    final long size = required(item, fields, "size").durationMs(true);
                    final long slide = required(item, fields, "slide").durationMs(true);
                    if (slide > size)
                    {
                        throw fields.get("slide").error("a slide longer than the size leaves gaps no window covers; use slide <= size");
                    }
                    offset = offset(fields, slide, "slide");
                    windows.add(new Window(name, type, size, slide, 0, offset, lateness));
                    break;
                }
                default:
                {
                    onlyKeys(item, fields, "name", "type", "gap", "allowed_lateness");
                    windows.add(new Window(name, type, 0, 0, required(item, fields, "gap").durationMs(true), 0, lateness));
                    break;
                }
            }
        }
        return List.copyOf(windows);
    }

    private static long offset(final Map<String, YamlNode> fields, final long bound, final String boundName)
    {
        if (!fields.containsKey("offset"))
        {
            return 0;
        }
        final YamlNode node = fields.get("offset");
        final long offset = node.durationMs(false);
        if (offset >= bound)
        {
            throw node.error("an offset must be below the window's " + boundName + " (" + bound + " ms)");
        }
        return offset;
    }

    private static List<String> aggregates(final YamlNode node)
    {
        final List<String> aggregates = new ArrayList<>();
        for (final YamlNode item : node.list())
        {
            final String aggregate = item.oneOf(AGGREGATES.toArray(new String[0]));
            if (aggregates.contains(aggregate))
            {
                throw item.error("'" + aggregate + "' is listed twice");
            }
            aggregates.add(aggregate);
        }
        if (aggregates.isEmpty())
        {
            throw node.error("needs at least one of count, sum, min, max");
        }
        return List.copyOf(aggregates);
    }

    private static Sink sink(final YamlNode node, final Path base)
    {
        final Map<String, YamlNode> fields = node.mapping("type", "path", "format");
        final String type = fields.containsKey("type") ? fields.get("type").oneOf("file", "console", "journal", "discard") : "file";
        if (type.equals("file"))
        {
            final String path = required(node, fields, "path").string().replace(WINDOW_STAND_IN, WINDOW_PLACEHOLDER);
            return new Sink(SinkType.FILE, base.resolve(path).toString(), format(fields, path));
        }
        onlyKeys(node, fields, "type", "format");
        return new Sink(SinkType.valueOf(type.toUpperCase(java.util.Locale.ROOT)), null, format(fields, ""));
    }

    private static Journal journal(final YamlNode node, final Path base)
    {
        final Map<String, YamlNode> fields = node.mapping("dir", "durability", "retention");
        final Path dir = base.resolve(required(node, fields, "dir").string());
        final String durability = fields.containsKey("durability") ? fields.get("durability").oneOf("default", "sync") : "default";
        final String retention = fields.containsKey("retention") ?
            fields.get("retention").oneOf("keep_all", "since_oldest_checkpoint") : "keep_all";
        return new Journal(dir, durability, retention);
    }

    private static Server server(final YamlNode node)
    {
        final Map<String, YamlNode> fields = node.mapping("enabled", "host", "port", "token");
        final boolean enabled = fields.containsKey("enabled") && fields.get("enabled").bool();
        final String host = fields.containsKey("host") ? fields.get("host").string().trim() : "127.0.0.1";
        final int port = fields.containsKey("port") ? fields.get("port").intValue(0, 65_535) : 8080;
        final String token = fields.containsKey("token") ? fields.get("token").string() : null;
        return new Server(enabled, host, port, token);
    }

    private static String name(final YamlNode node, final String what)
    {
        final String name = node.string().trim();
        if (!WINDOW_NAME.matcher(name).matches())
        {
            throw node.error("'" + name + "' is not a valid " + what + ": use 1-64 letters, digits, '_' or '-'");
        }
        return name;
    }

    private static YamlNode required(final YamlNode parent, final Map<String, YamlNode> fields, final String key)
    {
        final YamlNode node = fields.get(key);
        if (node == null)
        {
            throw missing(parent, key);
        }
        return node;
    }

    private static ConfigException missing(final YamlNode parent, final String key)
    {
        return parent.error("'" + key + "' is required here");
    }

    private static void onlyKeys(final YamlNode node, final Map<String, YamlNode> fields, final String... allowed)
    {
        for (final Map.Entry<String, YamlNode> field : fields.entrySet())
        {
            if (!List.of(allowed).contains(field.getKey()))
            {
                throw field.getValue().error("does not apply here; valid keys for this type: " + String.join(", ", allowed));
            }
        }
    }

    private static String read(final Path file)
    {
        try
        {
            final byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        }
        catch (final CharacterCodingException e)
        {
            throw new ConfigException(file.toString(), "is not valid UTF-8 text");
        }
        catch (final java.nio.file.NoSuchFileException e)
        {
            throw new ConfigException(file.toString(), "no such file");
        }
        catch (final IOException e)
        {
            throw new ConfigException(file.toString(), "cannot be read: " + e.getMessage());
        }
    }
}
