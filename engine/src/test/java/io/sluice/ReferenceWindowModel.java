package io.sluice;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deliberately naive model of Flink's event-time window operator, written from the rules and sharing
 * nothing with the engine: every window is its own object holding every value, assigned per element
 * with Flink's formulas, fired and cleaned by scanning all windows on every watermark. Slow and obvious.
 */
final class ReferenceWindowModel
{
    private record Window(long start, long end)
    {
        boolean intersects(final Window other)
        {
            return start <= other.end && end >= other.start;
        }
    }

    private static final class Contents
    {
        final List<Long> values = new ArrayList<>();
        boolean timerPending;
        int firings;
    }

    private final WindowSpec spec;
    private final long latenessMs;
    private final long boundMs;
    private final Map<String, TreeMap<Long, Map<Window, Contents>>> state = new HashMap<>();
    private final List<String> output = new ArrayList<>();
    private long maxTimestamp = Long.MIN_VALUE;
    private long watermark = Long.MIN_VALUE;
    private long late;
    private long outsideWindows;

    ReferenceWindowModel(final WindowSpec spec, final long latenessMs, final long boundMs)
    {
        this.spec = spec;
        this.latenessMs = latenessMs;
        this.boundMs = boundMs;
    }

    List<String> output()
    {
        return output;
    }

    long late()
    {
        return late;
    }

    long outsideWindows()
    {
        return outsideWindows;
    }

    void event(final String key, final long t, final long value)
    {
        element(key, t, value);
        maxTimestamp = Math.max(maxTimestamp, t);
        advance(maxTimestamp - boundMs - 1);
    }

    void endOfInput()
    {
        advance(Long.MAX_VALUE);
    }

    private Map<Window, Contents> windowsOf(final String key)
    {
        return state.computeIfAbsent(key, k -> new TreeMap<>()).computeIfAbsent(0L, k -> new HashMap<>());
    }

    private boolean isLate(final Window w)
    {
        return w.end - 1 + latenessMs <= watermark;
    }

    private void element(final String key, final long t, final long value)
    {
        final Map<Window, Contents> windows = windowsOf(key);
        if (spec.type() == WindowSpec.Type.SESSION)
        {
            final Window fresh = new Window(t, t + spec.gapMs());
            final List<Window> touching = new ArrayList<>();
            for (final Window w : windows.keySet())
            {
                if (w.intersects(fresh))
                {
                    touching.add(w);
                }
            }
            long start = fresh.start;
            long end = fresh.end;
            for (final Window w : touching)
            {
                start = Math.min(start, w.start);
                end = Math.max(end, w.end);
            }
            final Window merged = new Window(start, end);
            if (touching.isEmpty() && isLate(merged))
            {
                late++;
                return;
            }
            final Contents contents;
            if (touching.size() == 1 && touching.get(0).equals(merged))
            {
                contents = windows.get(merged);
            }
            else
            {
                contents = new Contents();
                for (final Window w : touching)
                {
                    contents.values.addAll(windows.remove(w).values);
                }
                contents.timerPending = merged.end - 1 > watermark;
                windows.put(merged, contents);
            }
            contents.values.add(value);
            if (merged.end - 1 <= watermark)
            {
                emit(key, merged, contents);
            }
            return;
        }

        final long lastStart = t - Math.floorMod(t - spec.offsetMs(), spec.slideMs());
        boolean accepted = false;
        for (long start = lastStart; start > t - spec.sizeMs(); start -= spec.slideMs())
        {
            final Window w = new Window(start, start + spec.sizeMs());
            if (isLate(w))
            {
                continue;
            }
            accepted = true;
            final Contents contents = windows.computeIfAbsent(w, x -> new Contents());
            contents.values.add(value);
            if (w.end - 1 <= watermark)
            {
                emit(key, w, contents);
            }
            else
            {
                contents.timerPending = true;
            }
        }
        // Flink: an element no window took goes to the late output when its own timestamp is late
        // (always the case when it had windows and all were late); in a gap between windows it is dropped.
        if (!accepted)
        {
            if (t + latenessMs <= watermark)
            {
                late++;
            }
            else
            {
                outsideWindows++;
            }
        }
    }

    private void advance(final long newWatermark)
    {
        if (newWatermark <= watermark)
        {
            return;
        }
        watermark = newWatermark;
        for (final Map.Entry<String, TreeMap<Long, Map<Window, Contents>>> entry : state.entrySet())
        {
            final Map<Window, Contents> windows = entry.getValue().get(0L);
            for (final Map.Entry<Window, Contents> w : windows.entrySet())
            {
                if (w.getValue().timerPending && w.getKey().end - 1 <= watermark)
                {
                    w.getValue().timerPending = false;
                    emit(entry.getKey(), w.getKey(), w.getValue());
                }
            }
            windows.keySet().removeIf(this::isLate);
        }
    }

    private void emit(final String key, final Window w, final Contents contents)
    {
        long sum = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (final long v : contents.values)
        {
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        output.add(w.start + "," + w.end + "," + key + "," + contents.values.size() + "," + sum + "," + min + "," + max + "," +
            contents.firings++);
    }
}
