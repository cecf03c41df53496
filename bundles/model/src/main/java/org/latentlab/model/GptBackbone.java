package org.latentlab.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;

import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.api.model.Forward;
import org.latentlab.api.model.KvCache;
import org.latentlab.api.model.Taps;

/**
 * A GPT-2 style decoder (Radford et al. 2019), nanoGPT's shape: token and learned position embeddings, pre-LayerNorm
 * blocks of causal self-attention and a GELU MLP, a final LayerNorm, and an LM head tied to the token embeddings.
 *
 * <p>The model is plain NDArray operations on parameter arrays that record gradients; whoever trains it reads
 * {@link #parameters()} and their gradients. Parameters live in {@link #manager()}; every array a call creates
 * belongs to the manager of its input (the caller's per-step manager), except the keys and values a
 * {@link GptKvCache} keeps.
 *
 * <p>Taps: a skipped layer passes its input on unchanged and records zero {@code attn_out} and {@code mlp_out} (it
 * still caches its keys and values, so a cache stays usable by later passes); a replaced layer's {@code resid_post}
 * is the replacement, the array the next layer sees.
 *
 * <p>Padding ({@link #forward(NDArray, NDArray, NDArray, KvCache, Taps)}): padded inputs enter the first block as zero
 * vectors and are masked out as keys for every query but their own column, so real columns never see them and padded
 * columns' outputs stay finite; the cache keeps the mask of its columns for later passes. Without padding, that
 * forward builds the same plain causal mask as the start-position one.
 */
public final class GptBackbone implements Backbone {
    private final BackboneConfig config;
    private final NDManager manager;
    private final NDArray tokenEmbedding;      // wte [V, d]
    private final NDArray positionEmbedding;   // wpe [maxPositions, d]
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final LayerNormalization finalNorm;
    private final Map<String, NDArray> ownParameters;   // every parameter, the backbone's own first
    private final Map<String, NDArray> parameters;      // an unmodifiable view of it
    private long parameterCount;

    /**
     * A freshly initialised backbone whose parameters are created in, and owned with, {@code manager}; the same seed
     * gives the same parameters.
     */
    public GptBackbone(BackboneConfig config, NDManager manager, long seed) {
        this.config = config;
        this.manager = manager;
        Initialisation init = new Initialisation(manager, seed);
        int d = config.dModel();
        // GPT-2 scales the weights of projections into the residual stream by 1/sqrt(2 L)
        float residualStd = (float) (Initialisation.STD / Math.sqrt(2.0 * config.layers()));
        tokenEmbedding = init.normal("wte", new Shape(config.vocabularySize(), d), Initialisation.STD);
        positionEmbedding = init.normal("wpe", new Shape(config.maxPositions(), d), Initialisation.STD);
        for (int layer = 0; layer < config.layers(); layer++) {
            blocks.add(new TransformerBlock(init, layer, d, config.heads(), residualStd));
        }
        finalNorm = new LayerNormalization(init, "lnf", d);
        ownParameters = new LinkedHashMap<>(init.parameters());
        parameters = Collections.unmodifiableMap(ownParameters);
        parameterCount = parameters.values().stream().mapToLong(p -> p.getShape().size()).sum();
    }

    @Override
    public BackboneConfig config() {
        return config;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public NDArray embed(NDArray tokenIds) {
        try {
            return Embedding.embedding(tokenIds, tokenEmbedding, SparseFormat.DENSE).singletonOrThrow();
        } catch (EngineException e) {
            long min = tokenIds.min().toType(DataType.INT64, false).getLong();
            long max = tokenIds.max().toType(DataType.INT64, false).getLong();
            if (min < 0 || max >= config.vocabularySize()) {
                throw new IllegalArgumentException("Token ids run from " + min + " to " + max + " but the backbone's vocabulary has "
                        + config.vocabularySize() + " entries; build the backbone with the data's vocabulary size.", e);
            }
            throw e;
        }
    }

    @Override
    public Forward forward(NDArray inputEmbeddings, int startPosition, KvCache cache, Taps taps) {
        Shape shape = checkInputEmbeddings(inputEmbeddings);
        int time = Math.toIntExact(shape.get(1));
        if (startPosition < 0 || startPosition + time > config.maxPositions()) {
            throw new IllegalArgumentException("Positions " + startPosition + " to " + (startPosition + time - 1)
                    + " lie beyond the backbone's " + config.maxPositions()
                    + " positions; shorten the sequence or build the backbone with a larger maxPositions.");
        }
        GptKvCache kv = ownCache(cache);
        if (kv != null) {
            kv.checkNextPass(config, shape.get(0), startPosition);
        }
        NDManager callManager = inputEmbeddings.getManager();
        NDArray positions = positionEmbedding.get(callManager, new NDIndex("{}:{}", startPosition, startPosition + time));
        NDArray mask = CausalSelfAttention.causalMask(callManager, kv == null ? 0 : kv.length(), time);
        return run(inputEmbeddings.add(positions), mask, kv, null, wanted(taps));
    }

    @Override
    public Forward forward(NDArray inputEmbeddings, NDArray positions, NDArray keyMask, KvCache cache, Taps taps) {
        Shape shape = checkInputEmbeddings(inputEmbeddings);
        int batch = Math.toIntExact(shape.get(0));
        int time = Math.toIntExact(shape.get(1));
        boolean[] passReal = keyMask == null ? null : realInputs(keyMask, batch, time);
        long[] positionIds = positionIds(positions, passReal, batch, time);
        GptKvCache kv = ownCache(cache);
        if (kv != null) {
            kv.checkNextPaddedPass(config, batch);
        }
        NDManager callManager = inputEmbeddings.getManager();
        NDArray ids = callManager.create(positionIds, new Shape(batch, time));
        NDArray x = inputEmbeddings.add(Embedding.embedding(ids, positionEmbedding, SparseFormat.DENSE).singletonOrThrow());
        if (passReal != null) {
            // padding enters the blocks as zeros: nothing of its values, not even a NaN, reaches an output or a gradient
            NDArray keep = callManager.create(passReal, new Shape(batch, time, 1)).broadcast(shape);
            x = NDArrays.where(keep, x, callManager.zeros(new Shape(), x.getDataType()));
        }
        int past = kv == null ? 0 : kv.length();
        NDArray mask = passReal == null && (kv == null || !kv.hasPadding())
                ? CausalSelfAttention.causalMask(callManager, past, time)
                : CausalSelfAttention.paddedCausalMask(callManager, kv, passReal, batch, past, time);
        return run(x, mask, kv, passReal, wanted(taps));
    }

    /** The blocks, the final norm and the head over {@code x} (inputs plus position embeddings), under {@code mask}. */
    private Forward run(NDArray x, NDArray mask, GptKvCache kv, boolean[] passReal, Taps wanted) {
        Map<String, NDArray> stream = wanted.residualStream() ? new LinkedHashMap<>() : null;
        boolean committed = false;
        try {
            for (int layer = 0; layer < blocks.size(); layer++) {
                TransformerBlock block = blocks.get(layer);
                NDArray residPre = x;
                TransformerBlock.Output out;
                if (wanted.skipLayers().contains(layer)) {
                    block.skip(residPre, kv);
                    out = stream == null ? new TransformerBlock.Output(null, null, residPre)
                            : new TransformerBlock.Output(residPre.zerosLike(), residPre.zerosLike(), residPre);
                } else {
                    out = block.apply(residPre, kv, mask);
                }
                x = out.residPost();
                UnaryOperator<NDArray> replacement = wanted.replaceLayers().get(layer);
                if (replacement != null) {
                    x = replacement.apply(x);
                }
                if (stream != null) {
                    stream.put(Taps.hook(layer, "resid_pre"), residPre);
                    stream.put(Taps.hook(layer, "attn_out"), out.attnOut());
                    stream.put(Taps.hook(layer, "mlp_out"), out.mlpOut());
                    stream.put(Taps.hook(layer, "resid_post"), x);
                }
            }
            NDArray hidden = finalNorm.apply(x);
            NDArray logits = wanted.logits() ? lmHead(hidden) : null;
            if (kv != null) {
                Shape shape = hidden.getShape();
                kv.commit(Math.toIntExact(shape.get(0)), Math.toIntExact(shape.get(1)), passReal);
            }
            committed = true;
            return new Forward(hidden, logits, stream);
        } finally {
            if (kv != null && !committed) {
                kv.discardPending();
            }
        }
    }

    /** Logits through the tied head: {@code h · Eᵀ} (Press and Wolf 2017). */
    @Override
    public NDArray lmHead(NDArray hidden) {
        return Linear.linear(hidden, tokenEmbedding).singletonOrThrow();
    }

    @Override
    public NDArray finalNorm(NDArray residual) {
        if (residual.getShape().dimension() < 1 || residual.getShape().get(residual.getShape().dimension() - 1) != config.dModel()) {
            throw new IllegalArgumentException("The final norm reads [..., " + config.dModel() + "] residual states, not "
                    + residual.getShape() + ".");
        }
        return finalNorm.apply(residual);
    }

    /** Copies row {@code from} of the tied embedding into row {@code token}, in place, outside gradient recording. */
    @Override
    public void copyEmbedding(int from, int token) {
        for (int id : new int[] {from, token}) {
            if (id < 0 || id >= config.vocabularySize()) {
                throw new IllegalArgumentException("Token id " + id + " lies outside the backbone's vocabulary of "
                        + config.vocabularySize() + " entries.");
            }
        }
        try (NDArray weights = tokenEmbedding.stopGradient();   // a view: writing it writes the parameter
             NDArray source = weights.get(from);
             NDArray row = source.duplicate()) {
            weights.set(new NDIndex("{}", token), row);
        }
    }

    /** An empty cache whose arrays will belong to the manager of its first pass. */
    @Override
    public GptKvCache newCache() {
        return new GptKvCache(config, null);
    }

    /** An empty cache whose arrays will belong to a sub-manager of {@code owner}, whatever managers the passes use. */
    public GptKvCache newCache(NDManager owner) {
        return new GptKvCache(config, owner);
    }

    @Override
    public synchronized NDArray addParameter(String name, Shape shape, float[] initial) {
        NDArray existing = ownParameters.get(name);
        if (existing != null) {
            if (!existing.getShape().equals(shape)) {
                throw new IllegalArgumentException("The parameter '" + name + "' already exists with shape " + existing.getShape()
                        + ", not " + shape + "; give the new parameter a name of its own.");
            }
            return existing;
        }
        if (initial == null || initial.length != shape.size()) {
            throw new IllegalArgumentException("The parameter '" + name + "' of shape " + shape + " needs " + shape.size()
                    + " initial values, not " + (initial == null ? "none" : String.valueOf(initial.length)) + ".");
        }
        NDArray parameter = manager.create(initial, shape);
        parameter.setName(name);
        parameter.setRequiresGradient(true);
        ownParameters.put(name, parameter);
        parameterCount += shape.size();
        return parameter;
    }

    @Override
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    @Override
    public long parameterCount() {
        return parameterCount;
    }

    @Override
    public void save(Path file) throws IOException {
        ParameterFile.write(file, parameters);
    }

    @Override
    public void load(Path file) throws IOException {
        ParameterFile.read(file, parameters);
    }

    @Override
    public void close() {
        manager.close();
    }

    private Shape checkInputEmbeddings(NDArray inputEmbeddings) {
        Shape shape = inputEmbeddings.getShape();
        if (shape.dimension() != 3 || shape.get(2) != config.dModel() || shape.get(1) < 1) {
            throw new IllegalArgumentException("Input embeddings must be [batch, T >= 1, " + config.dModel() + "], not " + shape + ".");
        }
        return shape;
    }

    private static Taps wanted(Taps taps) {
        return taps == null ? Taps.HIDDEN : taps;
    }

    /** The key mask as {@code [batch * T]} row-major flags (true: a real input), or null when nothing is padding. */
    private static boolean[] realInputs(NDArray keyMask, int batch, int time) {
        Shape expected = new Shape(batch, time);
        if (!keyMask.getShape().equals(expected)) {
            throw new IllegalArgumentException("The key mask must be [batch, T] = " + expected + " like the input embeddings, not "
                    + keyMask.getShape() + ".");
        }
        boolean[] real;
        boolean padded = false;
        if (keyMask.getDataType() == DataType.BOOLEAN) {
            real = keyMask.toBooleanArray();
            for (boolean r : real) {
                padded |= !r;
            }
        } else {
            double[] values;
            try (NDArray asDouble = keyMask.toType(DataType.FLOAT64, true)) {
                values = asDouble.toDoubleArray();
            }
            real = new boolean[values.length];
            for (int i = 0; i < values.length; i++) {
                if (values[i] != 0 && values[i] != 1) {
                    throw new IllegalArgumentException("The key mask must hold 1 for a real input and 0 for padding, but row "
                            + i / time + ", column " + i % time + " holds " + values[i] + ".");
                }
                real[i] = values[i] == 1;
                padded |= !real[i];
            }
        }
        return padded ? real : null;
    }

    /** Each input's position id, 0 at padding, after checking that every real one lies within the position embeddings. */
    private long[] positionIds(NDArray positions, boolean[] passReal, int batch, int time) {
        Shape expected = new Shape(batch, time);
        if (positions == null || !positions.getShape().equals(expected) || !positions.getDataType().isInteger()) {
            throw new IllegalArgumentException("Positions must be an integer array [batch, T] = " + expected
                    + " like the input embeddings, not " + (positions == null ? "null"
                    : positions.getDataType() + " " + positions.getShape()) + ".");
        }
        long[] ids;
        try (NDArray asLong = positions.toType(DataType.INT64, true)) {
            ids = asLong.toLongArray();
        }
        for (int i = 0; i < ids.length; i++) {
            if (passReal != null && !passReal[i]) {
                ids[i] = 0;
            } else if (ids[i] < 0 || ids[i] >= config.maxPositions()) {
                throw new IllegalArgumentException("Row " + i / time + ", column " + i % time + " has position " + ids[i]
                        + ", outside the backbone's " + config.maxPositions()
                        + " positions; shorten the sequence or build the backbone with a larger maxPositions.");
            }
        }
        return ids;
    }

    private static GptKvCache ownCache(KvCache cache) {
        if (cache == null || cache instanceof GptKvCache) {
            return (GptKvCache) cache;
        }
        throw new IllegalArgumentException("A " + cache.getClass().getName()
                + " cannot serve the gpt backbone; use the backbone's own newCache().");
    }
}
