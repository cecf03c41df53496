package org.latentlab.method.coconut;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.latentlab.api.method.CurriculumStage;

/**
 * The options of the Coconut method, checked.
 *
 * @param thoughtsPerStep c, the continuous thoughts that replace one reasoning step (the paper: 1 on ProsQA, 2 on GSM8k)
 * @param maxLatentStage  the last stage that replaces one more step; later stages replace every step
 * @param epochsPerStage  epochs spent in each stage before the next replaces one more step
 * @param padLatents      give every example the stage's full number of thoughts, however few steps it has
 */
record CoconutOptions(int thoughtsPerStep, int maxLatentStage, int epochsPerStage, boolean padLatents) {

    static final String THOUGHTS_PER_STEP = "thoughtsPerStep";
    static final String MAX_LATENT_STAGE = "maxLatentStage";
    static final String EPOCHS_PER_STAGE = "epochsPerStage";
    static final String PAD_LATENTS = "padLatents";
    /** Setting of a curriculum stage: its number k, the steps it replaces. */
    static final String STAGE = "stage";

    static final Set<String> NAMES = Set.of(THOUGHTS_PER_STEP, MAX_LATENT_STAGE, EPOCHS_PER_STAGE, PAD_LATENTS);

    /** Reads and checks the options (or a stage's settings, which carry them); absent options take their defaults. */
    static CoconutOptions of(Map<String, Object> options) {
        return new CoconutOptions(
                whole(options, THOUGHTS_PER_STEP, 1, 1, 64),
                whole(options, MAX_LATENT_STAGE, 6, 0, 64),
                whole(options, EPOCHS_PER_STAGE, 1, 1, 100_000),
                bool(options, PAD_LATENTS, false));
    }

    /** The stage number k of a curriculum stage. */
    static int stage(CurriculumStage stage) {
        return whole(stage.settings(), STAGE, 0, 0, Integer.MAX_VALUE);
    }

    /** Whether stage k lies past the last latent stage, where every step is replaced. */
    boolean pastLastStage(int k) {
        return k > maxLatentStage;
    }

    /** How many of an example's {@code steps} reasoning steps stage k replaces. */
    int replacedSteps(int k, int steps) {
        return pastLastStage(k) ? steps : Math.min(k, steps);
    }

    /** How many continuous thoughts an example with {@code steps} reasoning steps gets at stage k. */
    int thoughts(int k, int steps) {
        if (pastLastStage(k)) {
            return maxLatentStage * thoughtsPerStep;
        }
        return (padLatents ? k : Math.min(k, steps)) * thoughtsPerStep;
    }

    /** The options as stage settings, with the stage number k. */
    Map<String, Object> settings(int k) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(STAGE, k);
        settings.put(THOUGHTS_PER_STEP, thoughtsPerStep);
        settings.put(MAX_LATENT_STAGE, maxLatentStage);
        settings.put(EPOCHS_PER_STAGE, epochsPerStage);
        settings.put(PAD_LATENTS, padLatents);
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
}
