package io.sluice.bench.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TargetsTest
{
    @Test
    void aTargetIsMetOnItsBoundAndNotPastIt()
    {
        final Targets targets = new Targets()
            .atLeast("rate ≥ 30 M", 30, 30, "M events/s")
            .atLeast("rate ≥ 30 M", 29.99, 30, "M events/s")
            .atLeast("ratio ≥ 0.8", 0.8, 0.8, "")
            .atMost("restart ≤ 1000 ms", 1000, 1000, "ms")
            .atMost("restart ≤ 1000 ms", 1000.5, 1000, "ms");

        assertEquals(List.of(
            new Targets.Target("rate ≥ 30 M", "30.00 M events/s", true),
            new Targets.Target("rate ≥ 30 M", "29.99 M events/s", false),
            new Targets.Target("ratio ≥ 0.8", "0.800", true),
            new Targets.Target("restart ≤ 1000 ms", "1000 ms", true),
            new Targets.Target("restart ≤ 1000 ms", "1001 ms", false)), targets.all());
        assertEquals(3, targets.metCount());
    }

    @Test
    void aJmhScoreIsShownWithItsErrorAndJudgedOnTheScore()
    {
        final Targets targets = new Targets()
            .atLeast("in memory ≥ 15 M", 15.85, 6.0, 15, "M events/s")
            .atLeast("in memory ≥ 15 M", 11.08, 4.5, 15, "M events/s")
            .atLeast("no error to show", 12.5, Double.NaN, 15, "M events/s");

        assertEquals(List.of(
            new Targets.Target("in memory ≥ 15 M", "15.85 ± 6.0 M events/s", true),
            new Targets.Target("in memory ≥ 15 M", "11.08 ± 4.5 M events/s", false),
            new Targets.Target("no error to show", "12.50 M events/s", false)), targets.all());
    }

    @Test
    void theTableSaysWhichAreMetAndHowMany()
    {
        final String table = new Targets()
            .atLeast("sliding / tumbling ≥ 0.8", 0.625, 0.8, "")
            .atMost("allocated per event ≤ 0.5 B", 0.001, 0.5, "B/op")
            .markdown();

        assertEquals("| target | measured | met |\n|---|---|---|\n" +
            "| sliding / tumbling ≥ 0.8 | 0.625 | no |\n" +
            "| allocated per event ≤ 0.5 B | 0.001000 B/op | yes |\n" +
            "\n1 of 2 met in this run.\n", table);
    }
}
