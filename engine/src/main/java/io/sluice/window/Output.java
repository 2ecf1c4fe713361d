package io.sluice.window;

import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;
import io.sluice.LateEvent;
import io.sluice.LateListener;
import io.sluice.ResultListener;
import io.sluice.WindowResult;
import io.sluice.record.OutputJournal;
import io.sluice.state.KeyDictionary;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Where one pipeline's operator in one shard fires to: fills reused flyweights, stamps (shard,
 * sequence) and calls the user's listeners. A listener that throws is reported to the error handler
 * and the shard carries on: one bad callback must not stop the shard, which would stall every publisher.
 */
public final class Output
{
    private final String pipelineName;
    private final int pipelineId;
    private final int shard;
    private final OutputSequence sequence;
    private final KeyDictionary dictionary;
    private final AccumulatorLayout layout;
    private final ResultListener resultListener;
    private final LateListener lateListener;
    private final ErrorHandler errorHandler;
    private final OutputJournal journal;
    private final ResultView resultView = new ResultView();
    private final LateView lateView = new LateView();
    private final LongText longText = new LongText();
    // Written by the shard thread only; lazySet publishes without a fence for readers on other threads.
    private final AtomicLong resultCount = new AtomicLong();
    private final AtomicLong lateCount = new AtomicLong();
    private final AtomicLong outsideWindowsCount = new AtomicLong();

    /** @param journal the shard's output journal, or null when outputs go to the listeners only. */
    public Output(
        final String pipelineName,
        final int pipelineId,
        final int shard,
        final OutputSequence sequence,
        final KeyDictionary dictionary,
        final AccumulatorLayout layout,
        final ResultListener resultListener,
        final LateListener lateListener,
        final ErrorHandler errorHandler,
        final OutputJournal journal)
    {
        this.journal = journal;
        this.pipelineName = pipelineName;
        this.pipelineId = pipelineId;
        this.shard = shard;
        this.sequence = sequence;
        this.dictionary = dictionary;
        this.layout = layout;
        this.resultListener = resultListener;
        this.lateListener = lateListener;
        this.errorHandler = errorHandler;
    }

    public String pipelineName()
    {
        return pipelineName;
    }

    public AccumulatorLayout layout()
    {
        return layout;
    }

    public long resultCount()
    {
        return resultCount.get();
    }

    public long lateCount()
    {
        return lateCount.get();
    }

    /** Events that fell between windows (sliding windows whose slide exceeds their size). */
    public long outsideWindowsCount()
    {
        return outsideWindowsCount.get();
    }

    /** The counters; the shard's output sequence is saved by the shard, which shares it among pipelines. */
    public void saveTo(final StateWriter out)
    {
        out.section(0x0C07B007).putLong(resultCount.get()).putLong(lateCount.get()).putLong(outsideWindowsCount.get());
    }

    public void restoreFrom(final StateReader in)
    {
        in.expectSection(0x0C07B007, "a pipeline's output counters");
        resultCount.set(in.getLong());
        lateCount.set(in.getLong());
        outsideWindowsCount.set(in.getLong());
    }

    public void outsideWindows()
    {
        outsideWindowsCount.lazySet(outsideWindowsCount.get() + 1);
    }

    public void result(
        final int keyTag,
        final long keyId,
        final long windowStartMs,
        final long windowEndMs,
        final DirectBuffer accumulator,
        final int accumulatorOffset,
        final int firing)
    {
        final ResultView view = resultView;
        view.keyTag = keyTag;
        view.keyId = keyId;
        view.windowStartMs = windowStartMs;
        view.windowEndMs = windowEndMs;
        view.accumulator = accumulator;
        view.accumulatorOffset = accumulatorOffset;
        view.firing = firing;
        view.sequence = sequence.next();
        view.inputIndex = sequence.inputIndex();
        if (journal != null)
        {
            if (journal.alreadyJournaled(view.sequence))
            {
                view.accumulator = null;
                return; // recovery re-produced an output that went out before the crash
            }
            journal.append(view);
        }
        resultCount.lazySet(resultCount.get() + 1);
        if (resultListener != null)
        {
            try
            {
                resultListener.onResult(view);
            }
            catch (final Throwable t)
            {
                errorHandler.onError(t);
            }
        }
        view.accumulator = null;
    }

    public void late(
        final int keyTag, final long keyId, final long eventTimeMs, final long value, final int partition, final long watermarkMs)
    {
        final LateView view = lateView;
        view.keyTag = keyTag;
        view.keyId = keyId;
        view.eventTimeMs = eventTimeMs;
        view.value = value;
        view.partition = partition;
        view.watermarkMs = watermarkMs;
        view.sequence = sequence.next();
        view.inputIndex = sequence.inputIndex();
        if (journal != null)
        {
            if (journal.alreadyJournaled(view.sequence))
            {
                return;
            }
            journal.append(view);
        }
        lateCount.lazySet(lateCount.get() + 1);
        if (lateListener != null)
        {
            try
            {
                lateListener.onLate(view);
            }
            catch (final Throwable t)
            {
                errorHandler.onError(t);
            }
        }
    }

    /** What a result and a late event say alike: the pipeline, and the key as it was published. */
    private abstract class KeyedView
    {
        int keyTag;
        long keyId;
        long sequence;
        long inputIndex;

        public String pipeline()
        {
            return pipelineName;
        }

        public int pipelineId()
        {
            return pipelineId;
        }

        public CharSequence key()
        {
            return keyTag == KeyTags.TEXT ? dictionary.text((int)keyId) : longText.wrap(keyId);
        }

        public boolean isLongKey()
        {
            return keyTag == KeyTags.LONG;
        }

        public long keyAsLong()
        {
            if (keyTag != KeyTags.LONG)
            {
                throw new IllegalStateException("key was published as text; use key()");
            }
            return keyId;
        }

        public int shard()
        {
            return shard;
        }

        public long sequence()
        {
            return sequence;
        }

        public long inputIndex()
        {
            return inputIndex;
        }
    }

    private final class ResultView extends KeyedView implements WindowResult
    {
        long windowStartMs;
        long windowEndMs;
        DirectBuffer accumulator;
        int accumulatorOffset;
        int firing;

        public long windowStartMs()
        {
            return windowStartMs;
        }

        public long windowEndMs()
        {
            return windowEndMs;
        }

        public long count()
        {
            return accumulator.getLong(accumulatorOffset + AccumulatorLayout.COUNT_OFFSET);
        }

        public long sum()
        {
            return accumulator.getLong(accumulatorOffset + AccumulatorLayout.SUM_OFFSET);
        }

        public long min()
        {
            return accumulator.getLong(accumulatorOffset + AccumulatorLayout.MIN_OFFSET);
        }

        public long max()
        {
            return accumulator.getLong(accumulatorOffset + AccumulatorLayout.MAX_OFFSET);
        }

        public long value(final int aggregateIndex)
        {
            return layout.value(accumulator, accumulatorOffset, aggregateIndex);
        }

        public int firing()
        {
            return firing;
        }

        public String toString()
        {
            return pipelineName + "[" + windowStartMs + "," + windowEndMs + ") key=" + key() + " count=" + count() +
                " sum=" + sum() + " min=" + min() + " max=" + max() + " firing=" + firing;
        }
    }

    private final class LateView extends KeyedView implements LateEvent
    {
        long eventTimeMs;
        long value;
        int partition;
        long watermarkMs;

        public long eventTimeMs()
        {
            return eventTimeMs;
        }

        public long value()
        {
            return value;
        }

        public int partition()
        {
            return partition;
        }

        public long watermarkMs()
        {
            return watermarkMs;
        }

        public String toString()
        {
            return pipelineName + " late t=" + eventTimeMs + " key=" + key() + " value=" + value + " wm=" + watermarkMs;
        }
    }
}
