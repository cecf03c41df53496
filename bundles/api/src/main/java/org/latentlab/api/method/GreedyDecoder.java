package org.latentlab.api.method;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.Forward;
import org.latentlab.api.model.KvCache;
import org.latentlab.api.model.Taps;

/** Greedy decoding of one sequence with the key/value cache, as every method answers after its prompt. */
public final class GreedyDecoder {

    private GreedyDecoder() {
    }

    /**
     * Runs the prompt's input embeddings {@code [1, T, dModel]} through the model (appending to {@code cache}), then
     * appends the most likely token one at a time until {@code <eos>} or {@code maxNewTokens}.
     *
     * @return the generated tokens, {@code <eos>} excluded
     */
    public static List<String> decode(Backbone model, NDArray promptEmbeddings, KvCache cache, Vocabulary vocabulary,
                                      int maxNewTokens, NDManager manager) {
        Forward prompt = model.forward(promptEmbeddings, cache.length(), cache, Taps.HIDDEN);
        return decodeFrom(model, prompt.hidden().get(":, -1:, :"), cache, vocabulary, maxNewTokens, manager);
    }

    /**
     * Greedy decoding from the final hidden state {@code [1, 1, dModel]} of the last position already in {@code cache}
     * (as {@link LatentPrefix#prefix} leaves it): appends the most likely token one at a time until {@code <eos>} or
     * {@code maxNewTokens}.
     *
     * @return the generated tokens, {@code <eos>} excluded
     */
    public static List<String> decodeFrom(Backbone model, NDArray lastHidden, KvCache cache, Vocabulary vocabulary,
                                          int maxNewTokens, NDManager manager) {
        NDArray last = lastHidden;
        int eos = vocabulary.id(Vocabulary.EOS);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < maxNewTokens; i++) {
            int next = (int) model.lmHead(last).argMax(-1).toType(ai.djl.ndarray.types.DataType.INT64, false).getLong();
            if (next == eos) {
                break;
            }
            out.add(vocabulary.token(next));
            if (i + 1 == maxNewTokens) {
                break;
            }
            NDArray embedded = model.embed(manager.create(new int[] {next}, new ai.djl.ndarray.types.Shape(1, 1)));
            last = model.forward(embedded, cache.length(), cache, Taps.HIDDEN).hidden();
        }
        return out;
    }
}
