package org.latentlab.method.coconut;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.CurriculumStage;

/**
 * The options of the Coconut method, checked.
 *
 * @param thoughtsPerStep c, the continuous thoughts that replace one reasoning step (the paper: 1 on ProsQA, 2 on GSM8k)
 * @param maxLatentStage  the last stage that replaces one more step; later stages replace every step
 * @param epochsPerStage  epochs spent in each stage before the next replaces one more step
 * @param padLatents      give every example the stage's full number of thoughts, however few steps it has
 * @param mixProbability  the chance that a training example is laid out at a stage drawn uniformly from 0 to its number
 *                        of steps instead of the current one (the paper's code: {@code uniform_prob}), so earlier
 *                        stages' data stays in the mix
 * @param curriculum      false for the paper's "w/o curriculum" ablation: train every epoch at the final stage
 * @param thought         what fills the latent slots: the paper's continuous thoughts, nothing ("w/o thought": steps
 *                        are removed by the curriculum and no slot replaces them) or a learnable pause token ("pause as
 *                        thought": the {@code <latent>} token's embedding, no feedback)
 * @param initialiseFrom  the existing token whose embedding {@code <bot>}, {@code <eot>} and {@code <latent>} start from
 */
record CoconutOptions(int thoughtsPerStep, int maxLatentStage, int epochsPerStage, boolean padLatents, double mixProbability,
                      boolean curriculum, Thought thought, String initialiseFrom) {

    /** What the latent slots hold. */
    enum Thought {
        CONTINUOUS, NONE, PAUSE;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String THOUGHTS_PER_STEP = "thoughtsPerStep";
    static final String MAX_LATENT_STAGE = "maxLatentStage";
    static final String EPOCHS_PER_STAGE = "epochsPerStage";
    static final String PAD_LATENTS = "padLatents";
    static final String MIX_PROBABILITY = "mixProbability";
    static final String CURRICULUM = "curriculum";
    static final String THOUGHT = "thought";
    static final String INITIALISE_FROM = "initialiseFrom";
    /** Setting of a curriculum stage: its number k, the steps it replaces. */
    static final String STAGE = "stage";

    static final Set<String> NAMES = Set.of(THOUGHTS_PER_STEP, MAX_LATENT_STAGE, EPOCHS_PER_STAGE, PAD_LATENTS, MIX_PROBABILITY,
            CURRICULUM, THOUGHT, INITIALISE_FROM);

    /** Reads and checks the options (or a stage's settings, which carry them); absent options take their defaults. */
    static CoconutOptions of(Map<String, Object> options) {
        return new CoconutOptions(
                whole(options, THOUGHTS_PER_STEP, 1, 1, 64),
                whole(options, MAX_LATENT_STAGE, 6, 0, 64),
                whole(options, EPOCHS_PER_STAGE, 1, 1, 100_000),
                bool(options, PAD_LATENTS, false),
                probability(options, MIX_PROBABILITY),
                bool(options, CURRICULUM, true),
                thought(options),
                token(options));
    }

    /** The stage number k of a curriculum stage. */
    static int stage(CurriculumStage stage) {
        return whole(stage.settings(), STAGE, 0, 0, Integer.MAX_VALUE);
    }

    /** Whether stage k lies past the last latent stage, where every step is replaced. */
    boolean pastLastStage(int k) {
        return k > maxLatentStage;
    }

    /** The stage past the last, where every step is replaced by {@code maxLatentStage · c} slots. */
    int finalStage() {
        return maxLatentStage + 1;
    }

    /** How many of an example's {@code steps} reasoning steps stage k replaces. */
    int replacedSteps(int k, int steps) {
        return pastLastStage(k) ? steps : Math.min(k, steps);
    }

    /** How many latent slots an example with {@code steps} reasoning steps gets at stage k (none without thoughts). */
    int thoughts(int k, int steps) {
        if (thought == Thought.NONE) {
            return 0;
        }
        if (pastLastStage(k)) {
            return maxLatentStage * thoughtsPerStep;
        }
        return (padLatents ? k : Math.min(k, steps)) * thoughtsPerStep;
    }

    /**
     * The stage one training example is laid out at during stage k: k itself, or with {@link #mixProbability} a stage
     * drawn uniformly from 0 to the example's number of steps. The draw depends only on the example, the stage and
     * the batch it came in ({@code batchKey}, which the shuffle changes from epoch to epoch), so a run repeats exactly.
     */
    int trainingStage(int k, String exampleId, int steps, long batchKey) {
        if (mixProbability <= 0) {
            return k;
        }
        Random random = new Random(((long) exampleId.hashCode() << 32) ^ (31L * k + batchKey) * 0x9E3779B97F4A7C15L);
        return random.nextDouble() < mixProbability ? random.nextInt(steps + 1) : k;
    }

    /** The id of {@link #initialiseFrom} in a vocabulary. */
    int initialiseFromId(Vocabulary vocabulary) {
        if (!vocabulary.contains(initialiseFrom)) {
            throw new IllegalArgumentException("The coconut method's option '" + INITIALISE_FROM + "' names '" + initialiseFrom
                    + "', which is not in the vocabulary; name a token of the data or a reserved one such as " + Vocabulary.SEP + ".");
        }
        return vocabulary.id(initialiseFrom);
    }

    /** The options as stage settings, with the stage number k. */
    Map<String, Object> settings(int k) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(STAGE, k);
        settings.put(THOUGHTS_PER_STEP, thoughtsPerStep);
        settings.put(MAX_LATENT_STAGE, maxLatentStage);
        settings.put(EPOCHS_PER_STAGE, epochsPerStage);
        settings.put(PAD_LATENTS, padLatents);
        settings.put(MIX_PROBABILITY, mixProbability);
        settings.put(CURRICULUM, curriculum);
        settings.put(THOUGHT, thought.word());
        settings.put(INITIALISE_FROM, initialiseFrom);
        return settings;
    }

    private static int whole(Map<String, Object> options, String name, int fallback, int min, int max) {
        Object value = options.getOrDefault(name, fallback);
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < min || n.doubleValue() > max) {
            String range = max == Integer.MAX_VALUE ? "of at least " + min : "from " + min + " to " + max;
            throw new IllegalArgumentException("The coconut method's option '" + name + "' must be a whole number " + range
                    + ", not " + value + ".");
        }
        return n.intValue();
    }

    private static boolean bool(Map<String, Object> options, String name, boolean fallback) {
        Object value = options.getOrDefault(name, fallback);
        if (!(value instanceof Boolean b)) {
            throw new IllegalArgumentException("The coconut method's option '" + name + "' must be true or false, not " + value + ".");
        }
        return b;
    }

    private static double probability(Map<String, Object> options, String name) {
        Object value = options.getOrDefault(name, 0.0);
        if (!(value instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() <= 1)) {
            throw new IllegalArgumentException("The coconut method's option '" + name + "' must be a probability from 0 to 1, not "
                    + value + ".");
        }
        return n.doubleValue();
    }

    private static Thought thought(Map<String, Object> options) {
        Object value = options.getOrDefault(THOUGHT, Thought.CONTINUOUS.word());
        for (Thought t : Thought.values()) {
            if (t.word().equals(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException("The coconut method's option '" + THOUGHT
                + "' must be \"continuous\", \"none\" or \"pause\", not " + value + ".");
    }

    private static String token(Map<String, Object> options) {
        Object value = options.getOrDefault(INITIALISE_FROM, Vocabulary.SEP);
        if (!(value instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException("The coconut method's option '" + INITIALISE_FROM + "' must name one token, not "
                    + value + ".");
        }
        return s;
    }
}
