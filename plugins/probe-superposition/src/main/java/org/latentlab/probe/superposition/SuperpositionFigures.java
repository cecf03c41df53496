package org.latentlab.probe.superposition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.latentlab.api.figure.Figure;
import org.latentlab.api.figure.Figure.Kind;
import org.latentlab.api.figure.Figure.Series;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

/**
 * The superposition probe's table drawn against the latent step, in two figures that do not share a scale: the
 * entropies of the model and of the ideal with the KL divergence between them (nats), and the model's probability on
 * the reachable words and on the written step beside the ideal's share of that step (probabilities). The ideal's share
 * of the written step is the scalar {@code step<t>.idealWrittenStepMass}, which the table does not hold. The report may
 * have been read back from JSON, so a cell is any kind of number or a string of one; an empty or missing cell is a point
 * left out.
 */
final class SuperpositionFigures {

    /** The name of the figure in nats. */
    static final String ENTROPY = "entropy";
    /** The name of the figure in probability. */
    static final String MASS = "mass";

    private SuperpositionFigures() {
    }

    static List<Figure> of(ProbeReport report) {
        Optional<ProbeTable> found = report.table(StepTally.TABLE);
        if (found.isEmpty() || !found.get().hasColumns("step")) {
            return List.of();
        }
        ProbeTable table = found.get();
        List<Figure> figures = new ArrayList<>();
        List<Series> nats = new ArrayList<>();
        column(table, "entropy", "model entropy").ifPresent(nats::add);
        column(table, "ideal entropy", "ideal entropy").ifPresent(nats::add);
        column(table, "KL", "KL(ideal || model)").ifPresent(nats::add);
        if (!nats.isEmpty()) {
            figures.add(new Figure(ENTROPY, "Entropy per latent step, model against the ideal superposition", Kind.LINE, "latent step",
                    "nats", nats, List.of(),
                    "A model that keeps every search path in superposition follows the ideal's entropy with KL(ideal || model) near 0;"
                            + " one that commits to a single path falls towards 0 entropy while the KL divergence rises (the model's"
                            + " probabilities are floored at 1e-12 in it)."));
        }
        List<Series> mass = new ArrayList<>();
        column(table, "reachableMass", "reachable words").ifPresent(mass::add);
        column(table, "writtenStepMass", "written step (model)").ifPresent(mass::add);
        idealWritten(table, report.scalars()).ifPresent(mass::add);
        if (!mass.isEmpty()) {
            figures.add(new Figure(MASS, "Probability on the search paths per latent step", Kind.LINE, "latent step", "probability",
                    mass, List.of(),
                    "The model's probability on the words some search path reaches at the step (1 when none leaks off the paths), and"
                            + " on the word the example writes there beside the ideal's share of the paths through it: a model well above"
                            + " that share follows the written chain rather than the superposition."));
        }
        return figures;
    }

    /** The table's {@code column} against the step, as {@code label}; empty when the table lacks it or it has no number. */
    private static Optional<Series> column(ProbeTable table, String column, String label) {
        if (!table.hasColumns(column)) {
            return Optional.empty();
        }
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (List<Object> row : table.rows()) {
            Double t = table.number(row, "step");
            Double value = table.number(row, column);
            if (t != null && value != null) {
                x.add(t);
                y.add(value);
            }
        }
        return x.isEmpty() ? Optional.empty() : Optional.of(Series.points(label, x, y));
    }

    /** The ideal's share of the written step at each of the table's steps, from the scalars; empty when none has it. */
    private static Optional<Series> idealWritten(ProbeTable table, Map<String, Double> scalars) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (List<Object> row : table.rows()) {
            Double t = table.number(row, "step");
            if (t == null || t != Math.rint(t)) {
                continue;
            }
            Double value = scalars.get("step" + (long) (double) t + ".idealWrittenStepMass");
            if (value != null && Double.isFinite(value)) {
                x.add(t);
                y.add(value);
            }
        }
        return x.isEmpty() ? Optional.empty() : Optional.of(Series.points("written step (ideal)", x, y));
    }
}
