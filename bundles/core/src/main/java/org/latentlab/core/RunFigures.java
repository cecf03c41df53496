package org.latentlab.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

import org.latentlab.api.ComponentKind;
import org.latentlab.api.experiment.EvaluationResult;
import org.latentlab.api.experiment.MetricsRecord;
import org.latentlab.api.experiment.RunResult;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.experiment.SpecException;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.figure.Figure.Kind;
import org.latentlab.api.figure.Figure.Marker;
import org.latentlab.api.figure.Figure.Series;
import org.latentlab.api.probe.Probe;
import org.latentlab.api.probe.ProbeReport;

/**
 * The figures of recorded runs, as data: curves from {@code metrics.jsonl}, accuracy from {@code result.json}, each
 * probe's own figures from its report (while the probe is registered), and the scalars of probes followed over training.
 */
final class RunFigures {

    /** A scalar numbered by a step or a layer: {@code step3.norm}, {@code kl.layer2}. */
    private static final java.util.regex.Pattern NUMBERED = java.util.regex.Pattern.compile("(|.*\\.)(step|layer)(\\d+)(\\..*|)");

    private final RunStore store;
    private final ComponentCatalog catalog;

    RunFigures(RunStore store, ComponentCatalog catalog) {
        this.store = store;
        this.catalog = catalog;
    }

    List<Figure> of(List<String> ids) {
        if (ids.isEmpty()) {
            throw new SpecException("Name at least one run; list them with latent:runs.");
        }
        Map<String, String> names = new LinkedHashMap<>();
        for (String id : ids) {
            RunStatus status = store.status(id)
                    .orElseThrow(() -> new SpecException("There is no run '" + id + "'; list the runs with latent:runs."));
            names.put(id, status.name());
        }
        // a run is labelled by its name, and by its id too where two runs share the name
        Map<String, String> labels = new LinkedHashMap<>();
        names.forEach((id, name) -> labels.put(id, java.util.Collections.frequency(names.values(), name) > 1 ? name + " (" + id + ")" : name));
        return ids.size() == 1 ? single(ids.get(0)) : comparison(labels);
    }

    private List<Figure> single(String id) {
        List<MetricsRecord> metrics = store.metrics(id);
        List<Marker> stages = stageSwitches(metrics);
        List<Figure> figures = new ArrayList<>();
        figures.add(new Figure("loss", "Training loss", Kind.LINE, "step", "loss",
                List.of(curve("loss", metrics, MetricsRecord::loss)), stages,
                "The weighted sum of the spec's losses at every logged step; dashed lines mark curriculum stage switches."));
        figures.add(new Figure("throughput", "Training throughput", Kind.LINE, "step", "tokens/s",
                List.of(curve("tokens/s", metrics, MetricsRecord::tokensPerSecond)), stages, null));
        List<MetricsRecord> rewarded = metrics.stream().filter(m -> m.reward() != null).toList();
        if (!rewarded.isEmpty()) {
            figures.add(new Figure("reward", "Policy optimization: mean reward", Kind.LINE, "step", "reward",
                    List.of(curve("reward", rewarded, MetricsRecord::reward)), List.of(), null));
        }
        store.result(id).ifPresent(result -> figures.add(accuracy(Map.of(id, result), Map.of(id, "accuracy"))));
        for (Map.Entry<String, ProbeReport> probe : store.probeReports(id).entrySet()) {
            for (Figure own : ownFigures(probe.getKey(), probe.getValue())) {
                figures.add(new Figure("probe-" + probe.getKey() + "-" + own.name(), own.title(), own.kind(), own.xLabel(), own.yLabel(),
                        own.series(), own.markers(), own.caption()));
            }
        }
        for (Map.Entry<String, List<ProbeSnapshot>> probe : store.probeTraining(id).entrySet()) {
            Map<String, List<double[]>> byScalar = new TreeMap<>();
            for (ProbeSnapshot snapshot : probe.getValue()) {
                snapshot.scalars().forEach((scalar, value) -> byScalar.computeIfAbsent(scalar, k -> new ArrayList<>())
                        .add(new double[] {snapshot.step(), value == null ? Double.NaN : value}));
            }
            // scalars numbered by step or layer (step3.norm, kl.layer2) share a figure, one line per number
            Map<String, Map<Integer, String>> families = new TreeMap<>();
            Map<String, String> memberLabels = new LinkedHashMap<>();
            byScalar.keySet().forEach(scalar -> {
                java.util.regex.Matcher numbered = NUMBERED.matcher(scalar);
                if (numbered.matches()) {
                    String family = numbered.group(1) + numbered.group(2) + "<n>" + numbered.group(4);
                    families.computeIfAbsent(family, k -> new TreeMap<>()).put(Integer.parseInt(numbered.group(3)), scalar);
                    memberLabels.put(scalar, numbered.group(2) + " " + numbered.group(3));
                }
            });
            families.values().removeIf(members -> members.size() < 2);
            Set<String> grouped = new java.util.HashSet<>();
            families.values().forEach(members -> grouped.addAll(members.values()));
            Map<String, Figure> drawn = new TreeMap<>();
            families.forEach((family, members) -> {
                if (members.values().stream().allMatch(scalar -> constant(ys(byScalar.get(scalar))))) {
                    return;
                }
                List<Series> lines = members.values().stream()
                        .map(scalar -> Series.points(memberLabels.get(scalar), xs(byScalar.get(scalar)), ys(byScalar.get(scalar)))).toList();
                drawn.put(family, new Figure(fileSafe("training-" + probe.getKey() + "-" + family), probe.getKey() + ": " + family
                        + " over training", Kind.LINE, "step", family, lines, stages,
                        "Each point is the probe run on the model as it was at that step; the lines are " + family + " for each n."));
            });
            byScalar.forEach((scalar, points) -> {
                if (!grouped.contains(scalar) && !constant(ys(points))) {   // a count of examples says nothing over time
                    drawn.put(scalar, new Figure(fileSafe("training-" + probe.getKey() + "-" + scalar), probe.getKey() + ": " + scalar
                            + " over training", Kind.LINE, "step", scalar, List.of(Series.points(scalar, xs(points), ys(points))), stages,
                            "Each point is the probe run on the model as it was at that step."));
                }
            });
            figures.addAll(drawn.values());
        }
        return figures;
    }

    private List<Figure> comparison(Map<String, String> labels) {
        List<Series> losses = new ArrayList<>();
        List<Series> throughput = new ArrayList<>();
        Map<String, RunResult> results = new LinkedHashMap<>();
        for (Map.Entry<String, String> run : labels.entrySet()) {
            List<MetricsRecord> metrics = store.metrics(run.getKey());
            losses.add(curve(run.getValue(), metrics, MetricsRecord::loss));
            throughput.add(curve(run.getValue(), metrics, MetricsRecord::tokensPerSecond));
            store.result(run.getKey()).ifPresent(result -> results.put(run.getKey(), result));
        }
        List<Figure> figures = new ArrayList<>();
        figures.add(new Figure("loss", "Training loss", Kind.LINE, "step", "loss", losses, List.of(), null));
        figures.add(new Figure("throughput", "Training throughput", Kind.LINE, "step", "tokens/s", throughput, List.of(), null));
        if (!results.isEmpty()) {
            figures.add(accuracy(results, labels));
        }
        figures.addAll(probeFigures(labels));
        // every probe scalar that at least two runs report and that differs between them, one bar per run
        Map<String, Map<String, Double>> scalars = new TreeMap<>();
        for (Map.Entry<String, RunResult> result : results.entrySet()) {
            result.getValue().probes().forEach((probe, values) -> values.forEach((scalar, value) ->
                    scalars.computeIfAbsent(probe + "." + scalar, k -> new LinkedHashMap<>()).put(result.getKey(), value)));
        }
        scalars.forEach((scalar, byRun) -> {
            if (byRun.size() >= 2 && !constant(new ArrayList<>(byRun.values()))) {
                List<String> runs = byRun.keySet().stream().map(labels::get).toList();
                figures.add(new Figure(fileSafe("scalar-" + scalar), scalar, Kind.BAR, "run", scalar,
                        List.of(Series.bars(scalar, runs, new ArrayList<>(byRun.values()))), List.of(), null));
            }
        });
        return figures;
    }

    /**
     * The probes' own figures in a comparison: a line figure that several runs have (intrinsic dimension or information
     * per latent step) drawn once with every run's lines, each labelled by its run; any other figure once per run that
     * has it, its title naming the run.
     */
    private List<Figure> probeFigures(Map<String, String> labels) {
        Map<String, Map<String, Figure>> byName = new LinkedHashMap<>();   // figure name -> run label -> the run's figure
        for (Map.Entry<String, String> run : labels.entrySet()) {
            for (Map.Entry<String, ProbeReport> probe : store.probeReports(run.getKey()).entrySet()) {
                for (Figure own : ownFigures(probe.getKey(), probe.getValue())) {
                    byName.computeIfAbsent("probe-" + probe.getKey() + "-" + own.name(), k -> new LinkedHashMap<>()).put(run.getValue(), own);
                }
            }
        }
        List<Figure> figures = new ArrayList<>();
        byName.forEach((name, byRun) -> {
            Figure first = byRun.values().iterator().next();
            if (byRun.size() >= 2 && byRun.values().stream().allMatch(f -> f.kind() == Kind.LINE)) {
                List<Series> lines = new ArrayList<>();
                byRun.forEach((run, own) -> own.series().forEach(series -> lines.add(new Series(
                        own.series().size() == 1 ? run : run + ": " + series.label(), series.x(), series.y(), List.of(), series.notes()))));
                // a caption that quotes one run's values (a pooled estimate) would mislabel the others
                boolean oneCaption = byRun.values().stream().map(f -> String.valueOf(f.caption())).distinct().count() == 1;
                figures.add(new Figure(name, first.title(), Kind.LINE, first.xLabel(), first.yLabel(), lines, List.of(),
                        oneCaption ? first.caption() : null));
                return;
            }
            int n = 0;
            for (Map.Entry<String, Figure> run : byRun.entrySet()) {
                Figure own = run.getValue();
                figures.add(new Figure(byRun.size() == 1 ? name : name + "-" + ++n, own.title() + " (" + run.getKey() + ")", own.kind(),
                        own.xLabel(), own.yLabel(), own.series(), own.markers(), own.caption()));
            }
        });
        return figures;
    }

    /** Accuracy per evaluation set, one series per run. */
    private static Figure accuracy(Map<String, RunResult> results, Map<String, String> labels) {
        Set<String> sets = new LinkedHashSet<>();
        results.values().forEach(r -> r.evaluations().forEach(e -> sets.add(e.set())));
        List<Series> series = new ArrayList<>();
        for (Map.Entry<String, RunResult> result : results.entrySet()) {
            List<Double> values = new ArrayList<>();
            List<String> counts = new ArrayList<>();
            for (String set : sets) {
                java.util.Optional<EvaluationResult> evaluation = result.getValue().evaluations().stream().filter(e -> e.set().equals(set))
                        .findFirst();
                values.add(evaluation.map(EvaluationResult::accuracy).orElse(Double.NaN));
                counts.add(evaluation.map(e -> e.correct() + " of " + e.examples()).orElse(null));
            }
            // the count written on each bar, so that an accuracy of 0 is seen as one and not as a missing bar
            series.add(Series.bars(labels.get(result.getKey()), new ArrayList<>(sets), values).withNotes(counts));
        }
        return new Figure("accuracy", "Accuracy per evaluation set", Kind.BAR, "evaluation set", "exact-match accuracy", series,
                List.of(), null);
    }

    /** The figures a registered probe draws from its report; none when it is gone or fails (the tables remain). */
    private List<Figure> ownFigures(String name, ProbeReport report) {
        try {
            Probe probe = catalog.<Probe>resolve(ComponentKind.PROBE, name).service();
            return probe.figures(report);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static Series curve(String label, List<MetricsRecord> metrics, ToDoubleFunction<MetricsRecord> value) {
        return Series.points(label, metrics.stream().map(m -> (double) m.step()).toList(),
                metrics.stream().map(m -> value.applyAsDouble(m)).toList());
    }

    /** A marker at the first logged step of every stage after the first. */
    static List<Marker> stageSwitches(List<MetricsRecord> metrics) {
        List<Marker> markers = new ArrayList<>();
        for (int i = 1; i < metrics.size(); i++) {
            if (metrics.get(i).stage() != metrics.get(i - 1).stage()) {
                markers.add(new Marker(metrics.get(i).step(), "stage " + metrics.get(i).stage()));
            }
        }
        return markers;
    }

    private static List<Double> xs(List<double[]> points) {
        return points.stream().map(p -> p[0]).toList();
    }

    private static List<Double> ys(List<double[]> points) {
        return points.stream().map(p -> p[1]).toList();
    }

    private static boolean constant(List<Double> values) {
        return values.stream().distinct().count() <= 1;
    }

    private static String fileSafe(String name) {
        String safe = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^-+", "");
        return safe.isEmpty() ? "figure" : safe;
    }
}
