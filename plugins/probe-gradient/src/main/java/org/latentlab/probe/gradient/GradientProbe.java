package org.latentlab.probe.gradient;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.latentlab.api.Capability;
import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.LatentPerturbation;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.probe.Probe;
import org.latentlab.api.probe.ProbeContext;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

import org.osgi.service.component.annotations.Component;

/**
 * How much of the loss gradient reaches each latent reasoning step: G(t) = ‖∂L/∂L_t‖, the L2 norm of the gradient of a
 * loss L with respect to latent step t, the hypothesis under test being that under outcome-only supervision the
 * gradient reaching early steps fades away. Run with {@code "every": N} it follows G(t) over training.
 *
 * <p>The first {@code examples} examples are differentiated in batches of {@code batchSize}. For each batch the method's
 * plain training pass gives the latents' shape {@code [B, steps, d]}; a zero perturbation of that shape is then added to
 * every latent step where it is fed back ({@link LatentPerturbation}) under a gradient collector of the probe's own,
 * the loss is taken and differentiated, and the perturbation's gradient is ∂L/∂L_t, since the perturbation is added to
 * L_t and nothing else. Per row and step its L2 norm over d is G; steps a row does not have
 * ({@link LatentTrace#LATENT_COLUMNS} &lt; 0) are left out.
 *
 * <p>The loss ({@code loss} option): {@code "training"}, the experiment's training objective on the batch
 * ({@link ProbeContext#objective()}), or {@code "answer"}, the cross-entropy of the answer tokens alone, read from the
 * trace's logits and labels at the positions whose label follows the label {@code <answer>}, up to and including the
 * one whose label is {@code <eos>}, averaged over those positions per row. G is a row's own: for {@code "answer"} the
 * probe differentiates the sum over rows of their losses, so row b's gradient is that of its own loss; for
 * {@code "training"}, whose objective is a mean over the batch, G is B times the norm of the objective's gradient, which
 * is the gradient of the row's own loss when the objective is a mean over rows of per-row losses (a loss pooled over
 * tokens, like the language loss, weighs each row by its share of the batch's supervised tokens instead). Rows without
 * answer tokens are left out under {@code "answer"}.
 *
 * <p>The model is left as the probe found it: the backward pass also accumulates into the parameters' gradients, so
 * these are copied before and written back after (a parameter that had no gradient yet is left with a zero one, which
 * reads the same). At a stage without latent steps (stage 0 of a curriculum) the report has no steps rather than
 * failing, so that a probe run during training goes on to the later stages.
 *
 * <p>Options: {@code examples} (whole, at least 1, default {@value GradientOptions#DEFAULT_EXAMPLES}), {@code batchSize}
 * (whole, at least 1, default {@value GradientOptions#DEFAULT_BATCH_SIZE}), {@code loss} ({@code "training"}, the
 * default, or {@code "answer"}), {@code methodOptions} (method settings laid over the stage, default none).
 *
 * <p>Scalars: {@code examples}, {@code rows} (rows with at least one latent step measured), {@code loss} (the mean
 * over rows of their loss, per the above), {@code steps}, {@code G.step<t>} for t from 1 (the mean over rows),
 * {@code G.mean} (the mean over every row and step measured), and {@code attenuation} = G.step1 / G.step<last>, left
 * out when G.step<last> is 0. Tables: {@value #TABLE} (step, rows, mean G, median G) and {@code options}.
 *
 * <p>Figure: {@value GradientFigures#NAME}, the mean and median G against the latent step, on a log10 scale when they
 * span more than two decades ({@link GradientFigures}).
 */
@Component(service = Probe.class)
@ComponentName("gradient")
public final class GradientProbe implements Probe {

    static final String NAME = "gradient";
    static final String TABLE = "Loss gradient per latent step";
    static final List<String> COLUMNS = List.of("step", "rows", "mean G", "median G");

    static final String NO_LATENTS = "This method gives no latent steps (LatentTrace.latents()); the gradient probe needs a method"
            + " with continuous reasoning steps that it can perturb, such as coconut.";

    @Override
    public Set<Capability> requires() {
        return Set.of(Capability.LATENT_STEPS, Capability.LATENT_PERTURBATION);
    }

    @Override
    public Set<String> options() {
        return GradientOptions.NAMES;
    }

    @Override
    public void checkOptions(Map<String, Object> options) {
        GradientOptions.of(options);
    }

    /**
     * The table drawn as G(t) against the latent step, a line for the mean and one for the median; none for a report
     * without the table or without steps.
     */
    @Override
    public List<Figure> figures(ProbeReport report) {
        return GradientFigures.of(report);
    }

    @Override
    public ProbeReport run(ProbeContext context) {
        GradientOptions options = GradientOptions.of(context.options());
        if (!(context.method() instanceof LatentPerturbation method)) {
            throw new IllegalStateException("The gradient probe needs a method that can perturb its latent steps where they are fed back"
                    + " (LatentPerturbation), and " + context.method().getClass().getSimpleName() + " cannot.");
        }
        if (options.loss() == GradientOptions.Loss.TRAINING && context.objective() == null) {
            throw new IllegalStateException("The gradient probe's loss \"training\" differentiates the experiment's training objective,"
                    + " which this caller does not give; set the option 'loss' to \"answer\" to differentiate the answer tokens'"
                    + " cross-entropy instead.");
        }
        List<Example> examples = context.examples().subList(0, Math.min(options.examples(), context.examples().size()));
        CurriculumStage stage = context.stage().withSettings(options.methodOptions());
        Backbone model = context.model();
        Measurements measured = new Measurements();
        try (NDManager scope = context.manager().newSubManager()) {
            List<NDArray> saved = saveGradients(model, scope);
            try {
                for (int from = 0; from < examples.size(); from += options.batchSize()) {
                    List<Example> part = examples.subList(from, Math.min(from + options.batchSize(), examples.size()));
                    try (NDManager batchScope = scope.newSubManager()) {
                        measure(context, method, stage, options.loss(), new Batch(part, context.vocabulary(), batchScope), measured);
                    }
                }
            } finally {
                restoreGradients(model, saved);
            }
        }
        return report(examples.size(), options, measured);
    }

    /** G of every row and step of one batch, added to {@code measured}. */
    private static void measure(ProbeContext context, LatentPerturbation method, CurriculumStage stage, GradientOptions.Loss loss,
                                Batch batch, Measurements measured) {
        Backbone model = context.model();
        int rows = batch.size();
        Shape shape;
        DataType type;
        // the plain pass, only for the latents' shape
        try (NDManager plainScope = batch.manager().newSubManager()) {
            NDArray latents = context.method().forward(model, new Batch(batch.examples(), batch.vocabulary(), plainScope), stage).latents();
            if (latents == null) {
                throw new IllegalArgumentException(NO_LATENTS);
            }
            shape = latents.getShape();
            type = latents.getDataType();
        }
        if (shape.dimension() != 3 || shape.get(0) != rows) {
            throw new IllegalStateException("This method's latents have shape " + shape + ", not (" + rows + ", steps, dModel) for a batch of "
                    + rows + ".");
        }
        int steps = (int) shape.get(1);
        int d = (int) shape.get(2);
        if (steps == 0) {
            return;
        }
        double[] gradient;
        boolean[] counted = new boolean[rows];
        int[] columns;
        double value;
        try (GradientCollector collector = model.manager().getEngine().newGradientCollector()) {
            NDArray perturbation = batch.manager().zeros(shape, type);
            perturbation.setRequiresGradient(true);
            LatentTrace trace = method.forward(model, batch, stage, perturbation);
            columns = latentColumns(trace, rows, steps);
            NDArray objective;
            if (loss == GradientOptions.Loss.TRAINING) {
                objective = context.objective().loss(trace, batch, stage);
                Arrays.fill(counted, true);
            } else {
                objective = answerLoss(trace, batch, counted);
            }
            if (objective.size() != 1) {
                throw new IllegalStateException("The loss the gradient probe differentiates must be one number, not an array of shape "
                        + objective.getShape() + ".");
            }
            value = objective.toType(DataType.FLOAT64, false).toDoubleArray()[0];
            collector.backward(objective);
            try (NDArray g = perturbation.getGradient()) {
                gradient = g.toType(DataType.FLOAT64, false).toDoubleArray();
            }
        }
        // G is a row's own: the objective is a mean over the batch's rows, the answer loss a sum of per-row losses
        double scale = loss == GradientOptions.Loss.TRAINING ? rows : 1;
        int answered = 0;
        for (int b = 0; b < rows; b++) {
            if (!counted[b]) {
                continue;
            }
            answered++;
            boolean any = false;
            for (int t = 0; t < steps; t++) {
                if (columns != null && columns[b * steps + t] < 0) {
                    continue;
                }
                int offset = (b * steps + t) * d;
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += gradient[offset + j] * gradient[offset + j];
                }
                measured.add(t, scale * Math.sqrt(s));
                any = true;
            }
            if (any) {
                measured.rows++;
            }
        }
        // the loss per row: the objective is a mean already; the answer loss is the sum over the rows that have answers
        if (loss == GradientOptions.Loss.TRAINING) {
            measured.lossSum += value * rows;
            measured.lossRows += rows;
        } else {
            measured.lossSum += value;
            measured.lossRows += answered;
        }
    }

    /** {@link LatentTrace#LATENT_COLUMNS} on the host, row-major {@code [rows, steps]}, or null when the method gives none. */
    private static int[] latentColumns(LatentTrace trace, int rows, int steps) {
        NDArray columns = trace.extras().get(LatentTrace.LATENT_COLUMNS);
        if (columns == null) {
            return null;
        }
        if (columns.getShape().dimension() != 2 || columns.getShape().get(0) != rows || columns.getShape().get(1) != steps) {
            throw new IllegalStateException("This method's latent columns have shape " + columns.getShape() + ", not (" + rows + ", "
                    + steps + ") as its latents need.");
        }
        return columns.toType(DataType.INT32, false).toIntArray();
    }

    /**
     * The sum over rows of each row's mean cross-entropy of its answer tokens: the positions whose label follows the label
     * {@code <answer>}, up to and including the one labelled {@code <eos>}. {@code answered[b]} is set for each row that
     * has such positions; the others add nothing. Every scalar is an array of the batch's manager, which lives through
     * backward.
     */
    static NDArray answerLoss(LatentTrace trace, Batch batch, boolean[] answered) {
        NDArray logits = trace.logits();
        NDArray labels = trace.labels();
        if (logits == null || labels == null) {
            throw new IllegalArgumentException("This method gives no token logits and labels; the gradient probe's loss \"answer\" reads"
                    + " the answer tokens' cross-entropy from them.");
        }
        int rows = (int) labels.getShape().get(0);
        int length = (int) labels.getShape().get(1);
        int[] label = labels.toType(DataType.INT32, false).toIntArray();
        Vocabulary vocabulary = batch.vocabulary();
        int answer = vocabulary.id(Vocabulary.ANSWER);
        int eos = vocabulary.id(Vocabulary.EOS);
        long[] index = new long[rows * length];
        float[] mask = new float[rows * length];
        float[] counts = new float[rows];
        for (int b = 0; b < rows; b++) {
            boolean after = false;
            for (int c = 0; c < length; c++) {
                int l = label[b * length + c];
                if (after && l != LatentTrace.IGNORE) {
                    index[b * length + c] = l;
                    mask[b * length + c] = 1;
                    counts[b]++;
                    if (l == eos) {
                        break;
                    }
                }
                if (!after && l == answer) {
                    after = true;
                }
            }
            answered[b] = counts[b] > 0;
            counts[b] = Math.max(counts[b], 1);
        }
        NDManager manager = batch.manager();
        NDArray picked = logits.logSoftmax(-1).gather(manager.create(index, new Shape(rows, length, 1)), -1).squeeze(-1);
        NDArray weights = manager.create(mask, new Shape(rows, length)).toType(picked.getDataType(), false);
        NDArray perRow = picked.mul(weights).sum(new int[] {1}).div(manager.create(counts).toType(picked.getDataType(), false));
        return perRow.sum().neg();
    }

    /** Copies of the parameters' gradients, in {@code scope}, in the order of {@link Backbone#parameters()}; null for one without. */
    private static List<NDArray> saveGradients(Backbone model, NDManager scope) {
        List<NDArray> saved = new ArrayList<>();
        for (NDArray parameter : model.parameters().values()) {
            if (!parameter.hasGradient()) {
                saved.add(null);
                continue;
            }
            try (NDArray gradient = parameter.getGradient()) {
                NDArray copy = gradient.duplicate();
                copy.attach(scope);
                saved.add(copy);
            }
        }
        return saved;
    }

    /** Writes the saved gradients back into the parameters' own. */
    private static void restoreGradients(Backbone model, List<NDArray> saved) {
        int i = 0;
        for (NDArray parameter : model.parameters().values()) {
            NDArray copy = saved.get(i++);
            if (copy == null) {
                continue;
            }
            try (NDArray gradient = parameter.getGradient()) {
                gradient.subi(gradient).addi(copy);
            }
        }
    }

    private static ProbeReport report(int examples, GradientOptions options, Measurements measured) {
        Map<String, Double> scalars = new LinkedHashMap<>();
        scalars.put("examples", (double) examples);
        scalars.put("rows", (double) measured.rows);
        if (measured.lossRows > 0) {
            scalars.put("loss", measured.lossSum / measured.lossRows);
        }
        List<List<Object>> rows = new ArrayList<>();
        double total = 0;
        long count = 0;
        int last = 0;
        for (int t = 0; t < measured.perStep.size(); t++) {
            List<Double> values = measured.perStep.get(t);
            if (values.isEmpty()) {
                continue;
            }
            double sum = 0;
            for (double v : values) {
                sum += v;
            }
            double mean = sum / values.size();
            total += sum;
            count += values.size();
            last = t + 1;
            scalars.put("G.step" + (t + 1), mean);
            rows.add(List.of(t + 1, values.size(), mean, median(values)));
        }
        scalars.put("steps", (double) last);
        if (count > 0) {
            scalars.put("G.mean", total / count);
            double lastG = scalars.get("G.step" + last);
            if (scalars.containsKey("G.step1") && lastG > 0) {
                scalars.put("attenuation", scalars.get("G.step1") / lastG);
            }
        }
        ProbeTable settings = new ProbeTable("options", List.of("option", "value"), List.of(
                List.of(GradientOptions.EXAMPLES, examples),
                List.of(GradientOptions.BATCH_SIZE, options.batchSize()),
                List.of(GradientOptions.LOSS, options.loss().word)));
        return new ProbeReport(NAME, scalars, List.of(new ProbeTable(TABLE, COLUMNS, rows), settings));
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** G per step index, over the rows that have that step. */
    private static final class Measurements {
        final List<List<Double>> perStep = new ArrayList<>();
        int rows;
        double lossSum;
        long lossRows;

        void add(int step, double g) {
            while (perStep.size() <= step) {
                perStep.add(new ArrayList<>());
            }
            perStep.get(step).add(g);
        }
    }
}
