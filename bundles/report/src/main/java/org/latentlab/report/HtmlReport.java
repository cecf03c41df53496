package org.latentlab.report;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.latentlab.api.experiment.ComponentInfo;
import org.latentlab.api.experiment.EvaluationResult;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.RunResult;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

/**
 * One self-contained HTML page for one run or several side by side: what each run was (its parts and versions), how it
 * ended, its results, every figure (embedded as PNG data, nothing fetched), and each probe's tables.
 */
final class HtmlReport {

    /** What the report shows of one run. */
    record Run(RunStatus status, Optional<RunResult> result, List<ComponentInfo> parts, Map<String, ProbeReport> probes) {

        /** Everything the platform recorded of the run with this status. */
        static Run of(ExperimentService experiments, RunStatus status) {
            String id = status.id();
            return new Run(status, experiments.result(id), experiments.parts(id).orElse(List.of()), experiments.probeReports(id));
        }
    }

    /** "Run <name>" for one run, "Comparison of N runs" for several. */
    static String title(List<Run> runs) {
        return runs.size() == 1 ? "Run " + runs.get(0).status().name() : "Comparison of " + runs.size() + " runs";
    }

    /** Rows of a probe table shown before the rest is summarised. */
    static final int TABLE_ROWS = 50;
    /** Tables longer than this are folded under their title, to be opened by the reader. */
    static final int FOLDED_ROWS = 12;

    private HtmlReport() {
    }

    /**
     * The page, with each figure embedded as PNG data (browsers draw the PNG exactly as it was rendered; the SVG files
     * that {@code latent:report} writes beside it are for print and editing).
     */
    static String write(String title, List<Run> runs, List<Figure> figures, Map<String, byte[]> pngs) {
        return write(title, runs, figures, pngs, "", "");
    }

    /**
     * The page with {@code head} added to its head (a refresh, say) and {@code navigation} above its title, both HTML the
     * caller has escaped.
     */
    static String write(String title, List<Run> runs, List<Figure> figures, Map<String, byte[]> pngs, String head, String navigation) {
        StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(escape(title))
                .append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em auto;max-width:1100px;color:#222}")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}")
                .append("th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}")
                .append("figure{margin:1.5em 0}figure img{max-width:100%;border:1px solid #eee}figcaption{color:#555;font-size:.9em}summary{font-weight:bold;margin:1em 0;cursor:pointer}")
                .append(".state{font-weight:bold}.note{color:#555}\n</style>\n").append(head).append("</head>\n<body>\n").append(navigation);
        html.append("<h1>").append(escape(title)).append("</h1>\n");
        for (Run run : runs) {
            run(html, run);
        }
        if (!figures.isEmpty()) {
            html.append("<h2>Figures</h2>\n");
            for (Figure figure : figures) {
                byte[] png = pngs.get(figure.name());
                html.append("<figure id=\"figure-").append(escape(figure.name())).append("\">\n<img alt=\"").append(escape(figure.title()))
                        .append("\" width=\"").append(FigureRenderer.WIDTH).append("\" height=\"").append(FigureRenderer.HEIGHT)
                        .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png)).append("\">\n");
                if (figure.caption() != null) {
                    html.append("<figcaption>").append(escape(figure.caption())).append("</figcaption>\n");
                }
                html.append("</figure>\n");
            }
        }
        for (Run run : runs) {
            probes(html, run, runs.size() > 1);
        }
        return html.append("</body>\n</html>\n").toString();
    }

    private static void run(StringBuilder html, Run run) {
        RunStatus s = run.status();
        html.append("<h2>").append(escape(s.name())).append(" <small>").append(escape(s.id())).append("</small></h2>\n");
        html.append("<p><span class=\"state\">").append(escape(s.state().name().toLowerCase(Locale.ROOT))).append("</span>, step ")
                .append(s.step()).append(" of ").append(s.totalSteps());
        if (s.message() != null && !s.message().isBlank()) {
            html.append(": ").append(escape(s.message()));
        }
        html.append("</p>\n");
        if (!run.parts().isEmpty()) {
            html.append("<table><tr><th>part</th><th>name</th><th>bundle</th><th>version</th></tr>\n");
            for (ComponentInfo part : run.parts()) {
                html.append("<tr><td>").append(escape(part.kind().word())).append("</td><td>").append(escape(part.name()))
                        .append("</td><td>").append(escape(part.bundle())).append("</td><td>").append(escape(part.version()))
                        .append("</td></tr>\n");
            }
            html.append("</table>\n");
        }
        run.result().ifPresent(result -> {
            html.append("<p>").append(result.parameters()).append(" parameters, ").append(result.steps()).append(" steps in ")
                    .append(String.format(Locale.ROOT, "%.1f", result.trainSeconds())).append(" s (")
                    .append(String.format(Locale.ROOT, "%.0f", result.tokensPerSecond())).append(" tokens/s), final loss ")
                    .append(String.format(Locale.ROOT, "%.4f", result.finalLoss())).append(".</p>\n");
            html.append("<table><tr><th>evaluation set</th><th>examples</th><th>accuracy</th><th>generated tokens</th>")
                    .append("<th>latent steps</th><th>ms per example</th></tr>\n");
            for (EvaluationResult e : result.evaluations()) {
                html.append("<tr><td>").append(escape(e.set())).append("</td>").append(number(e.examples()))
                        .append(number(String.format(Locale.ROOT, "%.3f", e.accuracy())))
                        .append(number(String.format(Locale.ROOT, "%.1f", e.meanGeneratedTokens())))
                        .append(number(String.format(Locale.ROOT, "%.1f", e.meanLatentSteps())))
                        .append(number(String.format(Locale.ROOT, "%.1f", e.latencyMsPerExample()))).append("</tr>\n");
            }
            html.append("</table>\n");
            for (String note : result.notes()) {
                html.append("<p class=\"note\">Note: ").append(escape(note)).append("</p>\n");
            }
        });
    }

    private static void probes(StringBuilder html, Run run, boolean several) {
        for (Map.Entry<String, ProbeReport> probe : run.probes().entrySet()) {
            html.append("<h2>Probe ").append(escape(probe.getKey()));
            if (several) {
                html.append(" <small>").append(escape(run.status().name())).append("</small>");
            }
            html.append("</h2>\n");
            if (!probe.getValue().scalars().isEmpty()) {
                html.append("<table><tr><th>scalar</th><th>value</th></tr>\n");
                probe.getValue().scalars().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(scalar -> html.append("<tr><td>")
                        .append(escape(scalar.getKey())).append("</td>").append(number(format(scalar.getValue()))).append("</tr>\n"));
                html.append("</table>\n");
            }
            for (ProbeTable table : probe.getValue().tables()) {
                // a long table (the points behind a scatter) is folded, so that it does not bury the figures and tables after it
                boolean folded = table.rows().size() > FOLDED_ROWS;
                if (folded) {
                    html.append("<details>\n<summary>").append(escape(table.title())).append(" (").append(table.rows().size())
                            .append(" rows)</summary>\n<table><tr>");
                } else {
                    html.append("<h3>").append(escape(table.title())).append("</h3>\n<table><tr>");
                }
                table.columns().forEach(c -> html.append("<th>").append(escape(c)).append("</th>"));
                html.append("</tr>\n");
                table.rows().stream().limit(TABLE_ROWS).forEach(row -> {
                    html.append("<tr>");
                    row.forEach(cell -> html.append(cell instanceof Number n ? number(format(n.doubleValue())) : "<td>" + escape(String.valueOf(cell)) + "</td>"));
                    html.append("</tr>\n");
                });
                html.append("</table>\n");
                if (table.rows().size() > TABLE_ROWS) {
                    html.append("<p class=\"note\">").append(table.rows().size() - TABLE_ROWS)
                            .append(" more rows in the run's probe-").append(escape(probe.getKey())).append(".json.</p>\n");
                }
                if (folded) {
                    html.append("</details>\n");
                }
            }
        }
    }

    private static String number(Object value) {
        return "<td class=\"n\">" + escape(String.valueOf(value)) + "</td>";
    }

    private static String format(Double value) {
        if (value == null || value.isNaN()) {
            return "–";
        }
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString(value.longValue())
                : String.format(Locale.ROOT, "%.4g", value);
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
