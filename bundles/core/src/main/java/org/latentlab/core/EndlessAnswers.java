package org.latentlab.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.api.model.Forward;
import org.latentlab.api.model.KvCache;
import org.latentlab.api.model.Taps;

/**
 * A backbone as a benchmark answers with it: every logit of the end-of-sequence token is pushed to minus infinity, so
 * that greedy decoding runs the whole budget it is given. An untrained model writes {@code <eos>} at chance, sometimes
 * first, and an answer timed that way would cost nothing for one method and everything for another. The underlying
 * model is neither changed nor closed.
 */
final class EndlessAnswers implements Backbone {

    private final Backbone model;
    private final NDArray noEnd;

    /** {@code noEnd} is added to every row of logits: {@code [vocabulary]}, minus infinity at the end token, 0 elsewhere. */
    EndlessAnswers(Backbone model, int endToken, NDManager manager) {
        this.model = model;
        float[] bias = new float[model.config().vocabularySize()];
        bias[endToken] = Float.NEGATIVE_INFINITY;
        this.noEnd = manager.create(bias);
    }

    private NDArray endless(NDArray logits) {
        return logits == null ? null : logits.add(noEnd);
    }

    @Override
    public NDArray lmHead(NDArray hidden) {
        return endless(model.lmHead(hidden));
    }

    @Override
    public Forward forward(NDArray inputEmbeddings, int startPosition, KvCache cache, Taps taps) {
        Forward f = model.forward(inputEmbeddings, startPosition, cache, taps);
        return new Forward(f.hidden(), endless(f.logits()), f.residualStream());
    }

    @Override
    public Forward forward(NDArray inputEmbeddings, NDArray positions, NDArray keyMask, KvCache cache, Taps taps) {
        Forward f = model.forward(inputEmbeddings, positions, keyMask, cache, taps);
        return new Forward(f.hidden(), endless(f.logits()), f.residualStream());
    }

    @Override
    public BackboneConfig config() {
        return model.config();
    }

    @Override
    public NDManager manager() {
        return model.manager();
    }

    @Override
    public NDArray embed(NDArray tokenIds) {
        return model.embed(tokenIds);
    }

    @Override
    public NDArray finalNorm(NDArray residual) {
        return model.finalNorm(residual);
    }

    @Override
    public void copyEmbedding(int from, int token) {
        model.copyEmbedding(from, token);
    }

    @Override
    public KvCache newCache() {
        return model.newCache();
    }

    @Override
    public NDArray addParameter(String name, Shape shape, float[] initial) {
        return model.addParameter(name, shape, initial);
    }

    @Override
    public Map<String, NDArray> parameters() {
        return model.parameters();
    }

    @Override
    public long parameterCount() {
        return model.parameterCount();
    }

    @Override
    public void save(Path file) throws IOException {
        model.save(file);
    }

    @Override
    public void load(Path file) throws IOException {
        model.load(file);
    }

    /** Leaves the model open: it belongs to the benchmark. */
    @Override
    public void close() {
    }
}
