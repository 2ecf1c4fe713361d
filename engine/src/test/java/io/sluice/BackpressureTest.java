package io.sluice;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ring is the only buffer: with the shard stalled inside a listener, the ring fills, tryPublish
 * refuses and publish blocks; once the shard resumes, every accepted event is in the results.
 */
class BackpressureTest
{
    @Test
    void shouldBlockAndRefuseWhenRingIsFullThenDeliverEverythingAccepted() throws Exception
    {
        final int ringSize = 16;
        final CountDownLatch stalled = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicLong countedEvents = new AtomicLong();
        final Sluice sluice = Sluice.builder()
            .ringSize(ringSize)
            .pipeline("p", p -> p
                .window(Windows.tumbling(Duration.ofMillis(10)))
                .onResult(r ->
                {
                    countedEvents.addAndGet(r.count());
                    stalled.countDown();
                    await(release);
                }))
            .start();
        long published = 0;
        try
        {
            sluice.publish("p", 0, "a", 1);
            sluice.publish("p", 100, "a", 1); // watermark 99 fires [0,10): the shard stalls in the listener
            published += 2;
            assertTrue(stalled.await(10, TimeUnit.SECONDS), "shard reached the listener");

            long t = 200;
            int accepted = 0;
            while (sluice.tryPublish("p", t++, "a", 1))
            {
                accepted++;
                assertTrue(accepted <= ringSize, "accepted more than the ring holds: " + accepted);
            }
            published += accepted;
            assertTrue(accepted >= ringSize - 2, "ring capacity usable while stalled: " + accepted);
            assertFalse(sluice.tryPublish("p", t, "a", 1), "still full");

            final CountDownLatch publishReturned = new CountDownLatch(1);
            final long blockedTime = t;
            final Thread publisher = new Thread(() ->
            {
                sluice.publish("p", blockedTime, "a", 1);
                publishReturned.countDown();
            });
            publisher.start();
            assertFalse(publishReturned.await(300, TimeUnit.MILLISECONDS), "publish must block while the ring is full");
            assertTrue(publisher.isAlive());

            release.countDown();
            assertTrue(publishReturned.await(10, TimeUnit.SECONDS), "publish returns once the shard drains");
            publisher.join();
            published++;
        }
        finally
        {
            release.countDown();
            sluice.close();
        }
        assertEquals(published, countedEvents.get(), "every accepted event is counted in some window");
        assertEquals(0, sluice.lateCount("p"));
    }

    private static void await(final CountDownLatch latch)
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
