package org.latentlab.probe.ulp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.latentlab.api.Capability;
import org.latentlab.api.ComponentName;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.probe.Probe;
import org.latentlab.api.probe.ProbeContext;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

import org.osgi.service.component.annotations.Component;

/**
 * The Unified Latent Probe: how much each latent reasoning step L<sub>t</sub> tells about the explicit step S<sub>t</sub>
 * it stands for, measured by one decoder that is the same for every method, so methods compare.
 *
 * <p>The first {@code examples} examples are run through the method's training pass at the probe's stage (with
 * {@code methodOptions} laid over it), in batches of {@value #BATCH}. Every latent step with a
 * {@link LatentTrace#STEP_INDEX} of at least 0 is read: its vector, copied to the host (so nothing reaches back into the
 * model), and the token ids of {@code example.steps().get(stepIndex)} followed by {@link Vocabulary#EOS}. Latents are
 * grouped by their position t in the trace (from 1); where several latents stand for one step, each is its own t.
 *
 * <p>For each t and each of {@code seeds} seeds, the pairs are shuffled and split: {@code heldOut} of them held out, and
 * of the rest {@value #VALIDATION} set aside for validation (at least one pair in each part). The latents are
 * standardised per dimension by the fitting part's mean and deviation, so methods whose latents differ in scale compare,
 * and two {@link StepDecoder}s are trained from the same initial weights, each stopped early at its best validation
 * cross-entropy: the conditional q(S | L) and the unconditional q(S | 0). On the held-out pairs, H is the mean summed
 * token cross-entropy of the step under the unconditional decoder and L_info that under the conditional one (nats per
 * step), except that where validation finds the conditional decoder no better than the unconditional one, the latter,
 * which is a member of the family q(S | L) that ignores L, stands for it and L_info = H. I = H − L_info is the lower
 * bound on I(L<sub>t</sub>; S<sub>t</sub>). Each is reported as its mean over seeds with the half-width of a 95%
 * Student-t confidence interval.
 *
 * <p>One decoder per t, not one shared with a step embedding: each step's bound is then estimated on its own, a step
 * rich in pairs cannot lend a shared decoder capacity that flatters a step poor in them, and t needs no embedding the
 * held-out pairs of an unseen position could not use.
 *
 * <p>The decoders train under a gradient collector the probe opens itself, after every trace has been read; the model
 * is never part of their graph, so it gets no gradient and is not changed.
 *
 * <p>Options: {@code examples} (default {@value UlpOptions#DEFAULT_EXAMPLES}), {@code seeds}
 * ({@value UlpOptions#DEFAULT_SEEDS}), {@code epochs} ({@value UlpOptions#DEFAULT_EPOCHS}), {@code batchSize}
 * ({@value UlpOptions#DEFAULT_BATCH_SIZE}), {@code hidden} ({@value UlpOptions#DEFAULT_HIDDEN}), {@code heldOut}
 * ({@value UlpOptions#DEFAULT_HELD_OUT}), {@code learningRate} ({@value UlpOptions#DEFAULT_LEARNING_RATE}), {@code seed}
 * ({@value UlpOptions#DEFAULT_SEED}), {@code methodOptions} (none).
 *
 * <p>Scalars: {@code examples}, {@code latents}; per step t with enough pairs {@code latents.step<t>},
 * {@code info.step<t>}, {@code lInfo.step<t>}, {@code entropy.step<t>} and, with two seeds or more, each one's
 * {@code .ci95} half-width; {@code info.mean}, {@code lInfo.mean} and {@code entropy.mean} over those steps. Tables:
 * {@value #TABLE} and {@code options}.
 */
@Component(service = Probe.class)
@ComponentName("ulp")
public final class UnifiedLatentProbe implements Probe {

    static final String NAME = "ulp";
    static final String TABLE = "Information per latent step";
    static final List<String> COLUMNS = List.of("step", "latents", "H", "L_info", "I", "I low", "I high");
    /** Examples run through the method at once. */
    static final int BATCH = 16;
    /** The fewest pairs a step needs to be estimated: some to train on and some held out. */
    static final int MIN_PAIRS = 4;
    /** The share of a step's training pairs set aside to stop the decoders early and to choose between them. */
    static final double VALIDATION = 0.2;

    static final String NO_LATENTS = "This method gives no latent steps (LatentTrace.latents()); the ulp probe needs a method with"
            + " continuous reasoning steps, such as coconut or cot2.";
    static final String NO_STEP_INDEX = "This method gives no step index (LatentTrace.STEP_INDEX); the ulp probe needs a method whose"
            + " latent steps name the explicit steps they stand for (ALIGNED_STEPS).";
    static final String NO_PAIRS = "No latent step stands for an explicit step of the examples probed; the ulp probe has nothing to"
            + " decode.";

    @Override
    public Set<Capability> requires() {
        return Set.of(Capability.LATENT_STEPS, Capability.ALIGNED_STEPS);
    }

    @Override
    public Set<String> options() {
        return UlpOptions.NAMES;
    }

    @Override
    public void checkOptions(Map<String, Object> options) {
        UlpOptions.of(options);
    }

    /**
     * The table drawn as a line per quantity against the latent step: I, H and L_info. Steps with too few pairs to be
     * estimated are left out.
     */
    @Override
    public List<Figure> figures(ProbeReport report) {
        return report.table(TABLE).map(table -> {
            List<String> drawn = List.of("I", "H", "L_info");
            List<List<Object>> estimated = table.rows().stream()
                    .filter(row -> table.number(row, "step") != null && drawn.stream().allMatch(c -> table.number(row, c) != null)).toList();
            if (estimated.isEmpty()) {
                return List.<Figure>of();
            }
            List<Double> steps = estimated.stream().map(row -> table.number(row, "step")).toList();
            List<Figure.Series> series = new java.util.ArrayList<>();
            for (String column : drawn) {
                series.add(Figure.Series.points(column, steps, estimated.stream().map(row -> table.number(row, column)).toList()));
            }
            return List.of(new Figure("information-per-step", "Information per latent step", Figure.Kind.LINE, "latent step",
                    "nats", series, List.of(),
                    "I = H − L_info, a lower bound on the information the latent of step t keeps about that step's text. H is the "
                            + "step's held-out cross-entropy under a decoder that does not read the latent, and L_info under one that does."));
        }).orElse(List.of());
    }

    @Override
    public ProbeReport run(ProbeContext context) {
        UlpOptions options = UlpOptions.of(context.options());
        List<Example> examples = context.examples().subList(0, Math.min(options.examples(), context.examples().size()));
        Vocabulary vocabulary = context.vocabulary();
        List<StepPairs> positions = new ArrayList<>();
        context.forEachTrace(examples, BATCH, options.methodOptions(),
                (from, part, trace) -> read(trace, part, vocabulary, positions));
        int total = positions.stream().mapToInt(StepPairs::size).sum();
        if (total == 0) {
            throw new IllegalArgumentException(NO_PAIRS);
        }

        Map<String, Double> scalars = new LinkedHashMap<>();
        scalars.put("examples", (double) examples.size());
        scalars.put("latents", (double) total);
        List<List<Object>> rows = new ArrayList<>();
        List<double[]> means = new ArrayList<>();
        try (GradientCollector collector = open(context)) {
            for (int t = 0; t < positions.size(); t++) {
                StepPairs pairs = positions.get(t);
                if (pairs.size() < MIN_PAIRS) {
                    if (pairs.size() > 0) {
                        rows.add(List.of(t + 1, pairs.size(), "", "", "", "", ""));
                    }
                    continue;
                }
                double[] entropy = new double[options.seeds()];
                double[] lInfo = new double[options.seeds()];
                double[] info = new double[options.seeds()];
                for (int k = 0; k < options.seeds(); k++) {
                    double[] estimate = estimate(context, pairs, vocabulary, options, options.seed() + k, t, collector);
                    entropy[k] = estimate[0];
                    lInfo[k] = estimate[1];
                    info[k] = estimate[0] - estimate[1];
                }
                String p = ".step" + (t + 1);
                scalars.put("latents" + p, (double) pairs.size());
                ConfidenceInterval h = put(scalars, "entropy" + p, entropy);
                ConfidenceInterval l = put(scalars, "lInfo" + p, lInfo);
                ConfidenceInterval i = put(scalars, "info" + p, info);
                means.add(new double[] {h.mean(), l.mean(), i.mean()});
                boolean interval = Double.isFinite(i.halfWidth());
                rows.add(List.of(t + 1, pairs.size(), h.mean(), l.mean(), i.mean(), interval ? (Object) i.low() : "",
                        interval ? (Object) i.high() : ""));
            }
        }
        if (!means.isEmpty()) {
            scalars.put("entropy.mean", means.stream().mapToDouble(m -> m[0]).average().orElseThrow());
            scalars.put("lInfo.mean", means.stream().mapToDouble(m -> m[1]).average().orElseThrow());
            scalars.put("info.mean", means.stream().mapToDouble(m -> m[2]).average().orElseThrow());
        }
        ProbeTable settings = new ProbeTable("options", List.of("option", "value"), options.rows());
        return new ProbeReport(NAME, scalars, List.of(new ProbeTable(TABLE, COLUMNS, rows), settings));
    }

    /** The decoders' own gradient collector; gradient recording is on while it is open and back as it was once closed. */
    private static GradientCollector open(ProbeContext context) {
        try {
            return context.manager().getEngine().newGradientCollector();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("The ulp probe trains its decoders under a gradient collector of its own and another is"
                    + " open in this JVM; run the probe outside a training step.", e);
        }
    }

    /**
     * One seed's estimate at position t: {H, L_info} in nats per step, held-out means of the unconditional and the
     * conditional decoder's summed cross-entropy.
     */
    private static double[] estimate(ProbeContext context, StepPairs pairs, Vocabulary vocabulary, UlpOptions options, long seed, int t,
                                     GradientCollector collector) {
        Random random = new Random(seed * 1_000_003L + t);
        int n = pairs.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        int held = Math.min(n - 2, Math.max(1, (int) Math.round(n * options.heldOut())));
        int validation = Math.min(n - held - 1, Math.max(1, (int) Math.round((n - held) * VALIDATION)));
        int fit = n - held - validation;
        int width = pairs.width();
        float[][][] latents = {new float[held][], new float[validation][], new float[fit][]};
        int[][][] steps = {new int[held][], new int[validation][], new int[fit][]};
        for (int i = 0; i < n; i++) {
            int part = i < held ? 0 : i < held + validation ? 1 : 2;
            int at = part == 0 ? i : part == 1 ? i - held : i - held - validation;
            latents[part][at] = pairs.latents.get(order[i]);
            steps[part][at] = pairs.steps.get(order[i]);
        }
        standardise(latents[2], List.of(latents[0], latents[1]), width);
        float[][][] zeros = {new float[held][width], new float[validation][width], new float[fit][width]};

        long initialisation = random.nextLong();
        long batches = random.nextLong();
        int positions = pairs.longest();
        int start = vocabulary.id(Vocabulary.BOS);
        double entropy;
        double unconditionalValidation;
        try (StepDecoder unconditional = new StepDecoder(context.manager(), width, vocabulary.size(), positions, options.hidden(), start,
                new Random(initialisation))) {
            unconditionalValidation = unconditional.train(zeros[2], steps[2], zeros[1], steps[1], options.epochs(), options.batchSize(),
                    options.learningRate(), new Random(batches), collector);
            entropy = StepDecoder.mean(unconditional.crossEntropies(zeros[0], steps[0], options.batchSize()));
        }
        double lInfo;
        try (StepDecoder conditional = new StepDecoder(context.manager(), width, vocabulary.size(), positions, options.hidden(), start,
                new Random(initialisation))) {
            double conditionalValidation = conditional.train(latents[2], steps[2], latents[1], steps[1], options.epochs(),
                    options.batchSize(), options.learningRate(), new Random(batches), collector);
            // the decoders that ignore the latent belong to the family q(S | L) too: where validation prefers one, it is q
            lInfo = conditionalValidation <= unconditionalValidation
                    ? StepDecoder.mean(conditional.crossEntropies(latents[0], steps[0], options.batchSize())) : entropy;
        }
        return new double[] {entropy, lInfo};
    }

    /**
     * Replaces each latent (fresh arrays, the read ones untouched) by its standardised form: per dimension, minus the
     * training latents' mean, over their standard deviation (a dimension constant over training is only centred).
     */
    static void standardise(float[][] training, List<float[][]> others, int width) {
        double[] mean = new double[width];
        double[] deviation = new double[width];
        for (float[] l : training) {
            for (int j = 0; j < width; j++) {
                mean[j] += l[j];
            }
        }
        for (int j = 0; j < width; j++) {
            mean[j] /= training.length;
        }
        for (float[] l : training) {
            for (int j = 0; j < width; j++) {
                deviation[j] += (l[j] - mean[j]) * (l[j] - mean[j]);
            }
        }
        for (int j = 0; j < width; j++) {
            deviation[j] = Math.sqrt(deviation[j] / training.length);
            if (!(deviation[j] > 1e-12)) {
                deviation[j] = 1;
            }
        }
        List<float[][]> sets = new ArrayList<>(others);
        sets.add(training);
        for (float[][] set : sets) {
            for (int i = 0; i < set.length; i++) {
                float[] out = new float[width];
                for (int j = 0; j < width; j++) {
                    out[j] = (float) ((set[i][j] - mean[j]) / deviation[j]);
                }
                set[i] = out;
            }
        }
    }

    /** The pairs of one batch's trace, appended by latent position to {@code positions}. */
    private static void read(LatentTrace trace, List<Example> batch, Vocabulary vocabulary, List<StepPairs> positions) {
        int size = batch.size();
        NDArray latents = trace.latents();
        if (latents == null) {
            throw new IllegalArgumentException(NO_LATENTS);
        }
        Shape shape = latents.getShape();
        if (shape.dimension() != 3 || shape.get(0) != size) {
            throw new IllegalStateException("This method's latents have shape " + shape + ", not (" + size + ", steps, dModel) for a batch of "
                    + size + ".");
        }
        int count = (int) shape.get(1);
        int width = (int) shape.get(2);
        NDArray indexArray = trace.extras().get(LatentTrace.STEP_INDEX);
        if (indexArray == null) {
            throw new IllegalArgumentException(NO_STEP_INDEX);
        }
        if (indexArray.getShape().dimension() != 2 || indexArray.getShape().get(0) != size || indexArray.getShape().get(1) != count) {
            throw new IllegalStateException("This method's step index has shape " + indexArray.getShape() + ", not (" + size + ", " + count
                    + ") as its latents " + shape + " need.");
        }
        float[] values = latents.toType(DataType.FLOAT32, false).toFloatArray();
        int[] index = indexArray.toType(DataType.INT32, false).toIntArray();
        int end = vocabulary.id(Vocabulary.EOS);
        for (int b = 0; b < size; b++) {
            Example example = batch.get(b);
            for (int t = 0; t < count; t++) {
                int step = index[b * count + t];
                if (step < 0) {
                    continue;
                }
                if (step >= example.steps().size()) {
                    throw new IllegalStateException("This method's latent step " + (t + 1) + " of example '" + example.id()
                            + "' stands for explicit step " + step + ", but the example has " + example.steps().size() + " steps.");
                }
                List<Integer> tokens = vocabulary.encode(example.steps().get(step));
                int[] ids = new int[tokens.size() + 1];
                for (int j = 0; j < tokens.size(); j++) {
                    ids[j] = tokens.get(j);
                }
                ids[tokens.size()] = end;
                int offset = (b * count + t) * width;
                while (positions.size() <= t) {
                    positions.add(new StepPairs());
                }
                positions.get(t).add(java.util.Arrays.copyOfRange(values, offset, offset + width), ids);
            }
        }
    }

    private static ConfidenceInterval put(Map<String, Double> scalars, String name, double[] values) {
        ConfidenceInterval c = ConfidenceInterval.of(values);
        scalars.put(name, c.mean());
        if (Double.isFinite(c.halfWidth())) {
            scalars.put(name + ".ci95", c.halfWidth());
        }
        return c;
    }

}
