package org.latentlab.api.method;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;

/**
 * The token layout explicit methods share: {@code <bos> question <sep>} as the prompt, then what the model
 * writes: reasoning steps (or none), {@code <answer>}, the answer and {@code <eos>}.
 */
public final class TokenLayout {

    /** One laid-out example: token ids, and how many of them are prompt (unsupervised). */
    public record Sequence(List<Integer> ids, int promptLength) {
        public Sequence {
            ids = List.copyOf(ids);
        }
    }

    /** Padded ids {@code [batch, T]} (int32) and next-token labels {@code [batch, T]} (int32), and the positions in use. */
    public record Packed(NDArray ids, NDArray labels, long tokens) {
    }

    private TokenLayout() {
    }

    /** {@code <bos> question <sep>}. */
    public static List<Integer> prompt(Example example, Vocabulary vocabulary) {
        List<Integer> ids = new ArrayList<>();
        ids.add(vocabulary.id(Vocabulary.BOS));
        ids.addAll(vocabulary.encode(example.question()));
        ids.add(vocabulary.id(Vocabulary.SEP));
        return ids;
    }

    /** The given reasoning steps, then {@code <answer> answer <eos>}. */
    public static List<Integer> continuation(Example example, List<String> steps, Vocabulary vocabulary) {
        List<Integer> ids = new ArrayList<>();
        for (String step : steps) {
            ids.addAll(vocabulary.encode(step));
        }
        ids.add(vocabulary.id(Vocabulary.ANSWER));
        ids.addAll(vocabulary.encode(example.answer()));
        ids.add(vocabulary.id(Vocabulary.EOS));
        return ids;
    }

    /**
     * Right-pads sequences with {@code <pad>}. The label at position t is the token at t+1 when that token is
     * past the prompt, else {@link LatentTrace#IGNORE}; padding is ignored too. Causal attention means
     * right padding never changes the real positions.
     */
    public static Packed pack(List<Sequence> sequences, Vocabulary vocabulary, NDManager manager) {
        int batch = sequences.size();
        int length = sequences.stream().mapToInt(s -> s.ids().size()).max().orElse(0);
        int pad = vocabulary.id(Vocabulary.PAD);
        int[] ids = new int[batch * length];
        int[] labels = new int[batch * length];
        long tokens = 0;
        for (int b = 0; b < batch; b++) {
            List<Integer> seq = sequences.get(b).ids();
            int start = sequences.get(b).promptLength();
            tokens += seq.size();
            for (int t = 0; t < length; t++) {
                ids[b * length + t] = t < seq.size() ? seq.get(t) : pad;
                boolean supervised = t + 1 < seq.size() && t + 1 >= start;
                labels[b * length + t] = supervised ? seq.get(t + 1) : LatentTrace.IGNORE;
            }
        }
        Shape shape = new Shape(batch, length);
        return new Packed(manager.create(ids, shape), manager.create(labels, shape), tokens);
    }

    /** Splits generated tokens at the last {@code <answer>}: reasoning before it, answer after it. */
    public static Answer answer(List<String> generated, int latentSteps) {
        int split = generated.lastIndexOf(Vocabulary.ANSWER);
        List<String> reasoning = split < 0 ? generated : generated.subList(0, split);
        List<String> answer = split < 0 ? List.of() : generated.subList(split + 1, generated.size());
        return new Answer(reasoning, answer, generated.size(), latentSteps);
    }
}
