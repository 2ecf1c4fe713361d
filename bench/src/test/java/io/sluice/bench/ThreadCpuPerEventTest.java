package io.sluice.bench;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadCpuPerEventTest
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Test
    void chargesThePublisherAndEngineThreadsTheirOwnCpuPerEvent() throws Exception
    {
        final CountDownLatch go = new CountDownLatch(1);
        final CountDownLatch burnt = new CountDownLatch(1);
        final CountDownLatch measured = new CountDownLatch(1);
        final Thread engine = new Thread(() ->
        {
            awaitQuietly(go);
            burnCpuMs(30);
            burnt.countDown();
            awaitQuietly(measured); // alive until measured: a dead thread has no CPU clock to read
        }, "sluice-test-stage");
        engine.start();
        final Thread other = new Thread(() -> awaitQuietly(measured), "not-an-engine-thread");
        other.start();

        final ThreadCpuPerEvent cpu = new ThreadCpuPerEvent();
        cpu.start(Thread.currentThread());
        go.countDown();
        burnCpuMs(20);
        burnt.await();
        cpu.stop(1_000);
        measured.countDown();
        engine.join();
        other.join();

        final String report = cpu.report();
        assertTrue(report.startsWith("CPU per event over 1,000 events (ns):"), report);
        final long publisher = nsPerEvent(report, "publisher");
        final long stage = nsPerEvent(report, "sluice-test-stage");
        // 20 and 30 ms of CPU over 1 000 events, plus what the test itself spent between the clock readings.
        assertTrue(publisher >= 20_000 && publisher < 30_000, report);
        assertTrue(stage >= 30_000 && stage < 40_000, report);
        assertTrue(!report.contains("not-an-engine-thread"), report);
        assertEquals(publisher + stage, nsPerEvent(report, "total"), 1, report);
    }

    @Test
    void saysSoWhenNothingWasMeasured()
    {
        assertEquals("CPU per event: no measured iteration", new ThreadCpuPerEvent().report());
    }

    private static long nsPerEvent(final String report, final String thread)
    {
        final Matcher matcher = Pattern.compile("[ :]" + Pattern.quote(thread) + " (\\d+)").matcher(report);
        assertTrue(matcher.find(), thread + " in " + report);
        return Long.parseLong(matcher.group(1));
    }

    /** Spins until this thread's own CPU clock has advanced by the given time. */
    private static void burnCpuMs(final long ms)
    {
        final long until = THREADS.getCurrentThreadCpuTime() + ms * 1_000_000;
        while (THREADS.getCurrentThreadCpuTime() < until)
        {
            Thread.onSpinWait(); // reading the clock is the work: a native call the JIT cannot drop
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
