package io.sluice.tools;

import io.sluice.tools.config.ConfigLoader;
import io.sluice.tools.config.SluiceConfig;
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
        if (loaded.server().enabled())
        {
            throw new io.sluice.tools.config.ConfigException(config.toString(),
                "server.enabled: the HTTP server is not part of this build yet; set it to false");
        }
        final PipelineRun run = new PipelineRun(loaded, out, err, System.in);
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
            return 0;
        }
        finally
        {
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
