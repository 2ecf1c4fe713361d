package io.sluice.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time by thread, per event, over the measured iterations of a benchmark: which stage costs what. On two
 * cores every thread's CPU comes out of one budget, so a rate alone does not say where it goes; a thread
 * that waits costs little here, one that computes (or faults pages in, in the kernel) costs a lot.
 *
 * <p>Counts the publishing thread (as "publisher") and every thread whose name starts with "sluice-": the
 * sequencer, the shards, the page toucher, the checkpointer. The JVM's CPU clock per thread counts user and
 * kernel time alike (a profiler sampling in user space missed most of the toucher's, which is in the kernel).
 */
final class ThreadCpuPerEvent
{
    private static final String ENGINE_PREFIX = "sluice-";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, String> names = new HashMap<>();
    private final Map<Long, Long> atStart = new HashMap<>();
    private final Map<String, Long> cpuNs = new TreeMap<>();
    private long events;

    /** At the start of a measured iteration, from the publishing thread. */
    void start(final Thread publisher)
    {
        names.clear();
        atStart.clear();
        names.put(publisher.getId(), "publisher");
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().startsWith(ENGINE_PREFIX))
            {
                names.put(thread.getId(), thread.getName());
            }
        }
        for (final long id : names.keySet())
        {
            atStart.put(id, threads.getThreadCpuTime(id));
        }
    }

    /** At the end of the measured iteration: adds each thread's CPU since {@link #start} and the events published. */
    void stop(final long eventsPublished)
    {
        for (final Map.Entry<Long, String> thread : names.entrySet())
        {
            final long now = threads.getThreadCpuTime(thread.getKey());
            final long before = atStart.get(thread.getKey());
            if (now >= 0 && before >= 0)
            {
                cpuNs.merge(thread.getValue(), now - before, Long::sum);
            }
        }
        events += eventsPublished;
    }

    /** One line: each thread's CPU in ns per event and their total, or a note that nothing was measured. */
    String report()
    {
        if (events == 0)
        {
            return "CPU per event: no measured iteration";
        }
        final StringBuilder line = new StringBuilder("CPU per event over ").append(String.format("%,d", events)).append(" events (ns):");
        long total = 0;
        for (final Map.Entry<String, Long> thread : cpuNs.entrySet())
        {
            total += thread.getValue();
            line.append(' ').append(thread.getKey()).append(' ').append(Math.round((double)thread.getValue() / events));
        }
        return line.append(", total ").append(Math.round((double)total / events)).toString();
    }
}
