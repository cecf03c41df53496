package org.latentlab.probe.frontier;

import java.util.ArrayList;
import java.util.List;

import org.latentlab.api.data.Vocabulary;

/**
 * Sorts what a model wrote after k thoughts into the six classes of the Coconut paper (§5.1). The text is split at the
 * first {@code <answer>}: before it, the reasoning, read as sentences "Every A is a B." or "Name is a B." (each one
 * edge A → B); after it, the answer, which is correct when its words equal the example's answer.
 *
 * <ul>
 *   <li>No reasoning at all: {@link OutputClass#CORRECT_LABEL} or {@link OutputClass#INCORRECT_LABEL} by the answer
 *       (no {@code <answer>} and nothing written is an incorrect label).</li>
 *   <li>Reasoning that is not a run of such sentences over the graph's names (an unfinished last sentence, an unknown
 *       name, other words), an edge the graph lacks, or a sentence whose subject is not the previous sentence's object:
 *       {@link OutputClass#HALLUCINATION}.</li>
 *   <li>The k thoughts stand for up to k edges already taken, so the written chain may start at any node within k
 *       steps of the root; a first subject farther away (or unreachable) breaks the chain: hallucination.</li>
 *   <li>A connected chain of existing edges whose last object is not the target: {@link OutputClass#WRONG_TARGET}.</li>
 *   <li>One that ends at the target: its length is the first subject's distance from the root plus the written edges;
 *       equal to the root's shortest distance to the target, {@link OutputClass#CORRECT_PATH}, longer,
 *       {@link OutputClass#LONGER_PATH}.</li>
 * </ul>
 * The path classes judge the written path alone; the answer after it is read only when no path was written.
 */
final class OutputClassifier {

    private static final String EVERY = "Every";

    private OutputClassifier() {
    }

    /**
     * @param depths     the graph's {@link ProsQaOntology#depths()}
     * @param generated  the tokens the model wrote, {@code <eos>} excluded
     * @param answer     the example's answer as word-level tokens
     * @param thoughts   k, the thoughts run before the model was forced back into language
     */
    static OutputClass classify(ProsQaOntology graph, int[] depths, List<String> generated, List<String> answer, int thoughts) {
        int split = generated.indexOf(Vocabulary.ANSWER);
        List<String> reasoning = split < 0 ? generated : generated.subList(0, split);
        if (reasoning.isEmpty()) {
            boolean correct = split >= 0 && generated.subList(split + 1, generated.size()).equals(answer);
            return correct ? OutputClass.CORRECT_LABEL : OutputClass.INCORRECT_LABEL;
        }
        List<int[]> edges = edges(graph, reasoning);
        if (edges == null) {
            return OutputClass.HALLUCINATION;
        }
        for (int i = 0; i < edges.size(); i++) {
            int[] edge = edges.get(i);
            if (!graph.hasEdge(edge[0], edge[1]) || (i > 0 && edges.get(i - 1)[1] != edge[0])) {
                return OutputClass.HALLUCINATION;
            }
        }
        int start = depths[edges.get(0)[0]];
        if (start < 0 || start > thoughts) {
            return OutputClass.HALLUCINATION;
        }
        if (edges.get(edges.size() - 1)[1] != graph.target()) {
            return OutputClass.WRONG_TARGET;
        }
        return start + edges.size() == depths[graph.target()] ? OutputClass.CORRECT_PATH : OutputClass.LONGER_PATH;
    }

    /** The edges the reasoning states, one per sentence, or null when it is not a run of edge sentences over known names. */
    static List<int[]> edges(ProsQaOntology graph, List<String> reasoning) {
        List<int[]> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < reasoning.size(); i++) {
            if (reasoning.get(i).equals(".")) {
                int[] edge = edge(graph, reasoning.subList(from, i));
                if (edge == null) {
                    return null;
                }
                out.add(edge);
                from = i + 1;
            }
        }
        return from == reasoning.size() ? out : null;
    }

    /** "Every A is a B" or "Name is a B" (no period) as {A, B}, or null. */
    private static int[] edge(ProsQaOntology graph, List<String> sentence) {
        List<String> words = !sentence.isEmpty() && sentence.get(0).equals(EVERY) ? sentence.subList(1, sentence.size()) : sentence;
        for (int i = 1; i + 2 < words.size(); i++) {
            if (words.get(i).equals("is") && words.get(i + 1).equals("a")) {
                int subject = graph.node(words.subList(0, i));
                int object = graph.node(words.subList(i + 2, words.size()));
                return subject < 0 || object < 0 ? null : new int[] {subject, object};
            }
        }
        return null;
    }
}
