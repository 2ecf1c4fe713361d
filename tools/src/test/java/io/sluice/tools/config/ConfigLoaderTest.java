package io.sluice.tools.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The config layout of the issue loads as written; every mistake names its line and column and what is valid. */
class ConfigLoaderTest
{
    private static final String FULL = String.join("\n",
        "app_name: clicks",
        "source: {type: file, path: data/in.csv, format: csv}",
        "processing:",
        "  parallelism: 2",
        "  queue_size: 65536",
        "  checkpoint_interval: 30s",
        "watermarks: {out_of_orderness: 200ms, idle_timeout: 5s}",
        "windowing:",
        "  windows:",
        "    - {name: per_second, type: tumbling, size: 1s, allowed_lateness: 0ms}",
        "    - {name: rolling, type: sliding, size: 10s, slide: 1s}",
        "    - {name: sessions, type: session, gap: 500ms}",
        "aggregates: [count, sum, min, max]",
        "sink: {type: file, path: out/{window}.csv, format: csv}",
        "late_sink: {type: file, path: out/late.csv}",
        "dead_letter: {path: out/bad-input.csv}",
        "journal: {dir: var/journal, durability: default}",
        "server: {enabled: false, host: 127.0.0.1, port: 8080}",
        "");

    @TempDir
    Path directory;

    @Test
    void theIssuesLayoutLoadsAsWritten() throws Exception
    {
        final SluiceConfig config = load(FULL, Map.of());
        assertEquals("clicks", config.appName());
        assertEquals(directory.resolve("data/in.csv"), config.source().path());
        assertEquals(2, config.parallelism());
        assertEquals(65536, config.queueSize());
        assertEquals(30_000, config.checkpointIntervalMs());
        assertEquals(200, config.outOfOrdernessMs());
        assertEquals(5_000, config.idleTimeoutMs());
        assertEquals(3, config.windows().size());
        assertEquals(new SluiceConfig.Window("rolling", "sliding", 10_000, 1_000, 0, 0, 0), config.windows().get(1));
        assertEquals(500, config.windows().get(2).gapMs());
        assertEquals(directory.resolve("out/rolling.csv"), config.sink().pathFor("rolling"));
        assertEquals(directory.resolve("out/bad-input.csv"), config.deadLetter());
        assertEquals(directory.resolve("var/journal"), config.journal().dir());
    }

    @Test
    void overridesReplaceAndAddSingleKeys() throws Exception
    {
        final SluiceConfig config = load(FULL, Map.of("processing.parallelism", "4", "watermarks.out_of_orderness", "1s",
            "journal.durability", "sync"));
        assertEquals(4, config.parallelism());
        assertEquals(1_000, config.outOfOrdernessMs());
        assertEquals("sync", config.journal().durability());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown top-level key   | 'paralelism: 2'                        | 1:1  | unknown key 'paralelism'; valid here: app_name, source",
        "unknown nested key      | 'processing: {paralelism: 2}'          | 1:14 | unknown key 'processing.paralelism'; valid here: parallelism, queue_size, checkpoint_interval",
        "negative size           | 'windowing: {windows: [{name: w, type: tumbling, size: -1s}]}' | 1:55 | '-1s' is negative",
        "size without unit       | 'windowing: {windows: [{name: w, type: tumbling, size: 10}]}'  | 1:55 | a whole number with a unit: ms, s, m or h",
        "unknown window type     | 'windowing: {windows: [{name: w, type: hopping, size: 1s}]}'   | 1:39 | 'hopping' is not one of tumbling, sliding, session",
        "slide longer than size  | 'windowing: {windows: [{name: w, type: sliding, size: 1s, slide: 2s}]}' | 1:65 | use slide <= size",
        "offset not below size   | 'windowing: {windows: [{name: w, type: tumbling, size: 1s, offset: 1s}]}' | 1:67 | an offset must be below the window's size",
        "parallelism not number  | 'processing: {parallelism: two}'       | 1:27 | 'two' is not a whole number; expected one in [1, 64]",
        "queue not power of two  | 'processing: {queue_size: 1000}'       | 1:26 | 1000 is not a power of two",
        "mapping for a value     | 'app_name: {a: 1}'                     | 1:11 | must be a single value, not a mapping",
        "bad aggregate           | 'aggregates: [count, avg]'             | 1:21 | 'avg' is not one of count, sum, min, max",
        "bad durability          | 'journal: {dir: j, durability: fsync}' | 1:31 | 'fsync' is not one of default, sync",
        "port out of range       | 'server: {port: 70000}'                | 1:16 | 70000 is out of range",
        "bad fraction            | 'source: {type: generator, late_fraction: 2}' | 1:42 | '2' is not a fraction",
        "key of another type     | 'source: {type: generator, path: x.csv}' | 1:33 | does not apply here; valid keys for this type: type, events",
    })
    void mistakesNameTheirPlace(final String what, final String line, final String where, final String message) throws Exception
    {
        final String config = withoutTopKey(line.substring(0, line.indexOf(':')));
        final Path file = write(line + "\n" + config);
        final ConfigException error = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        final String expectedStart = file + ":" + where + ": ";
        assertEquals(true, error.getMessage().startsWith(expectedStart) && error.getMessage().contains(message),
            what + ": " + error.getMessage());
    }

    @Test
    void aKeyGivenTwiceIsAnError() throws Exception
    {
        final Path file = write("app_name: a\napp_name: b\n" + FULL.substring(FULL.indexOf('\n') + 1));
        final ConfigException error = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertEquals(file + ":2:1: 'app_name' is given twice", error.getMessage());
    }

    @Test
    void duplicateWindowNamesAreAnError() throws Exception
    {
        final Path file = write(FULL.replace("name: rolling", "name: per_second"));
        final ConfigException error = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertEquals(file + ":11:14: windowing.windows[1].name: window 'per_second' is defined twice; names must be unique", error.getMessage());
    }

    @Test
    void severalWindowsNeedTheWindowPlaceholderInAFileSinkPath() throws Exception
    {
        final Path file = write(FULL.replace("out/{window}.csv", "out/all.csv"));
        final ConfigException error = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertEquals(file + ":14:7: sink: the file sink's path must hold {window} when there are several windows (e.g. out/{window}.csv)",
            error.getMessage());
    }

    @Test
    void syntaxErrorsAndEmptyFilesAreReportedByPlace() throws Exception
    {
        final Path broken = write("source: {type: file\nwindowing: [\n");
        assertEquals(true, assertThrows(ConfigException.class, () -> ConfigLoader.load(broken, Map.of())).getMessage()
            .startsWith(broken + ":2:"));
        final Path empty = write("");
        assertEquals(empty + ": is empty; a config needs at least source, windowing and sink",
            assertThrows(ConfigException.class, () -> ConfigLoader.load(empty, Map.of())).getMessage());
        final Path missing = directory.resolve("nope.yaml");
        assertEquals(missing + ": no such file", assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, Map.of())).getMessage());
    }

    @Test
    void overridesThatAddressNothingAreErrors() throws Exception
    {
        final Path file = write(FULL);
        assertEquals("override -Dprocessing.threads=4: no key 'threads' in processing; valid there: parallelism, queue_size, checkpoint_interval",
            assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of("processing.threads", "4"))).getMessage());
        assertEquals("override -Dprocessing.parallelism=0: processing.parallelism: 0 is out of range; expected a whole number in [1, 64]",
            assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of("processing.parallelism", "0"))).getMessage());
    }

    @Test
    void aJournalSinkNeedsAJournal() throws Exception
    {
        final Path file = write(FULL.replace("sink: {type: file, path: out/{window}.csv, format: csv}", "sink: {type: journal}")
            .replace("journal: {dir: var/journal, durability: default}\n", ""));
        assertEquals(file + ":14:7: sink: a journal sink keeps results in the output journal: add journal: {dir: ...}",
            assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of())).getMessage());
    }

    @Test
    void sinksAndDeadLetterAreOptional() throws Exception
    {
        final SluiceConfig config = load(FULL.replace("late_sink: {type: file, path: out/late.csv}\n", "")
            .replace("dead_letter: {path: out/bad-input.csv}\n", ""), Map.of());
        assertNull(config.lateSink());
        assertNull(config.deadLetter());
    }

    @Test
    void withoutAQueueSizeTheEngineSizesTheRing() throws Exception
    {
        assertEquals(SluiceConfig.ENGINE_DEFAULT_QUEUE_SIZE, load(FULL.replace("  queue_size: 65536\n", ""), Map.of()).queueSize());
        assertEquals(SluiceConfig.ENGINE_DEFAULT_QUEUE_SIZE, load(withoutTopKey("processing"), Map.of()).queueSize());
    }

    /** FULL without the block of one top-level key (its line and the indented lines under it). */
    private static String withoutTopKey(final String key)
    {
        final StringBuilder kept = new StringBuilder();
        boolean skipping = false;
        for (final String line : FULL.split("\n"))
        {
            if (!line.startsWith(" "))
            {
                skipping = line.startsWith(key + ":");
            }
            if (!skipping)
            {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }

    private SluiceConfig load(final String text, final Map<String, String> overrides) throws Exception
    {
        return ConfigLoader.load(write(text), overrides);
    }

    private Path write(final String text) throws Exception
    {
        final Path file = directory.resolve("pipeline-" + System.nanoTime() + ".yaml");
        Files.writeString(file, text);
        return file;
    }
}
