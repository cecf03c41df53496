package org.latentlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.latentlab.api.ComponentKind;
import org.latentlab.api.experiment.ComponentInfo;
import org.latentlab.api.experiment.EvaluationResult;
import org.latentlab.api.experiment.RunResult;
import org.latentlab.api.experiment.RunState;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

/** The report page: self-contained, every figure an embedded image, the run's parts, results and probe tables. */
class HtmlReportTest {

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static HtmlReport.Run run() {
        RunStatus status = new RunStatus("20261123-101010-coconut", "coconut <prosqa>", "coconut 1.1.0", RunState.COMPLETED, 300, 300,
                "stage 3", 0.12, 5000.0, 0.0, "completed", "2026-11-23T10:10:10", "2026-11-23T10:20:10");
        RunResult result = new RunResult(status.id(), status.name(), "coconut 1.1.0", 123456, 300, 600, 5000, 0.12,
                List.of(new EvaluationResult("test", 200, 180, 0.9, 6.5, 6, 12.5)), List.of("step 5: something to know"), Map.of());
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < HtmlReport.TABLE_ROWS + 7; i++) {
            rows.add(List.of(i, "node & <child>", 0.5));
        }
        ProbeReport frontier = new ProbeReport("frontier", Map.of("meanValue", 0.25), List.of(new ProbeTable("values by height",
                List.of("height", "node", "value"), rows)));
        return new HtmlReport.Run(status, Optional.of(result),
                List.of(new ComponentInfo(ComponentKind.METHOD, "coconut", "org.latentlab.method.coconut", "1.1.0", Set.of())),
                Map.of("frontier", frontier));
    }

    @Test
    void oneSelfContainedPageWithEveryFigureAndTheRunsRecord() throws IOException {
        List<Figure> figures = List.of(FigureRendererTest.LOSS, FigureRendererTest.ACCURACY, FigureRendererTest.PCA);
        Map<String, byte[]> pngs = new LinkedHashMap<>();
        figures.forEach(f -> pngs.put(f.name(), FigureRenderer.png(f)));
        String html = HtmlReport.write("Run coconut", List.of(run()), figures, pngs);

        // kept for a look: target/report-sample.html
        Files.writeString(Files.createDirectories(Path.of("target")).resolve("report-sample.html"), html);
        for (Figure f : figures) {
            Files.write(Path.of("target").resolve("report-sample-" + f.name() + ".png"), FigureRenderer.png(f));
        }

        Matcher sources = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(html);
        int images = 0;
        while (sources.find()) {
            assertTrue(sources.group(1).startsWith("data:image/png;base64,"), () -> "only embedded data: " + sources.group(1));
            images++;
        }
        assertEquals(figures.size(), images, "one embedded image per figure");
        assertFalse(html.contains("<script") || html.contains("<link"), "no scripts, no stylesheets fetched");
        assertTrue(html.contains("org.latentlab.method.coconut") && html.contains("1.1.0"), "the parts and their versions");
        assertTrue(html.contains("coconut &lt;prosqa&gt;") && !html.contains("<prosqa>"), "names are escaped");
        assertTrue(html.contains("node &amp; &lt;child&gt;"), "table cells are escaped");
        assertTrue(html.contains("7 more rows in the run's probe-frontier.json"), "a long table is cut with a pointer to the rest");
        assertTrue(html.matches("(?s).*<details>\\s*<summary>values by height \\(57 rows\\)</summary>\\s*<table>.*?7 more rows.*?</details>.*"),
                "and folded under its title, so that it does not bury what follows");
        assertTrue(html.contains("Note: step 5: something to know"), "the run's notes");
        assertTrue(html.contains("Dashed lines mark stage switches."), "captions");
    }
}
