package io.sluice.tools.config;

import io.sluice.WindowSpec;
import io.sluice.Windows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A validated {@code sluice run} configuration. Every window in {@code windowing.windows} becomes one engine
 * pipeline, named after the window, over the same source, watermarks and aggregates. Paths are resolved
 * against the config file's directory.
 */
public record SluiceConfig(
    String appName,
    Source source,
    int parallelism,
    int queueSize,
    long checkpointIntervalMs,
    long outOfOrdernessMs,
    long idleTimeoutMs,
    List<Window> windows,
    List<String> aggregates,
    Sink sink,
    Sink lateSink,
    Path deadLetter,
    Journal journal,
    Server server)
{
    /** {@code queue_size} when the file gives none: the engine then sizes the ring by its storage ({@code Sluice.Builder#ringSize}). */
    public static final int ENGINE_DEFAULT_QUEUE_SIZE = 0;

    public enum SourceType
    {
        FILE, STDIN, GENERATOR
    }

    public enum Format
    {
        CSV, JSONL
    }

    public enum SinkType
    {
        FILE, CONSOLE, JOURNAL, DISCARD
    }

    /** Where events come from; the generator fields matter for {@link SourceType#GENERATOR} only. */
    public record Source(
        SourceType type, Path path, Format format,
        long events, int keys, boolean zipf, long rate, long disorderMs, double lateFraction, long seed)
    {
        /** No {@code events}: the generator never ends. */
        public static final long ENDLESS = -1;
    }

    public record Window(String name, String type, long sizeMs, long slideMs, long gapMs, long offsetMs, long allowedLatenessMs)
    {
        public WindowSpec spec()
        {
            switch (type)
            {
                case "tumbling":
                    return Windows.tumbling(Duration.ofMillis(sizeMs), Duration.ofMillis(offsetMs));
                case "sliding":
                    return Windows.sliding(Duration.ofMillis(sizeMs), Duration.ofMillis(slideMs), Duration.ofMillis(offsetMs));
                default:
                    return Windows.session(Duration.ofMillis(gapMs));
            }
        }
    }

    /** {@code path} may hold {@code {window}}, replaced by each window's name. */
    public record Sink(SinkType type, String path, Format format)
    {
        public Path pathFor(final String window)
        {
            return Path.of(path.replace("{window}", window));
        }
    }

    public record Journal(Path dir, String durability, String retention)
    {
    }

    public record Server(boolean enabled, String host, int port, String token)
    {
    }
}
