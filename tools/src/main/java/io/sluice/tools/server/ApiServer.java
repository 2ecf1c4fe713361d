package io.sluice.tools.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sluice.CheckpointInfo;
import io.sluice.Sluice;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.Executors;

/**
 * The run's HTTP API, on the JDK's HTTP server, JSON in and out. Bound to loopback by default; bound beyond
 * it, the endpoints that change something (POST) need {@code Authorization: Bearer <token>}.
 *
 * <pre>
 *   GET  /health                  GET  /status                GET  /pipelines
 *   POST /pipelines/{id}/start    POST /pipelines/{id}/stop   GET  /pipelines/{id}/stats
 *   GET  /watermarks              GET  /state[?key=K]         GET  /windows
 *   POST /checkpoint              GET  /metrics (Prometheus text format)
 * </pre>
 *
 * A pipeline's id is the config's {@code app_name}; its windows are the engine's pipelines.
 */
public final class ApiServer implements AutoCloseable
{
    private final HttpServer server;
    private final RunControl run;
    private final Metrics metrics;
    private final String token;
    private final boolean loopback;

    private ApiServer(final HttpServer server, final RunControl run, final Metrics metrics, final String token, final boolean loopback)
    {
        this.server = server;
        this.run = run;
        this.metrics = metrics;
        this.token = token;
        this.loopback = loopback;
    }

    /**
     * @param token needed on POST when bound beyond loopback; null is refused there.
     * @throws IllegalArgumentException when the address cannot be used (port in use, unknown host, no token).
     */
    public static ApiServer start(final String host, final int port, final String token, final RunControl run, final Metrics metrics)
        throws IOException
    {
        final InetAddress address;
        try
        {
            address = InetAddress.getByName(host);
        }
        catch (final IOException e)
        {
            throw new IllegalArgumentException("server.host '" + host + "' is not an address of this machine: " + e.getMessage());
        }
        final boolean loopback = address.isLoopbackAddress();
        if (!loopback && (token == null || token.isBlank()))
        {
            throw new IllegalArgumentException("server.host " + host + " is beyond loopback: set server.token (or SLUICE_API_TOKEN) so " +
                "that only its holders can start, stop and checkpoint");
        }
        final HttpServer server;
        try
        {
            server = HttpServer.create(new InetSocketAddress(address, port), 16);
        }
        catch (final BindException e)
        {
            throw new IllegalArgumentException("cannot listen on " + host + ":" + port + " (" + e.getMessage() +
                "): another process has the port; choose another server.port");
        }
        final ApiServer api = new ApiServer(server, run, metrics, token, loopback);
        server.createContext("/", api::handle);
        server.setExecutor(Executors.newSingleThreadExecutor(r ->
        {
            final Thread thread = new Thread(r, "sluice-http");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
        return api;
    }

    /** The port bound (useful with port 0). */
    public int port()
    {
        return server.getAddress().getPort();
    }

    public void close()
    {
        server.stop(0);
    }

    private void handle(final HttpExchange exchange) throws IOException
    {
        try
        {
            route(exchange, exchange.getRequestMethod(), exchange.getRequestURI().getPath());
        }
        catch (final RuntimeException e)
        {
            reply(exchange, 500, Json.error("internal error: " + e));
        }
        finally
        {
            exchange.close();
        }
    }

    private void route(final HttpExchange exchange, final String method, final String path) throws IOException
    {
        final String query = exchange.getRequestURI().getRawQuery();
        if (query != null && !(path.equals("/state") && query.startsWith("key=") && !query.contains("&")))
        {
            reply(exchange, 400, Json.error("unexpected query parameters in " + exchange.getRequestURI() +
                "; only GET /state?key=KEY takes one"));
            return;
        }
        final String[] parts = path.length() > 1 && path.endsWith("/") ? path.substring(1, path.length() - 1).split("/", -1) :
            path.substring(1).split("/", -1);
        switch (parts[0])
        {
            case "health" -> get(exchange, method, parts, 1, this::health);
            case "status" -> get(exchange, method, parts, 1, this::status);
            case "watermarks" -> get(exchange, method, parts, 1, this::watermarks);
            case "state" -> get(exchange, method, parts, 1, this::state);
            case "windows" -> get(exchange, method, parts, 1, this::windows);
            case "metrics" -> get(exchange, method, parts, 1, this::metrics);
            case "checkpoint" -> post(exchange, method, parts, 1, this::checkpoint);
            case "pipelines" -> pipelines(exchange, method, parts);
            default -> reply(exchange, 404, Json.error("no endpoint " + path + "; see GET /status, /pipelines, /watermarks, /state, " +
                "/windows, /metrics, /health"));
        }
    }

    @FunctionalInterface
    private interface Handler
    {
        void handle(HttpExchange exchange) throws IOException;
    }

    private void get(final HttpExchange exchange, final String method, final String[] parts, final int length, final Handler handler)
        throws IOException
    {
        if (parts.length != length)
        {
            reply(exchange, 404, Json.error("no endpoint " + exchange.getRequestURI().getPath()));
        }
        else if (!method.equals("GET") && !method.equals("HEAD"))
        {
            exchange.getResponseHeaders().set("Allow", "GET");
            reply(exchange, 405, Json.error(method + " is not allowed here; use GET"));
        }
        else
        {
            handler.handle(exchange);
        }
    }

    private void post(final HttpExchange exchange, final String method, final String[] parts, final int length, final Handler handler)
        throws IOException
    {
        if (parts.length != length)
        {
            reply(exchange, 404, Json.error("no endpoint " + exchange.getRequestURI().getPath()));
        }
        else if (!method.equals("POST"))
        {
            exchange.getResponseHeaders().set("Allow", "POST");
            reply(exchange, 405, Json.error(method + " is not allowed here; use POST"));
        }
        else if (!authorized(exchange))
        {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            reply(exchange, 401, Json.error("this server is reachable beyond loopback: send Authorization: Bearer <server.token>"));
        }
        else
        {
            handler.handle(exchange);
        }
    }

    private boolean authorized(final HttpExchange exchange)
    {
        if (loopback)
        {
            return true;
        }
        final String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header != null && header.startsWith("Bearer ") &&
            MessageDigest.isEqual(header.substring(7).trim().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    private void pipelines(final HttpExchange exchange, final String method, final String[] parts) throws IOException
    {
        if (parts.length == 1)
        {
            get(exchange, method, parts, 1, this::listPipelines);
            return;
        }
        if (!parts[1].equals(run.appName()))
        {
            reply(exchange, 404, Json.error("no pipeline '" + parts[1] + "'; this server runs '" + run.appName() + "'"));
            return;
        }
        if (parts.length != 3)
        {
            reply(exchange, 404, Json.error("no endpoint " + exchange.getRequestURI().getPath() + "; see /pipelines/" + run.appName() +
                "/stats, /start, /stop"));
            return;
        }
        switch (parts[2])
        {
            case "stats" -> get(exchange, method, parts, 3, this::stats);
            case "start" -> post(exchange, method, parts, 3, e -> control(e, run.resume()));
            case "stop" -> post(exchange, method, parts, 3, e -> control(e, run.pause()));
            default -> reply(exchange, 404, Json.error("no endpoint " + exchange.getRequestURI().getPath() + "; see /pipelines/" +
                run.appName() + "/stats, /start, /stop"));
        }
    }

    private void health(final HttpExchange exchange) throws IOException
    {
        final boolean up = run.state() != RunControl.State.FAILED;
        reply(exchange, up ? 200 : 503, new Json().object().field("status", up ? "UP" : "DOWN").field("state", run.state().name()).end().toString());
    }

    private void status(final HttpExchange exchange) throws IOException
    {
        final Sluice engine = run.engine();
        final Json json = new Json().object()
            .field("app", run.appName())
            .field("state", run.state().name())
            .field("uptime_seconds", (System.currentTimeMillis() - run.startedAtMs()) / 1e3)
            .field("input_events", run.eventsRead())
            .field("dead_letters", run.deadLetters())
            .field("journal", run.journaled());
        if (engine != null)
        {
            json.field("shards", engine.shardCount())
                .field("ring_backlog", engine.ringBacklog())
                .field("ring_capacity", engine.ringSize())
                .field("threading", engine.threadingMode().name())
                .field("journal_index", engine.journalIndex())
                .field("checkpoints", engine.checkpointCount());
            final CheckpointInfo last = engine.lastCheckpoint();
            if (last != null)
            {
                checkpointFields(json.object("last_checkpoint"), last).end();
            }
        }
        reply(exchange, 200, json.end().toString());
    }

    private void listPipelines(final HttpExchange exchange) throws IOException
    {
        final Json json = new Json().object().array("pipelines").object()
            .field("id", run.appName()).field("state", run.state().name()).array("windows");
        for (final String window : run.windows())
        {
            json.object().field("name", window).end();
        }
        reply(exchange, 200, json.endArray().end().endArray().end().toString());
    }

    private void stats(final HttpExchange exchange) throws IOException
    {
        final Sluice engine = run.engine();
        final Json json = new Json().object().field("id", run.appName()).field("state", run.state().name())
            .field("input_events", run.eventsRead()).field("dead_letters", run.deadLetters()).array("windows");
        if (engine != null)
        {
            for (final String window : run.windows())
            {
                json.object().field("name", window)
                    .field("events", engine.eventsStamped(window))
                    .field("results", engine.resultCount(window))
                    .field("late", engine.lateCount(window))
                    .field("active_windows", engine.activeWindows(window))
                    .field("pending_timers", engine.pendingTimers(window))
                    .time("watermark_ms", engine.watermarkMs(window)).end();
            }
        }
        reply(exchange, 200, json.endArray().end().toString());
    }

    private void watermarks(final HttpExchange exchange) throws IOException
    {
        final Sluice engine = run.engine();
        final long now = System.currentTimeMillis();
        final Json json = new Json().object().array("pipelines");
        if (engine != null)
        {
            for (final String window : run.windows())
            {
                final long watermark = engine.watermarkMs(window);
                json.object().field("name", window).time("watermark_ms", watermark)
                    .time("lag_ms", watermark == Long.MIN_VALUE ? Long.MIN_VALUE : now - watermark).array("partitions");
                engine.forEachPartition(window, (partition, maxTime, partitionWatermark, idle) ->
                    json.object().field("partition", partition).time("max_event_time_ms", maxTime)
                        .time("watermark_ms", partitionWatermark)
                        .time("lag_ms", partitionWatermark == Long.MIN_VALUE ? Long.MIN_VALUE : now - partitionWatermark)
                        .field("idle", idle).end());
                json.endArray().end();
            }
        }
        reply(exchange, 200, json.endArray().end().toString());
    }

    private void state(final HttpExchange exchange) throws IOException
    {
        final String query = exchange.getRequestURI().getRawQuery();
        if (query != null)
        {
            keyState(exchange, java.net.URLDecoder.decode(query.substring("key=".length()), StandardCharsets.UTF_8));
            return;
        }
        final Sluice engine = run.engine();
        final Json json = new Json().object();
        if (engine != null)
        {
            long entries = 0;
            long timers = 0;
            json.field("interned_keys", engine.internedKeys()).array("windows");
            for (final String window : run.windows())
            {
                final long active = engine.activeWindows(window);
                final long pending = engine.pendingTimers(window);
                entries += active;
                timers += pending;
                json.object().field("name", window).field("entries", active).field("pending_timers", pending).end();
            }
            json.endArray().field("entries", entries).field("pending_timers", timers)
                .field("direct_memory_bytes", directMemoryBytes()); // the process's, state tables included
        }
        reply(exchange, 200, json.end().toString());
    }

    /** One key's live windows in every pipeline, asked of the shard that owns it. */
    private void keyState(final HttpExchange exchange, final String key) throws IOException
    {
        final Sluice engine = run.engine();
        if (key.isEmpty() || key.length() > 128)
        {
            reply(exchange, 400, Json.error("key must be 1 to 128 characters"));
            return;
        }
        if (engine == null || run.state() == RunControl.State.FINISHED || run.state() == RunControl.State.STOPPED)
        {
            reply(exchange, 409, Json.error("the engine is not running: no shard to ask"));
            return;
        }
        final Json json = new Json().object().field("key", key).array("windows");
        try
        {
            for (final String window : run.windows())
            {
                for (final io.sluice.WindowState state : engine.liveWindows(window, key))
                {
                    json.object().field("pipeline", state.pipeline()).field("start_ms", state.startMs()).field("end_ms", state.endMs())
                        .field("count", state.count()).field("sum", state.sum()).field("min", state.min()).field("max", state.max()).end();
                }
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            reply(exchange, 503, Json.error("interrupted while waiting for the shard"));
            return;
        }
        reply(exchange, 200, json.endArray().end().toString());
    }

    private void windows(final HttpExchange exchange) throws IOException
    {
        final Sluice engine = run.engine();
        final Json json = new Json().object().array("windows");
        if (engine != null)
        {
            for (final String window : run.windows())
            {
                json.object().field("name", window).field("open", engine.activeWindows(window))
                    .time("watermark_ms", engine.watermarkMs(window)).end();
            }
        }
        reply(exchange, 200, json.endArray().end().toString());
    }

    private void checkpoint(final HttpExchange exchange) throws IOException
    {
        final Sluice engine = run.engine();
        if (engine == null || !run.journaled())
        {
            reply(exchange, 409, Json.error(engine == null ? "the engine is not started yet" :
                "this run has no journal, so nothing to checkpoint: add journal: {dir: ...} to the config"));
            return;
        }
        if (run.state() == RunControl.State.FINISHED || run.state() == RunControl.State.STOPPED)
        {
            reply(exchange, 409, Json.error("the run is " + run.state().name().toLowerCase(java.util.Locale.ROOT) + ": nothing to checkpoint"));
            return;
        }
        final CheckpointInfo info = engine.checkpoint();
        reply(exchange, 200, checkpointFields(new Json().object(), info).end().toString());
    }

    private void control(final HttpExchange exchange, final boolean done) throws IOException
    {
        if (!done)
        {
            reply(exchange, 409, Json.error("the pipeline is " + run.state().name().toLowerCase(java.util.Locale.ROOT) +
                ": it can no longer be started or stopped"));
            return;
        }
        reply(exchange, 200, new Json().object().field("id", run.appName()).field("state", run.state().name()).end().toString());
    }

    private void metrics(final HttpExchange exchange) throws IOException
    {
        exchange.getResponseHeaders().set("Content-Type", metrics.contentType());
        final java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream(8192);
        metrics.write(text);
        exchange.sendResponseHeaders(200, exchange.getRequestMethod().equals("HEAD") ? -1 : text.size());
        if (!exchange.getRequestMethod().equals("HEAD"))
        {
            try (OutputStream body = exchange.getResponseBody())
            {
                text.writeTo(body);
            }
        }
    }

    private static Json checkpointFields(final Json json, final CheckpointInfo info)
    {
        return json.field("id", info.id()).field("journal_index", info.journalIndex()).field("bytes", info.bytes())
            .field("duration_ms", info.durationNs() / 1e6).field("max_stall_ms", info.maxStallNs() / 1e6);
    }

    private static long directMemoryBytes()
    {
        long bytes = 0;
        for (final java.lang.management.BufferPoolMXBean pool :
            java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class))
        {
            if (pool.getName().equals("direct"))
            {
                bytes += pool.getMemoryUsed();
            }
        }
        return bytes;
    }

    private static void reply(final HttpExchange exchange, final int status, final String json) throws IOException
    {
        final byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        final boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head)
        {
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        }
    }
}
