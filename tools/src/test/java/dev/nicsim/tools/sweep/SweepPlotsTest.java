package dev.nicsim.tools.sweep;

import dev.nicsim.tools.config.TestbedParameters;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;

import java.awt.Color;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepPlotsTest
{
    private static final Plot BREAKDOWN = new Plot("breakdown", "parts", Plot.Style.STACKED,
        List.of("host_cpu_ns", "pcie_dma_ns"));

    @Test
    void shouldUseANumericAxisForNumbersAndALogarithmicOneWhenTheySpanMoreThanADecade()
    {
        final Chart<?, ?> linear = SweepPlots.draw(plan("pcie.dma_read_latency_ns=250,1000,2000", false),
            rows(plan("pcie.dma_read_latency_ns=250,1000,2000", false)), BREAKDOWN);
        assertFalse(assertInstanceOf(XYChart.class, linear).getStyler().isXAxisLogarithmic());
        final SweepPlan rates = plan("link.rate_gbps=1,10,100", false);
        assertTrue(assertInstanceOf(XYChart.class, SweepPlots.draw(rates, rows(rates), BREAKDOWN)).getStyler()
            .isXAxisLogarithmic());
    }

    @Test
    void shouldGiveEachPointOfAGridItsOwnReadableCategory()
    {
        final SweepPlan grid = SweepPlan.of(SweepTargets.builtIn(), List.of("demo"), TestbedParameters.defaults(),
            List.of("driver.itr_units=0,1,2,3,4,5,6,7,8,9", "pcie.lanes=1,2,4,8,16"), true);
        final CategoryChart chart = assertInstanceOf(CategoryChart.class, SweepPlots.draw(grid, rows(grid),
            BREAKDOWN));
        assertEquals(90, chart.getStyler().getXAxisLabelRotation(), "50 labels stand upright, side by side");
        assertTrue(chart.getWidth() >= 50 * 16, "wide enough for 50 labels: " + chart.getWidth());
    }

    @Test
    void shouldKeepAComponentsColourWhateverItsUnitAndKeepSeriesOfAPlotApart()
    {
        assertEquals(SeriesColours.of("pcie_dma_ns"), SeriesColours.of("pcie_dma_us"));
        final Map<String, Color> latency = SeriesColours.of(List.of("latency_mean_us", "latency_p50_us",
            "latency_p99_us", "latency_max_us"));
        assertEquals(4, new HashSet<>(latency.values()).size(), latency.toString());
    }

    private static SweepPlan plan(final String sweep, final boolean grid)
    {
        return SweepPlan.of(SweepTargets.builtIn(), List.of("demo"), TestbedParameters.defaults(), List.of(sweep),
            grid);
    }

    /* Rows with made-up metrics: what is drawn is not under test here, only how. */
    private static List<SweepReport.Row> rows(final SweepPlan plan)
    {
        return plan.points().stream().map(point -> new SweepReport.Row(point, new PointResult(Map.of("host_cpu_ns",
            1.0 + point.index(), "pcie_dma_ns", 2.0), "{}"), null)).toList();
    }
}
