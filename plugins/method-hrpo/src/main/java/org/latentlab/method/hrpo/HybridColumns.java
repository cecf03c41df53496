package org.latentlab.method.hrpo;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.method.LeftPaddedPrompts;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.KvCache;
import org.latentlab.api.model.Taps;

/**
 * A batch of rollouts run through one key/value cache one column at a time: the prompts left-padded into a first pass,
 * then one token per rollout per pass, fed as its hybrid input while the rollout reasons and as its plain embedding
 * after. Rows that have stopped pass padding, which no later column attends to.
 */
final class HybridColumns implements AutoCloseable {

    private final Backbone model;
    private final HybridGate gate;
    private final HiddenInput hiddenInput;
    private final NDManager manager;
    private final KvCache cache;
    private final int pad;
    private int[] next;

    /** Columns through a fresh cache of {@code model}, with arrays of {@code manager}. */
    HybridColumns(Backbone model, double temperature, int pad, NDManager manager) {
        this.model = model;
        this.gate = HybridGate.of(model);
        this.hiddenInput = HiddenInput.of(model, temperature, manager);
        this.manager = manager;
        this.pad = pad;
        this.cache = model.newCache();
    }

    /** Runs the left-padded prompts; returns the logits {@code [n, V]} of each prompt's last position. */
    NDArray prompts(List<List<Integer>> prompts) {
        LeftPaddedPrompts padded = LeftPaddedPrompts.of(prompts, pad);
        next = padded.lengths();
        return lastLogits(padded.forward(model, cache, Taps.HIDDEN, manager).hidden());
    }

    /**
     * Feeds one column: row b's token {@code tokens[b]} where {@code real[b]}, as its hybrid input built from
     * {@code logits} (the row's logits where it sampled that token) where {@code thinking[b]}, else as its embedding;
     * padding where not real. Returns the logits {@code [n, V]} of the new column.
     */
    NDArray feed(int[] tokens, boolean[] real, boolean[] thinking, NDArray logits) {
        int n = tokens.length;
        int[] ids = new int[n];
        int[] positions = new int[n];
        int[] isReal = new int[n];
        boolean anyThinking = false;
        for (int b = 0; b < n; b++) {
            ids[b] = real[b] ? tokens[b] : pad;
            positions[b] = real[b] ? next[b]++ : 0;
            isReal[b] = real[b] ? 1 : 0;
            anyThinking |= real[b] && thinking[b];
        }
        Shape one = new Shape(n, 1);
        NDArray inputs = model.embed(manager.create(ids, one));   // ê [n, 1, d]
        if (anyThinking) {
            NDArray hybrid = gate.mix(inputs, hiddenInput.from(logits).expandDims(1), manager);
            boolean[] mixed = new boolean[n];
            for (int b = 0; b < n; b++) {
                mixed[b] = real[b] && thinking[b];
            }
            NDArray where = manager.create(mixed, new Shape(n, 1, 1)).toDevice(inputs.getDevice(), false)
                    .broadcast(inputs.getShape());
            inputs = NDArrays.where(where, hybrid, inputs);
        }
        return pass(inputs, manager.create(positions, one), manager.create(isReal, one));
    }

    private NDArray pass(NDArray inputs, NDArray positions, NDArray real) {
        return lastLogits(model.forward(inputs, positions, real, cache, Taps.HIDDEN).hidden());
    }

    /** The logits {@code [n, V]} at the last column of final hidden states {@code [n, T, d]}. */
    private NDArray lastLogits(NDArray hidden) {
        return model.lmHead(hidden.get(new NDIndex(":, -1, :")));
    }

    @Override
    public void close() {
        cache.close();
    }
}
