package org.latentlab.shell;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

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
                        String.format(Locale.ROOT, "%.1f", e.latencyMsPerExample()),
                        r.steps(),
                        String.format(Locale.ROOT, "%,.0f", r.tokensPerSecond()),
                        duration(r.trainSeconds()));
            }
            r.notes().forEach(n -> out.println("note (" + id + "): " + n));
        }
        table.print(out);
    }
}
