package org.latentlab.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.experiment.SpecException;
import org.latentlab.api.figure.Figure;

@Command(scope = "latent", name = "report", description = "Writes one self-contained HTML report of a run, or of several side by side, "
        + "with every figure embedded, into data/latentlab/reports; the figures are also written as PNG and SVG files beside it.")
@Service
public class ReportCommand implements Action {

    @Reference
    ExperimentService experiments;

    @Option(name = "--output", aliases = "-o", description = "The report's file name in data/latentlab/reports (default: <run ids>.html)")
    String output;

    @Argument(index = 0, name = "ids", description = "Run ids (see latent:runs)", required = true, multiValued = true)
    List<String> ids;

    @Override
    public Object execute() throws IOException {
        List<HtmlReport.Run> runs = new ArrayList<>();
        for (String id : ids) {
            RunStatus status = experiments.status(id)
                    .orElseThrow(() -> new SpecException("There is no run '" + id + "'; list the runs with latent:runs."));
            runs.add(HtmlReport.Run.of(experiments, status));
        }
        Path html = reportsFolder().resolve(output != null ? fileName(output) : baseName(ids) + ".html");
        String base = html.getFileName().toString().replaceFirst("\\.html?$", "");
        Path figuresFolder = html.resolveSibling(base + "-figures");
        Files.createDirectories(figuresFolder);

        List<Figure> figures = experiments.figures(ids);
        Map<String, byte[]> pngs = new LinkedHashMap<>();
        for (Figure figure : figures) {
            byte[] png = FigureRenderer.png(figure);
            pngs.put(figure.name(), png);
            Files.write(figuresFolder.resolve(figure.name() + ".png"), png);
            Files.writeString(figuresFolder.resolve(figure.name() + ".svg"), FigureRenderer.svg(figure), StandardCharsets.UTF_8);
        }
        Files.writeString(html, HtmlReport.write(HtmlReport.title(runs), runs, figures, pngs), StandardCharsets.UTF_8);
        System.out.println("Wrote " + html + " with " + figures.size() + " figures (PNG and SVG in " + figuresFolder + ").");
        return null;
    }

    /**
     * A report is written only into the reports folder: the command is open to every researcher, who must not be able to
     * write over the platform's own files.
     */
    static String fileName(String output) {
        if (output.isBlank() || output.contains("/") || output.contains("\\") || output.startsWith(".")) {
            throw new SpecException("latent:report writes into data/latentlab/reports; give --output a file name without a folder, not '"
                    + output + "'.");
        }
        return output.endsWith(".html") ? output : output + ".html";
    }

    /** {@code ${karaf.data}/latentlab/reports}, or the temp folder outside Karaf. */
    private static Path reportsFolder() throws IOException {
        String data = System.getProperty("karaf.data");
        Path folder = (data != null ? Path.of(data) : Path.of(System.getProperty("java.io.tmpdir"))).resolve("latentlab/reports");
        return Files.createDirectories(folder);
    }

    static String baseName(List<String> ids) {
        return ids.size() == 1 ? ids.get(0) : "compare-" + ids.get(0) + "-and-" + (ids.size() - 1) + "-more";
    }
}
