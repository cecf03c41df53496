package org.latentlab.probe.superposition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.latentlab.api.probe.ProbeTable;

/** Sums of {@link StepMeasures} per latent step, over the examples that have the step, and over all steps read. */
final class StepTally {

    static final String TABLE = "Superposition per latent step";
    static final List<String> COLUMNS = List.of("step", "examples", "reachableMass", "writtenStepMass", "paths>thr (model)",
            "reachable>thr", "paths>thr (ideal)", "entropy", "ideal entropy", "KL");

    /** Sums for one step. */
    private static final class Sums {
        int examples;
        double reachableMass;
        double missingMass;
        double paths;
        double reachablePaths;
        double idealPaths;
        double entropy;
        double idealEntropy;
        double kl;
        int written;
        double writtenMass;
        double idealWrittenMass;

        void add(StepMeasures m) {
            examples++;
            reachableMass += m.reachableMass();
            missingMass += m.missingMass();
            paths += m.pathsAboveThreshold();
            reachablePaths += m.reachableAboveThreshold();
            idealPaths += m.idealPathsAboveThreshold();
            entropy += m.entropy();
            idealEntropy += m.idealEntropy();
            kl += m.kl();
            if (m.writtenStepMass() != null) {
                written++;
                writtenMass += m.writtenStepMass();
                idealWrittenMass += m.idealWrittenStepMass();
            }
        }
    }

    private final List<Sums> steps = new ArrayList<>();
    private final Sums all = new Sums();

    /** Adds what step {@code step} (0 for the first latent step) of one example shows. */
    void add(int step, StepMeasures measures) {
        while (steps.size() <= step) {
            steps.add(new Sums());
        }
        steps.get(step).add(measures);
        all.add(measures);
    }

    /** Example-steps read, over all steps. */
    int read() {
        return all.examples;
    }

    /**
     * Per step {@code step<t>.<measure>} (t from 1), then the means over every example-step read: {@code reachableMass},
     * {@code missingMass}, {@code kl}, {@code entropy}, {@code idealEntropy} and {@code writtenStepMass}. A mean with nothing
     * to average is left out.
     */
    void scalars(Map<String, Double> out) {
        for (int t = 0; t < steps.size(); t++) {
            Sums s = steps.get(t);
            if (s.examples == 0) {
                continue;
            }
            String p = "step" + (t + 1) + ".";
            double n = s.examples;
            out.put(p + "examples", n);
            out.put(p + "reachableMass", s.reachableMass / n);
            out.put(p + "missingMass", s.missingMass / n);
            out.put(p + "pathsAboveThreshold", s.paths / n);
            out.put(p + "reachableAboveThreshold", s.reachablePaths / n);
            out.put(p + "idealPathsAboveThreshold", s.idealPaths / n);
            out.put(p + "entropy", s.entropy / n);
            out.put(p + "idealEntropy", s.idealEntropy / n);
            out.put(p + "kl", s.kl / n);
            if (s.written > 0) {
                out.put(p + "writtenStepMass", s.writtenMass / s.written);
                out.put(p + "idealWrittenStepMass", s.idealWrittenMass / s.written);
            }
        }
        if (all.examples > 0) {
            double n = all.examples;
            out.put("reachableMass", all.reachableMass / n);
            out.put("missingMass", all.missingMass / n);
            out.put("kl", all.kl / n);
            out.put("entropy", all.entropy / n);
            out.put("idealEntropy", all.idealEntropy / n);
            if (all.written > 0) {
                out.put("writtenStepMass", all.writtenMass / all.written);
            }
        }
    }

    /** One row per latent step that some example has, its means; an empty cell where no example writes the step as one word. */
    ProbeTable table() {
        List<List<Object>> rows = new ArrayList<>();
        for (int t = 0; t < steps.size(); t++) {
            Sums s = steps.get(t);
            if (s.examples == 0) {
                continue;
            }
            double n = s.examples;
            rows.add(List.of(t + 1, s.examples, s.reachableMass / n, s.written == 0 ? "" : s.writtenMass / s.written, s.paths / n,
                    s.reachablePaths / n, s.idealPaths / n, s.entropy / n, s.idealEntropy / n, s.kl / n));
        }
        return new ProbeTable(TABLE, COLUMNS, rows);
    }
}
