package io.sluice.tools.sink;

import io.sluice.tools.config.SluiceConfig;
import io.sluice.tools.config.SluiceConfig.Format;
import io.sluice.tools.config.SluiceConfig.Sink;
import io.sluice.tools.config.SluiceConfig.SinkType;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's outputs: one outlet per window for results (a file per window, the console or nowhere) and one
 * for late events. Rows are formatted here. Not thread-safe: one feed thread writes.
 */
public final class Sinks implements AutoCloseable
{
    private final List<Outlet> results = new ArrayList<>();
    private final Outlet late;
    private final RowFormat resultFormat;
    private final RowFormat lateFormat;
    private final StringBuilder line = new StringBuilder(256);
    private long lateCount;

    /** @param committedLengths per file path, the length to resume at (files not named start empty). */
    public Sinks(final SluiceConfig config, final Map<Path, Long> committedLengths, final PrintStream console) throws IOException
    {
        final List<String> windowNames = new ArrayList<>();
        for (final SluiceConfig.Window window : config.windows())
        {
            windowNames.add(window.name());
        }
        final Sink sink = config.sink();
        resultFormat = new RowFormat(sink.format(), config.aggregates(), windowNames);
        for (final String window : windowNames)
        {
            results.add(outlet(sink, window, resultFormat.resultHeader(), committedLengths, console, windowNames.size() > 1 ? window + ": " : ""));
        }
        final Sink lateSink = config.lateSink();
        lateFormat = new RowFormat(lateSink == null ? Format.CSV : lateSink.format(), config.aggregates(), windowNames);
        late = lateSink == null ? Outlet.discard() : outlet(lateSink, "late", lateFormat.lateHeader(), committedLengths, console, "late: ");
    }

    private static Outlet outlet(
        final Sink sink, final String window, final String header, final Map<Path, Long> committed, final PrintStream console,
        final String consolePrefix) throws IOException
    {
        if (sink.type() == SinkType.FILE)
        {
            final Path path = sink.pathFor(window);
            try
            {
                return Outlet.file(path, committed.getOrDefault(path, 0L), header);
            }
            catch (final IOException e)
            {
                throw new IOException("cannot write " + path + ": " + e.getMessage() + "; check the directory is writable or change sink.path", e);
            }
        }
        return sink.type() == SinkType.CONSOLE ? Outlet.console(console, consolePrefix) : Outlet.discard();
    }

    void write(final OutputRow row)
    {
        line.setLength(0);
        try
        {
            if (row.late)
            {
                lateFormat.late(row, line);
                late.write(line, 1);
                lateCount++;
            }
            else
            {
                resultFormat.result(row, line);
                results.get(row.pipelineId).write(line, 1);
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot write an output: " + e.getMessage(), e);
        }
    }

    /** Flushes and forces every file. @return each file's durable length. */
    Map<Path, Long> sync() throws IOException
    {
        final Map<Path, Long> lengths = new LinkedHashMap<>();
        for (final Outlet outlet : results)
        {
            final long length = outlet.sync();
            if (outlet.path() != null)
            {
                lengths.put(outlet.path(), length);
            }
        }
        final long lateLength = late.sync();
        if (late.path() != null)
        {
            lengths.put(late.path(), lateLength);
        }
        return lengths;
    }

    public long results()
    {
        long total = 0;
        for (final Outlet outlet : results)
        {
            total += outlet.lines();
        }
        return total;
    }

    public long lateEvents()
    {
        return lateCount;
    }

    public void close() throws IOException
    {
        for (final Outlet outlet : results)
        {
            outlet.close();
        }
        late.close();
    }
}
