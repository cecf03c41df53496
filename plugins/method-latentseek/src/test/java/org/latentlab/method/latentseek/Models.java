package org.latentlab.method.latentseek;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.TokenLayout;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.Taps;

/** What the tests read off a backbone: its parameters and gradients as host copies, and its first greedy choices. */
final class Models {

    private Models() {
    }

    /** Every parameter's values, by name. */
    static Map<String, float[]> parameters(Backbone model) {
        Map<String, float[]> values = new LinkedHashMap<>();
        model.parameters().forEach((name, p) -> values.put(name, p.toType(DataType.FLOAT32, false).toFloatArray()));
        return values;
    }

    /** Every parameter's gradient, by name (zeros where none was recorded yet). */
    static Map<String, float[]> gradients(Backbone model) {
        Map<String, float[]> values = new LinkedHashMap<>();
        model.parameters().forEach((name, p) -> {
            try (NDArray g = p.getGradient()) {
                values.put(name, g.toType(DataType.FLOAT32, false).toFloatArray());
            }
        });
        return values;
    }

    /** The token ids ordered from most to least likely as the first token after the prompt. */
    static int[] firstTokenRanking(Backbone model, Example example, Vocabulary vocabulary, NDManager manager) {
        List<Integer> prompt = TokenLayout.prompt(example, vocabulary);
        int[] ids = prompt.stream().mapToInt(Integer::intValue).toArray();
        NDArray hidden = model.forward(model.embed(manager.create(ids, new Shape(1, ids.length))), 0, null, Taps.HIDDEN).hidden();
        float[] logits = model.lmHead(hidden.get(":, -1, :")).toType(DataType.FLOAT32, false).toFloatArray();
        return java.util.stream.IntStream.range(0, logits.length).boxed()
                .sorted((a, b) -> Float.compare(logits[b], logits[a])).mapToInt(Integer::intValue).toArray();
    }

    /** The first token an answer wrote: its first reasoning token, else {@code <answer>} if it wrote an answer, else none. */
    static String firstToken(Answer answer) {
        if (!answer.reasoning().isEmpty()) {
            return answer.reasoning().get(0);
        }
        return answer.generatedTokens() > 0 ? Vocabulary.ANSWER : null;
    }
}
