package org.latentlab.probe.logitlens;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDManager;

import org.latentlab.api.Capability;
import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.probe.Probe;
import org.latentlab.api.probe.ProbeContext;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

import org.osgi.service.component.annotations.Component;

/**
 * The logit lens (nostalgebraist, 2020), as the Coconut paper uses it to read its continuous thoughts: the residual
 * stream after every layer goes through the final norm and the language-model head as if it were the last layer's.
 * At each position read, layer L's distribution is compared with the last layer's by {@code KL(p_final || p_L)} in
 * nats and by whether their most probable tokens agree; each continuous thought is also decoded as the token
 * distribution it stands for.
 *
 * <p>Options: {@code topK} (1 to 50, default 5) tokens to list, {@code examples} (1 to 10000, default 32) of the
 * probe's examples to read, {@code positions}: {@code "latents"} (the continuous thoughts), {@code "answer"} (the
 * column holding {@code <answer>}, which predicts the answer's first token) or {@code "supervised"} (every labelled
 * column); by default the thoughts when the method's traces have any, else the answer.
 *
 * <p>Scalars: {@code examples}, {@code positions}, and per layer L {@code kl.layer<L>}, {@code agreement.layer<L>}
 * and, at labelled positions, {@code target.layer<L>} (top-1 equals the label). Tables: {@code layers}, then
 * {@code thoughts} or {@code positions} for the first examples, and {@code options}.
 *
 * <p>Figures ({@link LogitLensFigures}): for the first listed examples, the top tokens each thought decodes to against
 * the thought (or, without thoughts, against the position where an example has several), each token written beside
 * its point; the KL to the last layer against the layer; and the top-1 agreement with the last layer and with the label
 * against the layer.
 */
@Component(service = Probe.class)
@ComponentName("logit-lens")
public final class LogitLens implements Probe {

    /** Examples run through the method at once. */
    static final int BATCH = 16;
    /** Examples whose positions are listed one by one in the report's tables. */
    static final int LISTED_EXAMPLES = 8;
    /** The listing of the continuous thoughts read, and of the token positions read when there are none. */
    static final String THOUGHTS = "thoughts";
    static final String POSITIONS = "positions";
    /** Columns of those listings. */
    static final String EXAMPLE = "example";
    static final String THOUGHT = "thought";
    static final String COLUMN = "column";
    static final String TOP_K = "top-k";

    @Override
    public Set<Capability> requires() {
        return Set.of(Capability.LAYER_STATES);
    }

    @Override
    public Set<String> options() {
        return LogitLensOptions.NAMES;
    }

    @Override
    public void checkOptions(Map<String, Object> options) {
        LogitLensOptions.of(options);
    }

    @Override
    public List<Figure> figures(ProbeReport report) {
        return LogitLensFigures.of(report);
    }

    @Override
    public ProbeReport run(ProbeContext context) {
        LogitLensOptions options = LogitLensOptions.of(context.options());
        int layers = context.model().config().layers();
        Vocabulary vocabulary = context.vocabulary();
        List<Example> examples = context.examples().subList(0, Math.min(options.examples(), context.examples().size()));
        LensPositions where = options.positions();
        LayerTally tally = new LayerTally(layers);
        List<List<Object>> listed = new ArrayList<>();
        for (int from = 0; from < examples.size(); from += BATCH) {
            List<Example> part = examples.subList(from, Math.min(from + BATCH, examples.size()));
            try (NDManager manager = context.manager().newSubManager()) {
                LatentTrace trace = context.method().forward(context.model(), new Batch(part, vocabulary, manager), context.stage());
                if (where == null) {
                    where = LensPositions.byDefault(trace);
                }
                List<LensPosition> positions = where.select(trace, vocabulary);
                if (positions.isEmpty()) {
                    continue;
                }
                int firstRows = LISTED_EXAMPLES - from;
                int detailed = (int) positions.stream().filter(p -> p.row() < firstRows).count();
                LensReading reading = LensReading.read(context.model(), trace, positions, where == LensPositions.LATENTS, detailed,
                        options.topK(), manager);
                tally.add(positions, reading);
                for (int i = 0; i < detailed; i++) {
                    listed.add(row(part.get(positions.get(i).row()), positions.get(i), i, reading, where, vocabulary));
                }
            }
        }

        Map<String, Double> scalars = new LinkedHashMap<>();
        scalars.put("examples", (double) examples.size());
        scalars.put("positions", (double) tally.positions());
        scalars.putAll(tally.scalars());
        List<ProbeTable> tables = new ArrayList<>();
        tables.add(tally.table());
        tables.add(listing(where, layers, listed));
        tables.add(new ProbeTable("options", List.of("option", "value"), List.of(
                List.of(LogitLensOptions.POSITIONS, where == null ? "none read" : where.word()),
                List.of(LogitLensOptions.TOP_K, options.topK()),
                List.of(LogitLensOptions.EXAMPLES, examples.size()))));
        return new ProbeReport("logit-lens", scalars, tables);
    }

    /** {@code thoughts}: example, thought, top-k of the thought, top-1 per layer; {@code positions}: example, column, target, top-k, top-1 per layer. */
    private static ProbeTable listing(LensPositions where, int layers, List<List<Object>> rows) {
        boolean thoughts = where == LensPositions.LATENTS;
        List<String> columns = new ArrayList<>(thoughts ? List.of(EXAMPLE, THOUGHT, TOP_K) : List.of(EXAMPLE, COLUMN, "target", TOP_K));
        for (int layer = 0; layer < layers; layer++) {
            columns.add("layer " + layer + " top-1");
        }
        return new ProbeTable(thoughts ? THOUGHTS : POSITIONS, columns, rows);
    }

    private static List<Object> row(Example example, LensPosition position, int i, LensReading reading, LensPositions where,
                                    Vocabulary vocabulary) {
        List<Object> row = new ArrayList<>();
        row.add(example.id());
        if (where == LensPositions.LATENTS) {
            row.add(position.thought());
        } else {
            row.add(position.column());
            row.add(position.target() == LatentTrace.IGNORE ? "" : vocabulary.token(position.target()));
        }
        row.add(RankedToken.describe(reading.topK().get(i), vocabulary));
        for (int layer = 0; layer < reading.top().length; layer++) {
            row.add(new RankedToken(reading.top()[layer][i], reading.topProbability()[layer][i]).describe(vocabulary));
        }
        return row;
    }
}
