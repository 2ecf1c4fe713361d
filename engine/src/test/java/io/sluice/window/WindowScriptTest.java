package io.sluice.window;

import io.sluice.Aggregates;
import io.sluice.PrimitiveAggregate;
import io.sluice.Windows;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Window rules as scripts: elements (out of order), watermarks, and the exact output expected after
 * each step. Output lines are {@code start,end,key,count,sum,min,max,firing} or {@code late:key,t,value}.
 */
class WindowScriptTest
{
    private WindowHarness harness;

    @AfterEach
    void tearDown()
    {
        harness.close();
    }

    private static Duration ms(final long ms)
    {
        return Duration.ofMillis(ms);
    }

    private void expect(final String... lines)
    {
        assertEquals(List.of(lines), harness.drain());
    }

    @Test
    void shouldFireTumblingWindowWhenWatermarkReachesEndMinusOne()
    {
        harness = new WindowHarness(Windows.tumbling(ms(1000)), 0);
        harness.element("a", 999, 5).element("a", 0, 7).element("b", 500, 1).element("a", 1000, 3);
        harness.watermark(998);
        expect();
        harness.watermark(999);
        assertEquals(List.of("0,1000,a,2,12,5,7,0", "0,1000,b,1,1,1,1,0"), sorted(harness.drain()));
        harness.watermark(1998);
        expect();
        harness.watermark(1999);
        expect("1000,2000,a,1,3,3,3,0");
    }

    @Test
    void shouldAlignTumblingWindowsWithOffsetAndNegativeTimes()
    {
        harness = new WindowHarness(Windows.tumbling(ms(1000), ms(100)), 0);
        harness.element("a", 99, 1).element("a", 100, 2).element("a", -1, 3).element("a", -901, 4).element("a", -900, 5);
        harness.endOfInput();
        assertEquals(List.of(
            "-1900,-900,a,1,4,4,4,0",
            "-900,100,a,3,9,1,5,0",
            "100,1100,a,1,2,2,2,0"), sorted(harness.drain()));
    }

    @Test
    void shouldFloorNegativeTimesIntoTheirWindow()
    {
        harness = new WindowHarness(Windows.tumbling(ms(700)), 0);
        harness.element("k", -1, 1).element("k", -700, 2).element("k", -701, 3).element("k", 0, 4);
        harness.endOfInput();
        assertEquals(List.of("-1400,-700,k,1,3,3,3,0", "-700,0,k,2,3,1,2,0", "0,700,k,1,4,4,4,0"), sorted(harness.drain()));
    }

    @Test
    void shouldDropEventWhoseWindowIsPastFiringWithoutLateness()
    {
        harness = new WindowHarness(Windows.tumbling(ms(1000)), 0);
        harness.element("a", 10, 1).watermark(999);
        expect("0,1000,a,1,1,1,1,0");
        harness.element("a", 998, 2);
        expect("late:a,998,2");
        assertEquals(0, harness.operator().liveEntries(), "state freed once the window is late");
    }

    @Test
    void shouldRefireWithinLatenessAndDropAtTheBoundary()
    {
        harness = new WindowHarness(Windows.tumbling(ms(1000)), 50);
        harness.element("a", 10, 1).watermark(999);
        expect("0,1000,a,1,1,1,1,0");
        harness.element("a", 20, 2);
        expect("0,1000,a,2,3,1,2,1");
        harness.watermark(1048).element("a", 30, 3);
        expect("0,1000,a,3,6,1,3,2");
        // end - 1 + lateness = 1049 <= watermark: late.
        harness.watermark(1049).element("a", 40, 4);
        expect("late:a,40,4");
        assertEquals(0, harness.operator().liveEntries());
    }

    @Test
    void shouldFireLateFirstElementOfEmptyWindowAsFiringZero()
    {
        harness = new WindowHarness(Windows.tumbling(ms(1000)), 500);
        harness.element("a", 1500, 1).watermark(1200);
        harness.element("b", 100, 9);
        expect("0,1000,b,1,9,9,9,0");
        harness.element("b", 200, 1);
        expect("0,1000,b,2,10,1,9,1");
    }

    @Test
    void shouldAssignEachEventToEveryOverlappingSlidingWindow()
    {
        harness = new WindowHarness(Windows.sliding(ms(3000), ms(1000)), 0);
        harness.element("a", 2500, 1);
        harness.watermark(2999);
        expect("0,3000,a,1,1,1,1,0");
        harness.element("a", 3100, 2);
        harness.watermark(3999);
        expect("1000,4000,a,2,3,1,2,0");
        harness.endOfInput();
        expect("2000,5000,a,2,3,1,2,0", "3000,6000,a,1,2,2,2,0");
    }

    @Test
    void shouldKeepLateSlidingEventOnlyInWindowsThatAreNotLate()
    {
        harness = new WindowHarness(Windows.sliding(ms(3000), ms(1000)), 0);
        harness.element("a", 3500, 1).watermark(3999);
        expect("1000,4000,a,1,1,1,1,0");
        // t=2500 belongs to [0,3000) late, [1000,4000) late, [2000,5000) on time.
        harness.element("a", 2500, 10);
        expect();
        harness.watermark(4999);
        expect("2000,5000,a,2,11,1,10,0");
        harness.element("a", 1999, 5);
        expect("late:a,1999,5");
    }

    @Test
    void shouldAlignSlidingWindowsWithOffsetWhenSlideDoesNotDivideSize()
    {
        harness = new WindowHarness(Windows.sliding(ms(5), ms(3), ms(1)), 0);
        harness.element("a", 4, 1);
        harness.endOfInput();
        // Starts on the 3-grid shifted by 1: [-2,3) no, [1,6) and [4,9) contain 4.
        assertEquals(List.of("1,6,a,1,1,1,1,0", "4,9,a,1,1,1,1,0"), sorted(harness.drain()));
    }

    @Test
    void shouldRefireEverySlidingWindowAnEventReachesWithinLateness()
    {
        harness = new WindowHarness(Windows.sliding(ms(2000), ms(1000)), 1000);
        harness.element("a", 1500, 1).watermark(2999);
        assertEquals(List.of("0,2000,a,1,1,1,1,0", "1000,3000,a,1,1,1,1,0"), sorted(harness.drain()));
        // [0,2000) is exactly at its lateness boundary (1999 + 1000 <= 2999); [1000,3000) is not.
        harness.element("a", 1600, 2);
        expect("1000,3000,a,2,3,1,2,1");
        harness.watermark(3000).element("a", 1700, 3);
        expect("1000,3000,a,3,6,1,3,2");
        harness.watermark(3999).element("a", 1800, 4);
        expect("late:a,1800,4");
    }

    @Test
    void shouldMergeSessionsThatTouch()
    {
        harness = new WindowHarness(Windows.session(ms(400)), 0);
        harness.element("a", 0, 1).element("a", 400, 2).element("a", 801, 4);
        harness.endOfInput();
        assertEquals(List.of("0,800,a,2,3,1,2,0", "801,1201,a,1,4,4,4,0"), sorted(harness.drain()));
    }

    @Test
    void shouldBridgeTwoSessionsWithOneEvent()
    {
        harness = new WindowHarness(Windows.session(ms(500)), 0);
        harness.element("a", 0, 1).element("a", 1000, 2);
        harness.element("a", 500, 4);
        harness.endOfInput();
        expect("0,1500,a,3,7,1,4,0");
    }

    @Test
    void shouldMergeOutOfOrderEventThatMovesSessionStartEarlier()
    {
        harness = new WindowHarness(Windows.session(ms(100)), 0);
        harness.element("a", 500, 1).element("a", 450, 2).element("a", 300, 3);
        harness.watermark(599);
        expect("300,400,a,1,3,3,3,0", "450,600,a,2,3,1,2,0");
    }

    @Test
    void shouldFireSessionAtEndMinusOneAndDropLateLoneEvent()
    {
        harness = new WindowHarness(Windows.session(ms(100)), 0);
        harness.element("a", 0, 1).watermark(98);
        expect();
        harness.watermark(99);
        expect("0,100,a,1,1,1,1,0");
        // [0,100) alone: 99 + 0 <= 99, late. [1,101) would not be.
        harness.element("a", 0, 2);
        expect("late:a,0,2");
        assertEquals(0, harness.operator().liveEntries());
        harness.element("a", 1, 3).watermark(100);
        expect("1,101,a,1,3,3,3,0");
    }

    @Test
    void shouldKeepLateEventThatJoinsLiveSessionAndRefireNewExtentFromZero()
    {
        harness = new WindowHarness(Windows.session(ms(100)), 50);
        harness.element("a", 0, 1).watermark(99);
        expect("0,100,a,1,1,1,1,0");
        // [0,100) again: inside the fired session, same extent, firing 1.
        harness.element("a", 0, 2);
        expect("0,100,a,2,3,1,2,1");
        // Extends it to [0,140): a new extent not yet due at watermark 99.
        harness.element("a", 40, 3);
        expect();
        harness.watermark(139);
        expect("0,140,a,3,6,1,3,0");
        // Alone [-60, 40) would be late (39 + 50 <= 139), but it joins the live session: kept, fires at once.
        harness.element("a", -60, 4);
        expect("-60,140,a,4,10,1,4,0");
        // Cleaned up at 139 + 50; alone, [40,140) is late (139 + 50 <= 189) and nothing is left to join.
        harness.watermark(189);
        harness.element("a", 40, 5);
        expect("late:a,40,5");
        assertEquals(0, harness.operator().liveEntries());
    }

    @Test
    void shouldFireEverythingAtEndOfInputAndFreeState()
    {
        harness = new WindowHarness(Windows.sliding(ms(10_000), ms(1000)), 100);
        for (int i = 0; i < 100; i++)
        {
            harness.element("k" + (i % 7), i * 37L, i);
        }
        harness.endOfInput();
        final List<String> results = harness.drain();
        assertEquals(7 * 13, results.size(), "each key's windows from [-9000,1000) to [3000,13000)");
        assertEquals(0, harness.operator().liveEntries());
        assertEquals(0, harness.operator().pendingTimers());
    }

    @Test
    void shouldEmitNothingForEmptyInput()
    {
        harness = new WindowHarness(Windows.session(ms(10)), 0);
        harness.endOfInput();
        expect();
    }

    @Test
    void shouldKeepLongAndTextKeysApart()
    {
        harness = new WindowHarness(Windows.tumbling(ms(10)), 0);
        harness.longKeyElement(7, 1, 1).element("7", 2, 2);
        harness.endOfInput();
        assertEquals(List.of("0,10,7,1,1,1,1,0", "0,10,7,1,2,2,2,0"), sorted(harness.drain()));
    }

    @Test
    void shouldCountDuplicateEventsEachTime()
    {
        harness = new WindowHarness(Windows.tumbling(ms(10)), 0);
        harness.element("a", 5, 3).element("a", 5, 3).element("a", 5, 3);
        harness.endOfInput();
        expect("0,10,a,3,9,3,3,0");
    }

    @Test
    void shouldComputeCustomAggregateAcrossSlicesAndMerges()
    {
        final PrimitiveAggregate sumOfSquares = new SumOfSquares();
        harness = new WindowHarness(Windows.sliding(ms(20), ms(10)), 0,
            new io.sluice.Aggregate[]{Aggregates.count(), Aggregates.custom(sumOfSquares)});
        harness.element("a", 5, 2).element("a", 15, 3);
        harness.endOfInput();
        assertEquals(List.of(
            "-10,10,a,1,2,2,2,0,sum_of_squares=4",
            "0,20,a,2,5,2,3,0,sum_of_squares=13",
            "10,30,a,1,3,3,3,0,sum_of_squares=9"), sorted(harness.drain()));
        harness.close();

        harness = new WindowHarness(Windows.session(ms(10)), 0,
            new io.sluice.Aggregate[]{Aggregates.custom(sumOfSquares)});
        harness.element("a", 0, 1).element("a", 20, 2).element("a", 10, 3);
        harness.endOfInput();
        expect("0,30,a,3,6,1,3,0,sum_of_squares=14");
    }

    static final class SumOfSquares implements PrimitiveAggregate
    {
        public String name()
        {
            return "sum_of_squares";
        }

        public int accumulatorBytes()
        {
            return 8;
        }

        public void reset(final MutableDirectBuffer accumulator, final int offset)
        {
            accumulator.putLong(offset, 0);
        }

        public void add(final MutableDirectBuffer accumulator, final int offset, final long value)
        {
            accumulator.putLong(offset, accumulator.getLong(offset) + value * value);
        }

        public void merge(final MutableDirectBuffer target, final int targetOffset, final DirectBuffer source, final int sourceOffset)
        {
            target.putLong(targetOffset, target.getLong(targetOffset) + source.getLong(sourceOffset));
        }

        public long result(final DirectBuffer accumulator, final int offset)
        {
            return accumulator.getLong(offset);
        }
    }

    private static List<String> sorted(final List<String> lines)
    {
        final List<String> copy = new java.util.ArrayList<>(lines);
        java.util.Collections.sort(copy);
        return copy;
    }
}
