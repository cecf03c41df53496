package org.latentlab.probe.ulp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

/** The information table drawn per latent step, leaving out the steps that could not be estimated. */
class UlpFiguresTest {

    @Test
    void iHAndLInfoAgainstTheStepsThatWereEstimated() {
        ProbeReport report = new ProbeReport("ulp", Map.of(), List.of(new ProbeTable(UnifiedLatentProbe.TABLE, UnifiedLatentProbe.COLUMNS,
                List.of(List.of(1, 40, 3.0, 1.0, 2.0, 1.8, 2.2), List.of(2, 3, "", "", "", "", ""), List.of(3, 40, 2.5, 2.0, 0.5, "", "")))));
        List<Figure> figures = new UnifiedLatentProbe().figures(report);
        assertEquals(1, figures.size());
        Figure figure = figures.get(0);
        assertEquals(List.of("I", "H", "L_info"), figure.series().stream().map(Figure.Series::label).toList());
        assertEquals(List.of(1.0, 3.0), figure.series().get(0).x(), "step 2 had too few pairs");
        assertEquals(List.of(2.0, 0.5), figure.series().get(0).y());
        assertEquals(List.of(3.0, 2.5), figure.series().get(1).y());
        assertEquals(List.of(), new UnifiedLatentProbe().figures(new ProbeReport("ulp", Map.of(), List.of())));
    }
}
