package io.sluice;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The results Apache Flink 2.3.0 computed for the same inputs (src/test/resources/golden, copied from the
 * project's shared golden set), compared as sorted multisets, through the whole engine and several
 * shard counts.
 */
class GoldenFilesTest
{
    static Stream<Arguments> cases()
    {
        final List<Arguments> cases = new ArrayList<>();
        for (final int shards : new int[]{1, 2, 4})
        {
            cases.add(Arguments.of("a-tumbling-1000-b200.csv", "events-a.csv", Windows.tumbling(Duration.ofMillis(1000)), 200, 0, 0, shards));
            cases.add(Arguments.of("a-tumbling-1000-b100-l50.csv", "events-a.csv", Windows.tumbling(Duration.ofMillis(1000)), 100, 50, 54, shards));
            cases.add(Arguments.of("a-sliding-5000-1000-b200.csv", "events-a.csv",
                Windows.sliding(Duration.ofMillis(5000), Duration.ofMillis(1000)), 200, 0, 0, shards));
            cases.add(Arguments.of("b-tumbling-700-b150-l100.csv", "events-b.csv", Windows.tumbling(Duration.ofMillis(700)), 150, 100, 46, shards));
            cases.add(Arguments.of("c-session-400-b200.csv", "events-c.csv", Windows.session(Duration.ofMillis(400)), 200, 0, 0, shards));
            cases.add(Arguments.of("c-session-400-b100-l100.csv", "events-c.csv", Windows.session(Duration.ofMillis(400)), 100, 100, 0, shards));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} shards={6}")
    @MethodSource("cases")
    void shouldMatchFlinkExactly(
        final String expectedFile,
        final String inputFile,
        final WindowSpec window,
        final long boundMs,
        final long latenessMs,
        final long expectedLate,
        final int shards) throws IOException
    {
        final List<String> expected = readLines("golden/" + expectedFile);
        final boolean withFiring = expected.get(0).endsWith(",firing");
        expected.remove(0);

        final ConcurrentLinkedQueue<String> actual = new ConcurrentLinkedQueue<>();
        final long late;
        try (Sluice sluice = Sluice.builder()
            .shards(shards)
            .ringSize(1 << 12)
            .pipeline("golden", p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(boundMs)))
                .window(window)
                .allowedLateness(Duration.ofMillis(latenessMs))
                .onResult(r -> actual.add(r.windowStartMs() + "," + r.windowEndMs() + "," + r.key() + "," + r.count() + "," +
                    r.sum() + "," + r.min() + "," + r.max() + (withFiring ? "," + r.firing() : ""))))
            .start())
        {
            final List<String> input = readLines("golden/" + inputFile);
            for (final String line : input.subList(1, input.size()))
            {
                final String[] fields = line.split(",");
                sluice.publish("golden", Long.parseLong(fields[0]), fields[1], Long.parseLong(fields[2]));
            }
            sluice.close();
            late = sluice.lateCount("golden");
        }

        final List<String> sortedActual = new ArrayList<>(actual);
        Collections.sort(sortedActual);
        Collections.sort(expected);
        assertEquals(expected.size(), sortedActual.size(), "result count");
        assertEquals(expected, sortedActual);
        assertEquals(expectedLate, late, "late events");
    }

    static List<String> readLines(final String resource) throws IOException
    {
        final InputStream in = GoldenFilesTest.class.getClassLoader().getResourceAsStream(resource);
        if (in == null)
        {
            throw new IOException("missing test resource " + resource);
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)))
        {
            final List<String> lines = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine())
            {
                if (!line.isEmpty())
                {
                    lines.add(line);
                }
            }
            return lines;
        }
    }
}
