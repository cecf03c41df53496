package org.latentlab.method.colar;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.latentlab.api.data.Example;

/**
 * The options of the CoLaR method, checked.
 *
 * @param maxCompression r_max: supervised training draws each batch's compression factor r uniformly from 1 … r_max
 * @param compression    the compression factor at evaluation and in policy rollouts, 1 … r_max
 * @param latentLoss     how the latent head is trained: the soft MSE of a reparameterised sample, or the Gaussian NLL
 * @param latentWeight   the weight of the latent head's loss in the objective
 * @param maxLatents     the most latent steps one answer may take at inference and in rollouts
 * @param latentSampling how evaluation draws a latent: a sample of the head's Gaussian, or its mean
 * @param seed           the random stream of the per-batch draws and of sampled evaluation, mixed with example ids
 */
record ColarOptions(int maxCompression, int compression, LatentLoss latentLoss, double latentWeight, int maxLatents,
                    LatentSampling latentSampling, long seed) {

    /** How the latent head's prediction is compared with the next compressed embedding. */
    enum LatentLoss {
        SOFT_MSE("soft-mse"), NLL("nll");

        private final String word;

        LatentLoss(String word) {
            this.word = word;
        }

        String word() {
            return word;
        }
    }

    /** How evaluation turns the latent head's Gaussian into the latent it feeds. */
    enum LatentSampling {
        SAMPLE, MEAN;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String MAX_COMPRESSION = "maxCompression";
    static final String COMPRESSION = "compression";
    static final String LATENT_LOSS = "latentLoss";
    static final String LATENT_WEIGHT = "latentWeight";
    static final String MAX_LATENTS = "maxLatents";
    static final String LATENT_SAMPLING = "latentSampling";
    static final String SEED = "seed";

    /** One speed token per compression factor, so r_max cannot exceed their number. */
    static final int SPEED_TOKENS = 8;
    /** A bound on maxLatents that keeps a mistyped value from running for hours. */
    static final int MAX_MAX_LATENTS = 4096;

    static final Set<String> NAMES = Set.of(MAX_COMPRESSION, COMPRESSION, LATENT_LOSS, LATENT_WEIGHT, MAX_LATENTS,
            LATENT_SAMPLING, SEED);

    /** Reads and checks the options (or a stage's settings, which carry them); absent options take their defaults. */
    static ColarOptions of(Map<String, Object> options) {
        Object rMax = options.getOrDefault(MAX_COMPRESSION, 5);
        if (rMax instanceof Number n && isWhole(n) && n.doubleValue() > SPEED_TOKENS) {
            throw new IllegalArgumentException("The colar method's option '" + MAX_COMPRESSION + "' must be at most "
                    + SPEED_TOKENS + ", the number of its speed tokens, not " + rMax + ".");
        }
        int maxCompression = (int) whole(options, MAX_COMPRESSION, 5, 1, SPEED_TOKENS);
        Object r = options.getOrDefault(COMPRESSION, Math.min(2, maxCompression));
        if (r instanceof Number n && isWhole(n) && n.doubleValue() > maxCompression) {
            throw new IllegalArgumentException("The colar method's option '" + COMPRESSION + "' must not exceed '"
                    + MAX_COMPRESSION + "' (" + maxCompression + "), not " + r + "; raise '" + MAX_COMPRESSION + "' or lower it.");
        }
        int compression = (int) whole(options, COMPRESSION, Math.min(2, maxCompression), 1, maxCompression);
        return new ColarOptions(maxCompression, compression,
                choice(options, LATENT_LOSS, LatentLoss.values(), LatentLoss.SOFT_MSE, LatentLoss::word),
                latentWeight(options),
                (int) whole(options, MAX_LATENTS, 32, 0, MAX_MAX_LATENTS),
                choice(options, LATENT_SAMPLING, LatentSampling.values(), LatentSampling.SAMPLE, LatentSampling::word),
                whole(options, SEED, 0, Long.MIN_VALUE, Long.MAX_VALUE));
    }

    /** The options as stage settings, every default filled in. */
    Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(MAX_COMPRESSION, maxCompression);
        settings.put(COMPRESSION, compression);
        settings.put(LATENT_LOSS, latentLoss.word());
        settings.put(LATENT_WEIGHT, latentWeight);
        settings.put(MAX_LATENTS, maxLatents);
        settings.put(LATENT_SAMPLING, latentSampling.word());
        settings.put(SEED, seed);
        return settings;
    }

    /** The random stream of one training batch: the same seed and examples give the same r, labels and noise. */
    Random randomFor(List<Example> examples) {
        long h = 1;
        for (Example example : examples) {
            h = 31 * h + example.id().hashCode();
        }
        return new Random(seed * 0x9E3779B97F4A7C15L + h);
    }

    /** The random stream of sampled evaluation for one example. */
    Random randomFor(String exampleId) {
        return new Random(seed * 0x9E3779B97F4A7C15L + exampleId.hashCode());
    }

    private static long whole(Map<String, Object> options, String name, long fallback, long min, long max) {
        Object value = options.getOrDefault(name, fallback);
        boolean ok = value instanceof Number n && isWhole(n) && n.doubleValue() >= min && n.doubleValue() <= max;
        if (!ok) {
            String range = max == Long.MAX_VALUE && min == Long.MIN_VALUE ? "" : " from " + min + " to " + max;
            throw new IllegalArgumentException("The colar method's option '" + name + "' must be a whole number" + range
                    + ", not " + value + ".");
        }
        return ((Number) value).longValue();
    }

    private static boolean isWhole(Number n) {
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            return true;
        }
        double d = n.doubleValue();
        return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p63;
    }

    private static double latentWeight(Map<String, Object> options) {
        Object value = options.getOrDefault(LATENT_WEIGHT, 1.0);
        if (!(value instanceof Number n) || !(n.doubleValue() >= 0) || !Double.isFinite(n.doubleValue())) {
            throw new IllegalArgumentException("The colar method's option '" + LATENT_WEIGHT
                    + "' must be a non-negative number, not " + value + ".");
        }
        return n.doubleValue();
    }

    private static <E extends Enum<E>> E choice(Map<String, Object> options, String name, E[] values, E fallback,
                                                java.util.function.Function<E, String> word) {
        Object value = options.getOrDefault(name, word.apply(fallback));
        for (E e : values) {
            if (word.apply(e).equals(value)) {
                return e;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            allowed.append(i == 0 ? "" : i == values.length - 1 ? " or " : ", ").append('"').append(word.apply(values[i])).append('"');
        }
        throw new IllegalArgumentException("The colar method's option '" + name + "' must be " + allowed + ", not " + value + ".");
    }
}
