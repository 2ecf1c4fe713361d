package io.sluice.tools;

import io.sluice.ThreadingMode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every endpoint over real HTTP, against {@code sluice run --serve} in a child process: an endless generator
 * into a journaled run, bound to all interfaces (so changes need the bearer token), on a port the OS picks.
 */
class ApiServerTest
{
    private static final String TOKEN = "s3cret-token";

    @TempDir
    static Path work;
    private static Process server;
    private static String base;
    private static int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startServer() throws Exception
    {
        Files.writeString(work.resolve("pipeline.yaml"), String.join("\n",
            "app_name: clicks",
            "source: {type: generator, keys: 500, rate: 20000, disorder: 50ms, seed: 3}",
            "processing: {parallelism: 2, checkpoint_interval: 0ms}",
            "watermarks: {out_of_orderness: 100ms}",
            "windowing:",
            "  windows:",
            "    - {name: per_second, type: tumbling, size: 1s}",
            "    - {name: sessions, type: session, gap: 200ms}",
            "sink: {type: discard}",
            "journal: {dir: var/journal}",
            "server: {enabled: true, host: 0.0.0.0, port: 0, token: " + TOKEN + "}",
            ""));
        server = CliProcess.start(work, "run", "pipeline.yaml");
        final Pattern serving = Pattern.compile("serving http://[^:]+:(\\d+)/status");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (port == 0 && System.nanoTime() < deadline)
        {
            final Matcher matcher = serving.matcher(Files.readString(work.resolve("stderr.txt")));
            if (matcher.find())
            {
                port = Integer.parseInt(matcher.group(1));
            }
            Thread.sleep(50);
        }
        assertTrue(port > 0, "the server said where it listens: " + Files.readString(work.resolve("stderr.txt")));
        base = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stopServer() throws Exception
    {
        server.destroy(); // SIGTERM: the shutdown hook stops the run cleanly
        assertTrue(server.waitFor(30, TimeUnit.SECONDS));
    }

    @Test
    void healthStatusAndPipelines() throws Exception
    {
        assertReply(200, "{\"status\":\"UP\",\"state\":\"RUNNING\"}", get("/health"));
        final HttpResponse<String> status = get("/status");
        assertEquals(200, status.statusCode());
        assertEquals("application/json", status.headers().firstValue("Content-Type").orElse(""));
        final String threading = "\"threading\":\"" + ThreadingMode.forCores(2, Runtime.getRuntime().availableProcessors()) + "\"";
        assertTrue(status.body().startsWith("{\"app\":\"clicks\",\"state\":\"RUNNING\",\"uptime_seconds\":") &&
            status.body().contains("\"journal\":true,\"shards\":2,\"ring_backlog\":") &&
            status.body().contains("\"ring_capacity\":65536," + threading),
            status.body());
        assertReply(200, "{\"pipelines\":[{\"id\":\"clicks\",\"state\":\"RUNNING\",\"windows\":[{\"name\":\"per_second\"},{\"name\":\"sessions\"}]}]}",
            get("/pipelines"));
    }

    @Test
    void statsWatermarksStateAndWindowsDescribeTheRunningPipelines() throws Exception
    {
        awaitEvents(5_000);
        final String stats = get("/pipelines/clicks/stats").body();
        assertTrue(stats.startsWith("{\"id\":\"clicks\",\"state\":\"RUNNING\",\"input_events\":") &&
            stats.contains("{\"name\":\"per_second\",\"events\":") && stats.contains("{\"name\":\"sessions\",\"events\":") &&
            stats.contains("\"active_windows\":") && stats.contains("\"watermark_ms\":17"), stats);
        final String watermarks = get("/watermarks").body();
        assertTrue(watermarks.contains("{\"name\":\"per_second\",\"watermark_ms\":17") &&
            watermarks.contains("\"partitions\":[{\"partition\":0,\"max_event_time_ms\":17") && watermarks.contains("\"idle\":false"), watermarks);
        final String state = get("/state").body();
        assertTrue(state.startsWith("{\"interned_keys\":") && state.contains("\"entries\":") && state.contains("\"direct_memory_bytes\":"), state);
        final String alice = get("/state?key=user-1").body();
        assertTrue(alice.startsWith("{\"key\":\"user-1\",\"windows\":[{\"pipeline\":\"per_second\",\"start_ms\":17") &&
            alice.contains("\"count\":") && alice.contains("{\"pipeline\":\"sessions\""), alice);
        assertEquals("{\"key\":\"nobody\",\"windows\":[]}", get("/state?key=nobody").body());
        final String windows = get("/windows").body();
        assertTrue(windows.startsWith("{\"windows\":[{\"name\":\"per_second\",\"open\":"), windows);
    }

    @Test
    void stopPausesTheInputAndStartResumesIt() throws Exception
    {
        awaitEvents(1_000);
        assertReply(200, "{\"id\":\"clicks\",\"state\":\"PAUSED\"}", post("/pipelines/clicks/stop", TOKEN));
        Thread.sleep(200);
        final long paused = inputEvents();
        Thread.sleep(500);
        assertEquals(paused, inputEvents(), "no input while paused");
        assertReply(200, "{\"id\":\"clicks\",\"state\":\"RUNNING\"}", post("/pipelines/clicks/start", TOKEN));
        awaitEvents(paused + 2_000);
    }

    @Test
    void checkpointReturnsOnceDurable() throws Exception
    {
        final HttpResponse<String> checkpoint = post("/checkpoint", TOKEN);
        assertEquals(200, checkpoint.statusCode(), checkpoint.body());
        assertTrue(checkpoint.body().matches("\\{\"id\":\\d+,\"journal_index\":\\d+,\"bytes\":\\d+,\"duration_ms\":[0-9.E-]+,\"max_stall_ms\":[0-9.E-]+}"),
            checkpoint.body());
        assertTrue(Files.exists(work.resolve("var/journal/checkpoints")), "written to the journal directory");
    }

    @Test
    void metricsInPrometheusTextFormat() throws Exception
    {
        awaitEvents(5_000);
        final HttpResponse<String> metrics = get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"), metrics.headers().toString());
        final String text = metrics.body();
        for (final String metric : new String[] {
            "# TYPE stream_events_processed_total counter", "stream_events_processed_total{pipeline=\"per_second\"} ",
            "# TYPE stream_processing_duration_seconds histogram", "stream_processing_duration_seconds_count ",
            "stream_active_windows{pipeline=\"sessions\"} ", "stream_watermark_lag_seconds{idle=\"false\",partition=\"0\",pipeline=\"per_second\"} ",
            "stream_late_events_total{pipeline=\"per_second\"} ", "stream_dead_letters_total 0.0", "stream_ring_backlog_events ",
            "stream_ring_capacity_events 65536.0", "stream_checkpoints_total ", "stream_journal_index ", "jvm_memory_used_bytes{area=\"heap\"} ",
            "jvm_buffer_pool_used_bytes{pool=\"direct\"} ", "jvm_gc_collection_seconds_total", "process_uptime_seconds "})
        {
            assertTrue(text.contains(metric), metric + " in\n" + text);
        }
    }

    @Test
    void mistakesGetTheirStatusCodes() throws Exception
    {
        assertEquals(404, get("/nope").statusCode());
        assertEquals(404, get("/pipelines/other/stats").statusCode());
        assertTrue(get("/pipelines/other/stats").body().contains("no pipeline 'other'; this server runs 'clicks'"));
        assertEquals(404, get("/pipelines/clicks/frobnicate").statusCode());
        final HttpResponse<String> postStatus = post("/status", TOKEN);
        assertEquals(405, postStatus.statusCode());
        assertEquals("GET", postStatus.headers().firstValue("Allow").orElse(""));
        assertEquals(405, get("/checkpoint").statusCode());
        assertEquals(400, get("/status?verbose=1").statusCode());
        assertEquals(400, get("/state?key=a&x=1").statusCode());
        assertEquals(400, get("/state?key=").statusCode());
        assertEquals(401, post("/checkpoint", null).statusCode(), "no token");
        assertEquals(401, post("/pipelines/clicks/stop", "wrong").statusCode(), "wrong token");
        assertEquals("RUNNING", get("/health").body().replaceAll(".*\"state\":\"(\\w+)\".*", "$1"), "nothing changed by refused calls");
    }

    @Test
    void aSecondServerOnTheSamePortIsAClearError(@TempDir final Path other) throws Exception
    {
        Files.writeString(other.resolve("pipeline.yaml"), Files.readString(work.resolve("pipeline.yaml"))
            .replace("port: 0", "port: " + port).replace("journal: {dir: var/journal}", ""));
        final CliProcess.Result second = CliProcess.run(other, "run", "pipeline.yaml");
        assertEquals(2, second.exitCode(), second.stderr());
        assertTrue(second.stderr().contains("cannot listen on 0.0.0.0:" + port) && second.stderr().contains("choose another server.port"),
            second.stderr());
    }

    private long inputEvents() throws Exception
    {
        return Long.parseLong(get("/status").body().replaceAll(".*\"input_events\":(\\d+).*", "$1"));
    }

    private void awaitEvents(final long atLeast) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (inputEvents() < atLeast)
        {
            assertTrue(System.nanoTime() < deadline, "input reached " + atLeast);
            Thread.sleep(50);
        }
    }

    private HttpResponse<String> get(final String path) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(final String path, final String token) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null)
        {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertReply(final int status, final String body, final HttpResponse<String> response)
    {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(body, response.body());
    }
}
