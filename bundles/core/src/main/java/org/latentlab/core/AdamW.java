package org.latentlab.core;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * AdamW (Loshchilov and Hutter, "Decoupled Weight Decay Regularization") with gradient clipping by global norm.
 * Weight decay applies to matrices only (biases and norm gains are not decayed). After each step the
 * gradients are zeroed, so the next backward pass starts from nothing.
 */
final class AdamW implements AutoCloseable {
    private static final String MAGIC = "latentlab-adamw-1";
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final NDManager state;
    private final List<NDArray> parameters = new ArrayList<>();
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    private final List<Boolean> decays = new ArrayList<>();
    private final List<Double> learningRateScales = new ArrayList<>();
    private long t;

    AdamW(Map<String, NDArray> parameters, NDManager parent, double weightDecay) {
        this(parameters, parent, weightDecay, Map.of());
    }

    /** With a factor on the learning rate of each parameter named in {@code learningRateScales} (the rest keep 1). */
    AdamW(Map<String, NDArray> parameters, NDManager parent, double weightDecay, Map<String, Double> learningRateScales) {
        this(parameters, parent, 0.9, 0.95, 1e-8, weightDecay, learningRateScales);
    }

    AdamW(Map<String, NDArray> parameters, NDManager parent, double beta1, double beta2, double epsilon, double weightDecay) {
        this(parameters, parent, beta1, beta2, epsilon, weightDecay, Map.of());
    }

    AdamW(Map<String, NDArray> parameters, NDManager parent, double beta1, double beta2, double epsilon, double weightDecay,
          Map<String, Double> learningRateScales) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.state = parent.newSubManager();
        learningRateScales.keySet().stream().filter(n -> !parameters.containsKey(n)).findFirst().ifPresent(n -> {
            throw new IllegalArgumentException("A learning-rate factor names the parameter '" + n + "', which the model does not have.");
        });
        for (Map.Entry<String, NDArray> named : parameters.entrySet()) {
            NDArray p = named.getValue();
            double factor = learningRateScales.getOrDefault(named.getKey(), 1.0);
            if (!(factor >= 0) || !Double.isFinite(factor)) {
                throw new IllegalArgumentException("The learning-rate factor of parameter '" + named.getKey() + "' must be a finite "
                        + "number of at least 0, not " + factor + ".");
            }
            this.learningRateScales.add(factor);
            this.parameters.add(p);
            firstMoments.add(state.zeros(p.getShape(), p.getDataType(), p.getDevice()));
            secondMoments.add(state.zeros(p.getShape(), p.getDataType(), p.getDevice()));
            decays.add(p.getShape().dimension() >= 2);
        }
    }

    /** Forgets the moments, as a method's curriculum may ask at a stage switch. */
    void reset() {
        t = 0;
        for (int i = 0; i < parameters.size(); i++) {
            firstMoments.get(i).subi(firstMoments.get(i));
            secondMoments.get(i).subi(secondMoments.get(i));
        }
    }

    /**
     * One update with learning rate {@code lr}; gradients whose global norm exceeds {@code clip} (when positive)
     * are scaled down to it. Returns the global gradient norm before clipping. A gradient that is not finite is
     * discarded and nothing is updated; the caller sees it in the returned norm.
     */
    double step(double lr, double clip) {
        t++;
        try (NDManager scratch = state.newSubManager()) {
            List<NDArray> grads = new ArrayList<>(parameters.size());
            NDArray squares = null;
            for (NDArray p : parameters) {
                NDArray g = p.getGradient();
                g.attach(scratch);
                grads.add(g);
                NDArray s = g.square().sum();
                squares = squares == null ? s : squares.add(s);
            }
            double norm = Math.sqrt(squares.getFloat());
            if (!Double.isFinite(norm)) {
                // a non-finite gradient would poison every parameter: drop it and leave the step undone
                t--;
                grads.forEach(g -> g.set(new ai.djl.ndarray.index.NDIndex(":"), 0f));
                return norm;
            }
            double scale = clip > 0 && norm > clip ? clip / (norm + 1e-6) : 1.0;
            double correction1 = 1 - Math.pow(beta1, t);
            double correction2 = 1 - Math.pow(beta2, t);
            for (int i = 0; i < parameters.size(); i++) {
                // one fused native update per parameter, in place, which also zeroes its gradient:
                // g ← scale·g ; m ← β1·m + (1−β1)·g ; v ← β2·v + (1−β2)·g² ;
                // θ ← θ − lr·λ·θ − lr·(√(1−β2^t) / (1−β1^t))·m / (√v + ε)
                // (ε is applied to √v, not to √v̂: a difference of ε·(1 − √(1−β2^t)) in the denominator)
                double rate = lr * learningRateScales.get(i);
                NDArray p = parameters.get(i);
                p.getNDArrayInternal().adamUpdate(new NDList(p, grads.get(i), firstMoments.get(i), secondMoments.get(i)), new NDList(p),
                        (float) rate, (float) (rate * Math.sqrt(correction2) / correction1),
                        decays.get(i) ? (float) weightDecay : 0f, (float) scale, -1f, (float) beta1, (float) beta2, (float) epsilon,
                        false, true);
            }
            return norm;
        }
    }

    /** Writes the step count and both moments of every parameter, in the model's order, and forces them to disk. */
    void save(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
            out.writeUTF(MAGIC);
            out.writeLong(t);
            out.writeInt(parameters.size());
            for (int i = 0; i < parameters.size(); i++) {
                writeFloats(out, firstMoments.get(i).toFloatArray());
                writeFloats(out, secondMoments.get(i).toFloatArray());
            }
            out.flush();
            channel.force(true);
        }
    }

    /** Restores what {@link #save} wrote, after checking that it was written for parameters of the same sizes. */
    void load(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (!MAGIC.equals(in.readUTF())) {
                throw new IOException("The file " + file + " is not an AdamW state.");
            }
            long steps = in.readLong();
            int n = in.readInt();
            if (n != parameters.size()) {
                throw new IOException("The AdamW state " + file + " holds " + n + " parameters; the model has " + parameters.size() + ".");
            }
            List<float[]> moments = new ArrayList<>(2 * n);
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < 2; k++) {
                    float[] values = readFloats(in);
                    if (values.length != parameters.get(i).size()) {
                        throw new IOException("The AdamW state " + file + " has " + values.length + " values for parameter " + i
                                + ", which has " + parameters.get(i).size() + ".");
                    }
                    moments.add(values);
                }
            }
            for (int i = 0; i < n; i++) {
                firstMoments.get(i).set(moments.get(2 * i));
                secondMoments.get(i).set(moments.get(2 * i + 1));
            }
            t = steps;
        } catch (java.io.EOFException e) {
            throw new IOException("The AdamW state " + file + " is cut short.", e);
        }
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        out.writeInt(values.length);
        out.write(bytes.array());
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            throw new IOException("A negative length in an AdamW state.");
        }
        byte[] raw = new byte[Math.multiplyExact(length, Float.BYTES)];
        in.readFully(raw);
        float[] values = new float[length];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    @Override
    public void close() {
        state.close();
    }
}
