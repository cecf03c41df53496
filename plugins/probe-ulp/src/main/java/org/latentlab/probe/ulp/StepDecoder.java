package org.latentlab.probe.ulp;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/**
 * The light decoder q(S | L): writes a step's tokens one after another, token j predicted from the concatenation
 * [A·L ; E[token j-1] ; P[j]] through one tanh layer of width {@code hidden} and a softmax over the vocabulary. A
 * projects the (standardised) latent, E are the decoder's own token embeddings (the start token before the first), P its
 * position embeddings, each of width {@code hidden}. The hidden layer's weight is kept as its three blocks, one per part
 * of the concatenation, so W·[a; e; p] is computed as W<sub>a</sub>a + W<sub>e</sub>e + W<sub>p</sub>p without building
 * the concatenated array.
 *
 * <p>Fed zero latents it is the unconditional model of the same architecture: A·0 = 0 and only the tokens written so
 * far and the position inform the next.
 *
 * <p>Trained with Adam (β = 0.9, 0.999, ε = 1e-8), written here on the arrays: moments and updates are taken outside
 * the autograd graph, on a detached view of each parameter, and each gradient is zeroed once applied. Every scalar of
 * the differentiated path is an array of the step's manager, which lives through the backward pass.
 */
final class StepDecoder implements AutoCloseable {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    private final NDManager manager;
    private final int width;
    private final int vocabulary;
    private final int positions;
    private final int hidden;
    private final int start;
    private final NDArray projection;
    private final NDArray tokenEmbeddings;
    private final NDArray positionEmbeddings;
    private final NDArray fromLatent;
    private final NDArray fromToken;
    private final NDArray fromPosition;
    private final NDArray hiddenBias;
    private final NDArray output;
    private final NDArray outputBias;
    private final List<NDArray> parameters = new ArrayList<>();
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    private int updates;

    /**
     * A decoder with freshly drawn weights.
     *
     * @param width      the latent width
     * @param vocabulary the vocabulary size
     * @param positions  the most tokens a step has, with its end token
     * @param hidden     the width of the hidden layer and the embeddings
     * @param start      the token id fed before a step's first token
     */
    StepDecoder(NDManager parent, int width, int vocabulary, int positions, int hidden, int start, Random random) {
        this.manager = parent.newSubManager();
        this.width = width;
        this.vocabulary = vocabulary;
        this.positions = positions;
        this.hidden = hidden;
        this.start = start;
        projection = parameter(random, width, hidden, 1 / Math.sqrt(width));
        tokenEmbeddings = parameter(random, vocabulary, hidden, 1);
        positionEmbeddings = parameter(random, positions, hidden, 1);
        double concatenated = 1 / Math.sqrt(3.0 * hidden);
        fromLatent = parameter(random, hidden, hidden, concatenated);
        fromToken = parameter(random, hidden, hidden, concatenated);
        fromPosition = parameter(random, hidden, hidden, concatenated);
        hiddenBias = parameter(random, 1, hidden, 0);
        output = parameter(random, hidden, vocabulary, 1 / Math.sqrt(hidden));
        outputBias = parameter(random, 1, vocabulary, 0);
    }

    private NDArray parameter(Random random, int rows, int columns, double deviation) {
        float[] values = new float[rows * columns];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * deviation);
        }
        NDArray p = manager.create(values, new Shape(rows, columns));
        p.setRequiresGradient(true);
        parameters.add(p);
        firstMoments.add(manager.zeros(p.getShape()));
        secondMoments.add(manager.zeros(p.getShape()));
        return p;
    }

    /**
     * Trains on {@code latents} (one per row, already standardised, or zeros for the unconditional model) and their steps:
     * up to {@code epochs} passes in a random order drawn from {@code random}, minibatches of {@code batchSize}, one Adam
     * update each on the mean over the minibatch of the step's summed token cross-entropy. After each pass the mean
     * cross-entropy on the validation pairs is measured, and the decoder ends with the weights of the pass where it was
     * least (early stopping, so a decoder that learns the noise of a latent is stopped before it overfits).
     *
     * @return the least validation mean cross-entropy, in nats per step
     */
    double train(float[][] latents, int[][] steps, float[][] validationLatents, int[][] validationSteps, int epochs, int batchSize,
                 double learningRate, Random random, GradientCollector collector) {
        int n = latents.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        double best = mean(crossEntropies(validationLatents, validationSteps, batchSize));
        List<NDArray> kept = new ArrayList<>();
        for (NDArray p : parameters) {
            NDArray view = p.stopGradient();
            kept.add(view.duplicate());
            view.close();
        }
        for (int epoch = 0; epoch < epochs; epoch++) {
            shuffle(order, random);
            for (int from = 0; from < n; from += batchSize) {
                int size = Math.min(batchSize, n - from);
                float[][] l = new float[size][];
                int[][] s = new int[size][];
                for (int i = 0; i < size; i++) {
                    l[i] = latents[order[from + i]];
                    s[i] = steps[order[from + i]];
                }
                try (NDManager scope = manager.newSubManager()) {
                    NDArray perStep = crossEntropy(scope, l, s);
                    NDArray loss = perStep.sum().mul(scope.create(1f / size));
                    collector.backward(loss);
                    update(scope, (float) learningRate);
                }
            }
            double validation = mean(crossEntropies(validationLatents, validationSteps, batchSize));
            if (validation < best) {
                best = validation;
                copy(parameters, kept);
            }
        }
        copy(kept, parameters);
        kept.forEach(NDArray::close);
        return best;
    }

    /** Overwrites each of {@code to} with the values of the matching one of {@code from}, outside the autograd graph. */
    private void copy(List<NDArray> from, List<NDArray> to) {
        try (NDManager scope = manager.newSubManager()) {
            for (int i = 0; i < from.size(); i++) {
                NDArray source = from.get(i).stopGradient();
                source.attach(scope);
                NDArray target = to.get(i).stopGradient();
                target.attach(scope);
                target.subi(target).addi(source);
            }
        }
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** The summed token cross-entropy (nats) of each step given its latent, as the decoder now stands. */
    double[] crossEntropies(float[][] latents, int[][] steps, int batchSize) {
        double[] out = new double[latents.length];
        for (int from = 0; from < latents.length; from += batchSize) {
            int size = Math.min(batchSize, latents.length - from);
            float[][] l = new float[size][];
            int[][] s = new int[size][];
            System.arraycopy(latents, from, l, 0, size);
            System.arraycopy(steps, from, s, 0, size);
            try (NDManager scope = manager.newSubManager()) {
                float[] values = crossEntropy(scope, l, s).toFloatArray();
                for (int i = 0; i < size; i++) {
                    out[from + i] = values[i];
                }
            }
        }
        return out;
    }

    /** −log q(S | L) of each row, {@code [rows]}, in {@code scope}. */
    private NDArray crossEntropy(NDManager scope, float[][] latents, int[][] steps) {
        int rows = latents.length;
        float[] flat = new float[rows * width];
        long[] previous = new long[rows * positions];
        long[] targets = new long[rows * positions];
        float[] mask = new float[rows * positions];
        for (int b = 0; b < rows; b++) {
            System.arraycopy(latents[b], 0, flat, b * width, width);
            int[] s = steps[b];
            for (int j = 0; j < positions; j++) {
                int k = b * positions + j;
                previous[k] = j == 0 || j > s.length ? start : s[j - 1];
                if (j < s.length) {
                    targets[k] = s[j];
                    mask[k] = 1;
                }
            }
        }
        NDArray a = scope.create(flat, new Shape(rows, width)).matMul(projection).matMul(fromLatent).reshape(rows, 1, hidden);
        NDArray e = scope.create(previous, new Shape(rows * positions)).oneHot(vocabulary).matMul(tokenEmbeddings).matMul(fromToken)
                .reshape(rows, positions, hidden);
        NDArray p = positionEmbeddings.matMul(fromPosition).reshape(1, positions, hidden);
        NDArray h = a.add(e).add(p).add(hiddenBias.reshape(1, 1, hidden)).tanh().reshape(rows * positions, hidden);
        NDArray logProbabilities = h.matMul(output).add(outputBias).logSoftmax(1);
        NDArray written = logProbabilities.mul(scope.create(targets, new Shape(rows * positions)).oneHot(vocabulary)).sum(new int[] {1});
        return written.mul(scope.create(mask, new Shape(rows * positions))).reshape(rows, positions).sum(new int[] {1}).neg();
    }

    /** One Adam update of every parameter from its gradient, which is then zeroed. */
    private void update(NDManager scope, float learningRate) {
        updates++;
        float correction1 = (float) (1 - Math.pow(BETA1, updates));
        float correction2 = (float) (1 - Math.pow(BETA2, updates));
        for (int i = 0; i < parameters.size(); i++) {
            NDArray gradient = parameters.get(i).getGradient();
            gradient.attach(scope);
            NDArray m = firstMoments.get(i);
            NDArray v = secondMoments.get(i);
            // m ← β1·m + (1−β1)·g ;  v ← β2·v + (1−β2)·g²
            m.muli(BETA1).addi(gradient.mul(1 - BETA1));
            v.muli(BETA2).addi(gradient.square().muli(1 - BETA2));
            // θ ← θ − lr·m̂ / (√v̂ + ε), on a view outside the autograd graph
            NDArray view = parameters.get(i).stopGradient();
            view.attach(scope);
            NDArray step = m.div(correction1);
            step.attach(scope);
            NDArray scaled = v.div(correction2);
            scaled.attach(scope);
            view.subi(step.divi(scaled.sqrt().addi(EPSILON)).muli(learningRate));
            gradient.subi(gradient);
        }
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
