package org.latentlab.method.latentseek;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.TokenLayout;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.KvCache;
import org.latentlab.api.model.Taps;

/**
 * A chain-of-thought solution x_1 … x_T after the prompt, {@code <eos>} included when the model wrote it, and the latent
 * z_t behind each token the model chose itself: the final hidden state whose LM head gave x_t.
 *
 * @param tokens  x_1 … x_T, token ids
 * @param latents z_t of the tokens the model chose, {@code [T - written, dModel]}, the written prefix's left out; it
 *                belongs to the manager the solution was decoded in
 */
record GreedySolution(List<Integer> tokens, NDArray latents) {

    GreedySolution {
        tokens = List.copyOf(tokens);
    }

    /**
     * Feeds the prompt and a written prefix x_1 … x_j through one key/value cache, then appends the most likely token one
     * at a time, as {@link org.latentlab.api.method.GreedyDecoder} does, until {@code <eos>} or {@code maxNewTokens}
     * tokens besides it. A prefix that holds {@code <eos>} ends there; one of {@code maxNewTokens} tokens or more is cut
     * to that many.
     */
    static GreedySolution decode(Backbone model, List<Integer> prompt, List<Integer> written, Vocabulary vocabulary,
                                 int maxNewTokens, NDManager manager) {
        int eos = vocabulary.id(Vocabulary.EOS);
        List<Integer> tokens = new ArrayList<>();
        for (int token : written) {
            if (tokens.size() == maxNewTokens) {
                break;
            }
            tokens.add(token);
            if (token == eos) {
                break;
            }
        }
        long d = model.config().dModel();
        List<NDArray> latents = new ArrayList<>();
        if (tokens.size() < maxNewTokens && !tokens.contains(eos)) {
            int[] ids = new int[prompt.size() + tokens.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = i < prompt.size() ? prompt.get(i) : tokens.get(i - prompt.size());
            }
            try (KvCache cache = model.newCache()) {
                NDArray last = model.forward(model.embed(manager.create(ids, new Shape(1, ids.length))), 0, cache, Taps.HIDDEN)
                        .hidden().get(":, -1:, :");   // [1, 1, dModel]
                while (true) {
                    latents.add(last.reshape(1, d));
                    int next = (int) model.lmHead(last).argMax(-1).toType(DataType.INT64, false).getLong();
                    tokens.add(next);
                    if (next == eos || tokens.size() == maxNewTokens) {
                        break;
                    }
                    NDArray embedded = model.embed(manager.create(new int[] {next}, new Shape(1, 1)));
                    last = model.forward(embedded, cache.length(), cache, Taps.HIDDEN).hidden();
                }
            }
        }
        NDArray stacked = latents.isEmpty() ? manager.zeros(new Shape(0, d)) : NDArrays.concat(new NDList(latents), 0);
        return new GreedySolution(tokens, stacked);
    }

    /** The answer this solution writes: reasoning up to the last {@code <answer>}, the answer after it. */
    Answer answer(Vocabulary vocabulary) {
        int eos = vocabulary.id(Vocabulary.EOS);
        List<String> generated = new ArrayList<>();
        for (int token : tokens) {
            if (token != eos) {
                generated.add(vocabulary.token(token));
            }
        }
        return TokenLayout.answer(generated, 0);
    }
}
