package io.sluice.tools;

import io.sluice.tools.config.ConfigLoader;
import io.sluice.tools.config.SluiceConfig;
import io.sluice.tools.server.ApiServer;
import io.sluice.tools.server.Metrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code sluice run CONFIG.yaml}: runs until the input ends or Ctrl-C; re-running the same command resumes. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {"Runs the pipelines a YAML config describes until the input ends or Ctrl-C.",
        "With a journal, re-running the same command resumes exactly where the last run stopped or crashed."})
final class RunCommand implements Callable<Integer>
{
    private final PrintStream out;
    private final PrintWriter err;

    @Parameters(index = "0", paramLabel = "CONFIG.yaml", description = "The pipeline configuration.")
    private Path config;

    @Option(names = "--serve", description = "Serves the REST API and /metrics (as server.enabled: true) and keeps serving after the input ends, until Ctrl-C.")
    private boolean serve;

    @Option(names = "-D", paramLabel = "KEY=VALUE", mapFallbackValue = "",
        description = "Overrides one key of the config, e.g. -Dprocessing.parallelism=4 (repeatable).")
    private Map<String, String> overrides = new LinkedHashMap<>();

    RunCommand(final PrintStream out, final PrintWriter err)
    {
        this.out = out;
        this.err = err;
    }

    public Integer call() throws Exception
    {
        final SluiceConfig loaded = ConfigLoader.load(config, overrides);
        final boolean serving = serve || loaded.server().enabled();
        final Metrics[] metrics = {null};
        final PipelineRun run = new PipelineRun(loaded, out, err, System.in,
            serving ? nanos -> metrics[0].observeProcessingNanos(nanos) : null);
        ApiServer api = null;
        if (serving)
        {
            metrics[0] = new Metrics(run);
            final String token = loaded.server().token() != null ? loaded.server().token() : System.getenv("SLUICE_API_TOKEN");
            api = ApiServer.start(loaded.server().host(), loaded.server().port(), token, run, metrics[0]);
            err.println("sluice run " + loaded.appName() + ": serving http://" + loaded.server().host() + ":" + api.port() + "/status");
            err.flush();
        }
        final CountDownLatch finished = new CountDownLatch(1);
        final Thread hook = new Thread(() ->
        {
            run.requestStop();
            try
            {
                finished.await(); // let the run drain and commit before the JVM exits
            }
            catch (final InterruptedException ignored)
            {
                Thread.currentThread().interrupt();
            }
        }, "sluice-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try
        {
            final PipelineRun.Summary summary = run.run();
            out.printf("sluice run %s: %s%,d events, %,d results, %,d late, %,d dead-lettered in %.2f s (%,.0f events/s)%n",
                loaded.appName(), summary.stopped() ? "stopped after " : "", summary.events(), summary.results(), summary.late(),
                summary.deadLetters(), summary.nanos() / 1e9, summary.events() * 1e9 / Math.max(1, summary.nanos()));
            out.flush();
            while (api != null && !run.stopRequested())
            {
                Thread.sleep(100); // the input has ended; the API stays up for inspection until Ctrl-C
            }
            return 0;
        }
        finally
        {
            if (api != null)
            {
                api.close();
            }
            finished.countDown();
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException shuttingDown)
            {
                // Ctrl-C: the hook is running and waits for the latch above
            }
        }
    }
}
