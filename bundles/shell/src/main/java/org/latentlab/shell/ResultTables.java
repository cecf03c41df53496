package org.latentlab.shell;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.karaf.shell.support.table.ShellTable;
import org.latentlab.api.experiment.EvaluationResult;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.RunResult;
import org.latentlab.api.experiment.RunStatus;

/** The tables and lines the commands print. */
final class ResultTables {

    private ResultTables() {
    }

    /** "run-id  step 120/600  stage train  loss 1.234  4,321 tok/s  3m12s left  (message)". */
    static String progressLine(RunStatus s) {
        StringBuilder sb = new StringBuilder(s.id()).append("  ").append(s.state().name().toLowerCase(Locale.ROOT));
        if (s.totalSteps() > 0) {
            sb.append("  step ").append(s.step()).append('/').append(s.totalSteps());
        }
        if (s.loss() != null) {
            sb.append(String.format(Locale.ROOT, "  loss %.4f", s.loss()));
        }
        if (s.tokensPerSecond() != null) {
            sb.append(String.format(Locale.ROOT, "  %,.0f tok/s", s.tokensPerSecond()));
        }
        if (s.secondsLeft() != null) {
            sb.append("  ").append(duration(s.secondsLeft())).append(" left");
        }
        if (s.message() != null) {
            sb.append("  (").append(s.message()).append(')');
        }
        return sb.toString();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    /** One row per run and evaluation set: the results of several runs side by side. */
    static void printComparison(ExperimentService experiments, List<String> ids, PrintStream out) {
        ShellTable table = new ShellTable().emptyTableText("no results");
        table.column("Run");
        table.column("Method");
        table.column("Set");
        table.column("Accuracy").alignRight();
        table.column("Correct").alignRight();
        table.column("Gen. tokens").alignRight();
        table.column("Latents").alignRight();
        table.column("Decodes").alignRight();
        table.column("Reward").alignRight();
        table.column("ms/example").alignRight();
        table.column("Steps").alignRight();
        table.column("Train tok/s").alignRight();
        table.column("Train time").alignRight();
        for (String id : ids) {
            RunResult r = experiments.result(id).orElse(null);
            if (r == null) {
                continue;
            }
            for (EvaluationResult e : r.evaluations()) {
                table.addRow().addContent(id, r.method(), e.set(),
                        String.format(Locale.ROOT, "%.3f", e.accuracy()),
                        e.correct() + "/" + e.examples(),
                        String.format(Locale.ROOT, "%.1f", e.meanGeneratedTokens()),
                        String.format(Locale.ROOT, "%.1f", e.meanLatentSteps()),
                        e.meanDecodes() == null ? "-" : String.format(Locale.ROOT, "%.2f", e.meanDecodes()),
                        e.meanReward() == null ? "-" : String.format(Locale.ROOT, "%.3f", e.meanReward()),
                        String.format(Locale.ROOT, "%.1f", e.latencyMsPerExample()),
                        r.steps(),
                        String.format(Locale.ROOT, "%,.0f", r.tokensPerSecond()),
                        duration(r.trainSeconds()));
            }
            r.notes().forEach(n -> out.println("note (" + id + "): " + n));
        }
        table.print(out);
    }

    /**
     * Probe scalars shown by default beside accuracy: information per latent step, intrinsic dimension, gradient
     * attenuation and drift; a run without the probe shows "-".
     */
    static final List<String> DEFAULT_SCALARS = List.of("ulp.info.step*", "ulp.info.mean", "intrinsic-dimension.twoNN",
            "intrinsic-dimension.participationRatio", "gradient.attenuation", "drift.nearestCosine", "drift.pcaAreaRatio");

    /**
     * One row per run: its name, its accuracy on {@code set}, and every probe scalar ({@code probe.scalar}) that matches one
     * of {@code patterns} ({@code *} matches any text) in any of the runs; then, over the runs that have both, the Spearman
     * rank correlation of accuracy with each matched scalar whose name ends in {@code .mean} or has no step.
     */
    static void printProbeComparison(ExperimentService experiments, List<String> ids, String set, List<String> patterns, PrintStream out) {
        List<RunResult> results = ids.stream().map(id -> experiments.result(id).orElse(null)).filter(java.util.Objects::nonNull).toList();
        Map<String, Map<String, Double>> scalarsByRun = new java.util.HashMap<>();
        results.forEach(r -> scalarsByRun.put(r.id(), flatten(r)));
        List<java.util.regex.Pattern> matchers = patterns.stream()
                .map(g -> java.util.regex.Pattern.compile(java.util.Arrays.stream(g.split("\\*", -1))
                        .map(java.util.regex.Pattern::quote).collect(java.util.stream.Collectors.joining(".*"))))
                .toList();
        java.util.Set<String> columns = new java.util.LinkedHashSet<>();
        for (java.util.regex.Pattern m : matchers) {
            java.util.Set<String> matched = new java.util.TreeSet<>(ResultTables::stepOrder);
            scalarsByRun.values().forEach(s -> s.keySet().stream().filter(k -> m.matcher(k).matches()).forEach(matched::add));
            columns.addAll(matched);
        }
        if (columns.isEmpty()) {
            return;
        }
        ShellTable table = new ShellTable().emptyTableText("no results");
        table.column("Run");
        table.column("Name");
        table.column(set + " accuracy").alignRight();
        columns.forEach(c -> table.column(c).alignRight());
        for (RunResult r : results) {
            Map<String, Double> scalars = scalarsByRun.get(r.id());
            List<Object> row = new java.util.ArrayList<>(List.of(r.id(), r.name(), format(accuracy(r, set))));
            columns.forEach(c -> row.add(format(scalars.get(c))));
            table.addRow().addContent(row);
        }
        table.print(out);
        for (String c : columns) {
            if (c.matches(".*\\.step\\d+.*")) {
                continue;
            }
            List<double[]> pairs = new java.util.ArrayList<>();
            for (RunResult r : results) {
                Double a = accuracy(r, set);
                Double v = scalarsByRun.get(r.id()).get(c);
                if (a != null && v != null && Double.isFinite(v)) {
                    pairs.add(new double[] {v, a});
                }
            }
            if (pairs.size() >= 3) {
                double rho = RankCorrelation.spearman(pairs);
                out.println(Double.isNaN(rho)
                        ? String.format(Locale.ROOT, "Spearman rank correlation of %s with %s accuracy over %d runs: undefined, one of them is"
                                + " the same in every run", c, set, pairs.size())
                        : String.format(Locale.ROOT, "Spearman rank correlation of %s with %s accuracy over %d runs: %.3f", c, set, pairs.size(), rho));
            }
        }
    }

    private static final java.util.regex.Pattern NUMBERED = java.util.regex.Pattern.compile("^(.*?)(\\d+)(.*)$");

    /** "ulp.info.step2" before "ulp.info.step10". */
    private static int stepOrder(String a, String b) {
        java.util.regex.Matcher x = NUMBERED.matcher(a);
        java.util.regex.Matcher y = NUMBERED.matcher(b);
        if (x.matches() && y.matches() && x.group(1).equals(y.group(1))) {
            int byNumber = Long.compare(Long.parseLong(x.group(2)), Long.parseLong(y.group(2)));
            return byNumber != 0 ? byNumber : x.group(3).compareTo(y.group(3));
        }
        return a.compareTo(b);
    }

    private static Map<String, Double> flatten(RunResult r) {
        Map<String, Double> out = new java.util.HashMap<>();
        r.probes().forEach((probe, scalars) -> scalars.forEach((k, v) -> out.put(probe + "." + k, v)));
        return out;
    }

    private static Double accuracy(RunResult r, String set) {
        return r.evaluations().stream().filter(e -> e.set().equals(set)).map(EvaluationResult::accuracy).findFirst().orElse(null);
    }

    private static String format(Double value) {
        return value == null || !Double.isFinite(value) ? "-" : String.format(Locale.ROOT, "%.3f", value);
    }

    /** The grid of a sweep not yet submitted: one row per point, with its value on every axis and its run's name. */
    static void printSweepPlan(org.latentlab.api.experiment.SweepPlan plan, PrintStream out) {
        ShellTable table = new ShellTable().emptyTableText("no runs");
        table.column("#").alignRight();
        plan.axes().forEach(axis -> table.column(axis));
        table.column("Name");
        int n = 1;
        for (org.latentlab.api.experiment.SweepPlan.Point point : plan.points()) {
            List<Object> row = new java.util.ArrayList<>(List.of(n++));
            plan.axes().forEach(axis -> row.add(value(point.values(), axis)));
            row.add(point.spec().name() == null ? "" : point.spec().name());
            table.addRow().addContent(row);
        }
        table.print(out);
    }

    /** A submitted sweep's runs: each id with its value on every axis. */
    static void printSweepRuns(org.latentlab.api.experiment.Sweep sweep, PrintStream out) {
        ShellTable table = new ShellTable().emptyTableText("no runs");
        table.column("Run");
        sweep.axes().forEach(axis -> table.column(axis));
        for (org.latentlab.api.experiment.Sweep.Run run : sweep.runs()) {
            List<Object> row = new java.util.ArrayList<>(List.of(run.id()));
            sweep.axes().forEach(axis -> row.add(value(run.values(), axis)));
            table.addRow().addContent(row);
        }
        table.print(out);
    }

    /**
     * A sweep summarised: one row per point of its grid (its seeds pooled) and evaluation set, with how many of the point's
     * runs completed, and over them the mean, sample standard deviation, minimum and maximum of the accuracy, and the mean
     * generated tokens and training time; then a line for each run that did not complete.
     */
    static void printSweepSummary(ExperimentService experiments, org.latentlab.api.experiment.Sweep sweep, PrintStream out) {
        List<String> axes = sweep.axes().stream().filter(a -> !a.equals(org.latentlab.api.experiment.Sweep.SEED)).toList();
        // grouped by the values themselves; two points whose components share a name still differ by their swept options
        Map<List<Object>, List<org.latentlab.api.experiment.Sweep.Run>> points = new java.util.LinkedHashMap<>();
        for (org.latentlab.api.experiment.Sweep.Run run : sweep.runs()) {
            points.computeIfAbsent(axes.stream().map(a -> run.values().get(a)).toList(), k -> new java.util.ArrayList<>()).add(run);
        }
        out.println("Sweep " + sweep.id() + " (" + sweep.name() + "): " + sweep.runs().size() + (sweep.runs().size() == 1 ? " run" : " runs")
                + " at " + points.size() + (points.size() == 1 ? " point" : " points") + ", created " + sweep.created());
        ShellTable table = new ShellTable().emptyTableText("no results yet");
        axes.forEach(axis -> table.column(axis));
        table.column("Set");
        table.column("Runs").alignRight();
        table.column("Accuracy").alignRight();
        table.column("± sd").alignRight();
        table.column("Min").alignRight();
        table.column("Max").alignRight();
        table.column("Gen. tokens").alignRight();
        table.column("Train time").alignRight();
        List<String> unfinished = new java.util.ArrayList<>();
        for (Map.Entry<List<Object>, List<org.latentlab.api.experiment.Sweep.Run>> point : points.entrySet()) {
            List<Object> shown = axes.stream().map(a -> (Object) value(point.getValue().get(0).values(), a)).toList();
            Map<String, List<EvaluationResult>> bySet = new java.util.LinkedHashMap<>();
            List<Double> trainSeconds = new java.util.ArrayList<>();
            for (org.latentlab.api.experiment.Sweep.Run run : point.getValue()) {
                RunStatus status = experiments.status(run.id()).orElse(null);
                RunResult result = experiments.result(run.id()).orElse(null);
                if (status == null || status.state() != org.latentlab.api.experiment.RunState.COMPLETED || result == null) {
                    unfinished.add(run.id() + "  " + (status == null ? "missing" : status.state().name().toLowerCase(Locale.ROOT)
                            + (status.message() == null ? "" : ": " + status.message())));
                    continue;
                }
                trainSeconds.add(result.trainSeconds());
                result.evaluations().forEach(e -> bySet.computeIfAbsent(e.set(), k -> new java.util.ArrayList<>()).add(e));
            }
            if (bySet.isEmpty()) {
                List<Object> row = new java.util.ArrayList<>(shown);
                row.addAll(List.of("-", "0/" + point.getValue().size(), "-", "-", "-", "-", "-", "-"));
                table.addRow().addContent(row);
                continue;
            }
            for (Map.Entry<String, List<EvaluationResult>> set : bySet.entrySet()) {
                double[] accuracy = set.getValue().stream().mapToDouble(EvaluationResult::accuracy).toArray();
                List<Object> row = new java.util.ArrayList<>(shown);
                row.add(set.getKey());
                row.add(accuracy.length + "/" + point.getValue().size());
                row.add(String.format(Locale.ROOT, "%.3f", mean(accuracy)));
                row.add(accuracy.length < 2 ? "-" : String.format(Locale.ROOT, "%.3f", standardDeviation(accuracy)));
                row.add(String.format(Locale.ROOT, "%.3f", java.util.Arrays.stream(accuracy).min().orElseThrow()));
                row.add(String.format(Locale.ROOT, "%.3f", java.util.Arrays.stream(accuracy).max().orElseThrow()));
                row.add(String.format(Locale.ROOT, "%.1f", set.getValue().stream().mapToDouble(EvaluationResult::meanGeneratedTokens).average().orElse(0)));
                row.add(duration(trainSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
                table.addRow().addContent(row);
            }
        }
        table.print(out);
        unfinished.forEach(line -> out.println("not completed: " + line));
    }

    static double mean(double[] values) {
        return java.util.Arrays.stream(values).average().orElse(Double.NaN);
    }

    /** The sample standard deviation (n - 1 in the denominator). */
    static double standardDeviation(double[] values) {
        double m = mean(values);
        double sum = 0;
        for (double v : values) {
            sum += (v - m) * (v - m);
        }
        return Math.sqrt(sum / (values.length - 1));
    }

    /**
     * An axis's value as a table shows it: "-" where the point has none (a method without the swept option), a component
     * (an object with a name) by its name, anything else as written.
     */
    private static String value(Map<String, Object> values, String axis) {
        Object v = values.get(axis);
        if (v instanceof Map<?, ?> component && component.get("name") != null) {
            return String.valueOf(component.get("name"));
        }
        return v == null ? "-" : v instanceof String text ? text : String.valueOf(v);
    }
}
