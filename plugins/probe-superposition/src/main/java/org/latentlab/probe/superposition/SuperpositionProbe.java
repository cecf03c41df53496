package org.latentlab.probe.superposition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.Capability;
import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.probe.Probe;
import org.latentlab.api.probe.ProbeContext;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

import org.osgi.service.component.annotations.Component;

/**
 * How many reasoning paths a continuous token carries (CoT2, Gozeten et al. 2025). A method whose latent steps are
 * mixtures of token embeddings predicts each step as a distribution over the vocabulary
 * ({@link LatentTrace#STEP_PROBABILITIES}); a dataset that can enumerate its search space gives, per step, the ideal
 * superposition over every search path ({@link Example#STEP_DISTRIBUTIONS}; on MNNS after t digits every reachable
 * partial sum, weighted by its share of the 2<sup>t</sup> sign paths). Latent step t is compared with distribution t.
 *
 * <p>The first {@code examples} examples that carry step distributions are run through the method's training pass, in
 * batches of {@value #BATCH}, at the probe's stage with {@code methodOptions} laid over its settings (so a teacher-forced
 * CoT2 can be read free-running with {@code {"methodOptions": {"feedback": "model"}}}; a null value removes a
 * setting). The platform runs probes without gradients, and the probe opens no gradient collector. A step is read
 * for an example when the model's row for it is not all zeros (a row with fewer steps has zero rows) and the example
 * has a distribution for it.
 *
 * <p>Measured per example and step ({@link StepMeasures}), then averaged per step over the examples that have it:
 * the model's probability on the reachable words (the ideal's support), the number of vocabulary entries above
 * {@code threshold} and how many of those are reachable, the entropies of the model and of the ideal, KL(ideal || model)
 * with the model's probabilities floored at 10<sup>-12</sup>, and the probability on the written step's word. A word
 * of the ideal that the vocabulary lacks is mass no model can place: it is reported as {@code missingMass}, counts in
 * the ideal's entropy and paths, and enters the KL divergence with model probability 0.
 *
 * <p>Options: {@code examples} (a whole number of at least 1, default 100), {@code threshold} (strictly between 0 and
 * 1, default 0.05), {@code methodOptions} (an object, default empty).
 *
 * <p>Scalars: {@code examples} (probed), {@code steps} (example-steps read); per step t from 1 {@code step<t>.examples},
 * {@code .reachableMass}, {@code .missingMass}, {@code .pathsAboveThreshold}, {@code .reachableAboveThreshold},
 * {@code .idealPathsAboveThreshold}, {@code .entropy}, {@code .idealEntropy}, {@code .kl}, and where the example writes
 * the step as one word {@code .writtenStepMass} and {@code .idealWrittenStepMass}; the means over all example-steps
 * read {@code reachableMass}, {@code missingMass}, {@code kl}, {@code entropy}, {@code idealEntropy},
 * {@code writtenStepMass}. Tables: {@value StepTally#TABLE} and {@code options}.
 *
 * <p>Figures ({@link SuperpositionFigures}), against the latent step: {@code entropy}, the model's and the ideal's entropy
 * and KL(ideal || model) in nats; {@code mass}, the reachable mass and the written step's probability under the model and
 * the ideal.
 */
@Component(service = Probe.class)
@ComponentName("superposition")
public final class SuperpositionProbe implements Probe {

    static final String NAME = "superposition";
    /** Examples run through the method at once. */
    static final int BATCH = 16;

    @Override
    public Set<Capability> requires() {
        return Set.of(Capability.LATENT_STEPS);
    }

    @Override
    public Set<String> options() {
        return SuperpositionOptions.NAMES;
    }

    @Override
    public void checkOptions(Map<String, Object> options) {
        SuperpositionOptions.of(options);
    }

    @Override
    public List<Figure> figures(ProbeReport report) {
        return SuperpositionFigures.of(report);
    }

    @Override
    public ProbeReport run(ProbeContext context) {
        SuperpositionOptions options = SuperpositionOptions.of(context.options());
        List<Example> examples = new ArrayList<>();
        List<List<Map<String, Double>>> ideals = new ArrayList<>();
        for (Example example : context.examples()) {
            if (examples.size() == options.examples()) {
                break;
            }
            List<Map<String, Double>> ideal = distributions(example);
            if (ideal != null) {
                examples.add(example);
                ideals.add(ideal);
            }
        }
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("The superposition probe compares each latent step with the example's ideal distribution"
                    + " (Example.STEP_DISTRIBUTIONS), and none of the examples of this run has one.");
        }
        Vocabulary vocabulary = context.vocabulary();
        StepTally tally = new StepTally();
        context.forEachTrace(examples, BATCH, options.methodOptions(), (from, part, trace) -> {
            NDArray probabilities = trace.extras().get(LatentTrace.STEP_PROBABILITIES);
            if (probabilities == null) {
                throw new IllegalArgumentException("This method gives no step probabilities (LatentTrace.STEP_PROBABILITIES); the superposition"
                        + " probe needs a method whose latent steps mix token embeddings, such as cot2.");
            }
            Shape shape = probabilities.getShape();
            if (shape.dimension() != 3 || shape.get(0) != part.size() || shape.get(2) != vocabulary.size()) {
                throw new IllegalStateException("This method's step probabilities have shape " + shape + ", not (" + part.size()
                        + ", steps, " + vocabulary.size() + ") for a batch of " + part.size() + " and a vocabulary of " + vocabulary.size() + ".");
            }
            int steps = (int) shape.get(1);
            int size = vocabulary.size();
            float[] p = probabilities.toType(DataType.FLOAT32, false).toFloatArray();
            for (int b = 0; b < part.size(); b++) {
                Example example = part.get(b);
                List<Map<String, Double>> ideal = ideals.get(from + b);
                for (int t = 0; t < Math.min(steps, ideal.size()); t++) {
                    int offset = (b * steps + t) * size;
                    if (absent(p, offset, size)) {
                        continue;
                    }
                    String written = t < example.steps().size() ? example.steps().get(t) : null;
                    tally.add(t, StepMeasures.measure(p, offset, ideal.get(t), vocabulary, options.threshold(), written));
                }
            }
        });

        Map<String, Double> scalars = new LinkedHashMap<>();
        scalars.put("examples", (double) examples.size());
        scalars.put("steps", (double) tally.read());
        tally.scalars(scalars);
        ProbeTable settings = new ProbeTable("options", List.of("option", "value"), List.of(
                List.of(SuperpositionOptions.EXAMPLES, examples.size()),
                List.of(SuperpositionOptions.THRESHOLD, options.threshold()),
                List.of(SuperpositionOptions.METHOD_OPTIONS, options.methodOptions().toString())));
        return new ProbeReport(NAME, scalars, List.of(tally.table(), settings));
    }

    /** A row of all zeros: a step this batch row does not have. */
    private static boolean absent(float[] p, int offset, int size) {
        for (int i = offset; i < offset + size; i++) {
            if (p[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** The example's step distributions, word to weight, or null when it has none. */
    static List<Map<String, Double>> distributions(Example example) {
        Object value = example.extras().get(Example.STEP_DISTRIBUTIONS);
        if (value == null) {
            return null;
        }
        List<Map<String, Double>> out = new ArrayList<>();
        boolean ok = value instanceof List<?>;
        if (ok) {
            steps:
            for (Object step : (List<?>) value) {
                if (!(step instanceof Map<?, ?> map)) {
                    ok = false;
                    break;
                }
                Map<String, Double> weights = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String word) || !(e.getValue() instanceof Number weight) || !(weight.doubleValue() >= 0)) {
                        ok = false;
                        break steps;
                    }
                    weights.put(word, weight.doubleValue());
                }
                out.add(weights);
            }
        }
        if (!ok) {
            throw new IllegalArgumentException("The example '" + example.id() + "' has step distributions (Example.STEP_DISTRIBUTIONS) that"
                    + " are not a list of maps from word to non-negative weight.");
        }
        return out;
    }
}
