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

    /**
     * Greedy decoding of several rows at once, from their final hidden states {@code [n, 1, dModel]} after a padded pass
     * (as {@link LeftPaddedPrompts#forward} leaves it): every row appends its most likely token, in one single-column
     * pass for all rows still writing, until it writes {@code <eos>} or {@code maxNewTokens} tokens. A row that has
     * ended is fed padding, which the rows still writing never attend to.
     *
     * @param next each row's position for its next token (its real length so far); advanced in place
     * @return each row's generated tokens, {@code <eos>} excluded
     * @since 1.5
     */
    public static List<List<String>> decodeRows(Backbone model, NDArray lastHidden, int[] next, KvCache cache, Vocabulary vocabulary,
                                                int maxNewTokens, NDManager manager) {
        int n = next.length;
        int pad = vocabulary.id(Vocabulary.PAD);
        int eos = vocabulary.id(Vocabulary.EOS);
        List<List<String>> generated = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            generated.add(new ArrayList<>());
        }
        boolean[] done = new boolean[n];
        NDArray hidden = lastHidden;
        for (int t = 0; t < maxNewTokens; t++) {
            int[] chosen = model.lmHead(hidden.get(":, -1, :")).argMax(-1).toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
            int[] input = new int[n];
            int[] position = new int[n];
            int[] isReal = new int[n];
            boolean any = false;
            for (int b = 0; b < n; b++) {
                input[b] = pad;
                if (done[b]) {
                    continue;
                }
                if (chosen[b] == eos) {
                    done[b] = true;
                    continue;
                }
                generated.get(b).add(vocabulary.token(chosen[b]));
                if (generated.get(b).size() == maxNewTokens) {
                    done[b] = true;
                    continue;
                }
                input[b] = chosen[b];
                position[b] = next[b]++;
                isReal[b] = 1;
                any = true;
            }
            if (!any) {
                break;
            }
            ai.djl.ndarray.types.Shape one = new ai.djl.ndarray.types.Shape(n, 1);
            hidden = model.forward(model.embed(manager.create(input, one)), manager.create(position, one), manager.create(isReal, one),
                    cache, Taps.HIDDEN).hidden();
        }
        return generated;
    }
}
