package io.sluice.bench.latency;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntervalLoggerTest
{
    @Test
    void stopsWhenTheIntervalItIsTakingSwallowsTheInterrupt()
    {
        final CountDownLatch taking = new CountDownLatch(1);
        final AtomicInteger taken = new AtomicInteger();
        // As HdrHistogram's phaser flip may: sleeps and ignores an interrupt.
        final IntervalLogger logger = new IntervalLogger(() ->
        {
            taken.incrementAndGet();
            taking.countDown();
            final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() < until)
            {
                try
                {
                    Thread.sleep(10);
                }
                catch (final InterruptedException swallowed)
                {
                    // the interrupt is lost here
                }
            }
        }, 1);

        assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
        {
            logger.start();
            assertTrue(taking.await(5, TimeUnit.SECONDS));
            logger.stop(); // lands while the interval is being taken
        });
        assertEquals(1, taken.get(), "no interval taken after stop");
    }

    @Test
    void takesAnIntervalEachPeriodUntilStopped() throws InterruptedException
    {
        final CountDownLatch three = new CountDownLatch(3);
        final IntervalLogger logger = new IntervalLogger(three::countDown, 5);
        logger.start();
        assertTrue(three.await(5, TimeUnit.SECONDS));
        logger.stop();
    }
}
