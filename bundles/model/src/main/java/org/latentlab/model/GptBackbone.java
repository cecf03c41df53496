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
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
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
 */
public final class GptBackbone implements Backbone {
    private final BackboneConfig config;
    private final NDManager manager;
    private final NDArray tokenEmbedding;      // wte [V, d]
    private final NDArray positionEmbedding;   // wpe [maxPositions, d]
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final LayerNormalization finalNorm;
    private final Map<String, NDArray> parameters;
    private final long parameterCount;

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
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(init.parameters()));
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
            long min = tokenIds.min().toType(ai.djl.ndarray.types.DataType.INT64, false).getLong();
            long max = tokenIds.max().toType(ai.djl.ndarray.types.DataType.INT64, false).getLong();
            if (min < 0 || max >= config.vocabularySize()) {
                throw new IllegalArgumentException("Token ids run from " + min + " to " + max + " but the backbone's vocabulary has "
                        + config.vocabularySize() + " entries; build the backbone with the data's vocabulary size.", e);
            }
            throw e;
        }
    }

    @Override
    public Forward forward(NDArray inputEmbeddings, int startPosition, KvCache cache, Taps taps) {
        Shape shape = inputEmbeddings.getShape();
        if (shape.dimension() != 3 || shape.get(2) != config.dModel() || shape.get(1) < 1) {
            throw new IllegalArgumentException("Input embeddings must be [batch, T >= 1, " + config.dModel() + "], not " + shape + ".");
        }
        int time = Math.toIntExact(shape.get(1));
        if (startPosition < 0 || startPosition + time > config.maxPositions()) {
            throw new IllegalArgumentException("Positions " + startPosition + " to " + (startPosition + time - 1)
                    + " lie beyond the backbone's " + config.maxPositions()
                    + " positions; shorten the sequence or build the backbone with a larger maxPositions.");
        }
        Taps wanted = taps == null ? Taps.HIDDEN : taps;
        GptKvCache kv = ownCache(cache);
        if (kv != null) {
            kv.checkNextPass(config, shape.get(0), startPosition);
        }
        Map<String, NDArray> stream = wanted.residualStream() ? new LinkedHashMap<>() : null;
        boolean committed = false;
        try {
            NDManager callManager = inputEmbeddings.getManager();
            NDArray positions = positionEmbedding.get(callManager, new NDIndex("{}:{}", startPosition, startPosition + time));
            NDArray x = inputEmbeddings.add(positions);
            for (int layer = 0; layer < blocks.size(); layer++) {
                TransformerBlock block = blocks.get(layer);
                NDArray residPre = x;
                TransformerBlock.Output out;
                if (wanted.skipLayers().contains(layer)) {
                    block.skip(residPre, kv);
                    out = stream == null ? new TransformerBlock.Output(null, null, residPre)
                            : new TransformerBlock.Output(residPre.zerosLike(), residPre.zerosLike(), residPre);
                } else {
                    out = block.apply(residPre, kv);
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
                kv.commit(time);
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

    private static GptKvCache ownCache(KvCache cache) {
        if (cache == null || cache instanceof GptKvCache) {
            return (GptKvCache) cache;
        }
        throw new IllegalArgumentException("A " + cache.getClass().getName()
                + " cannot serve the gpt backbone; use the backbone's own newCache().");
    }
}
