package org.latentlab.dataset.prosqa;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.latentlab.api.data.Example;

/**
 * Writes a problem the way the published files do: every edge as one fact, the facts shuffled, then
 * "Is Tom a A or B?" with the two concepts in random order; the steps walk the reasoning path one edge
 * per sentence and the answer names the reachable concept: "Tom is a lempus."
 */
final class ProsQaText {

    private ProsQaText() {
    }

    /**
     * @param path the reasoning chain, root first and target last
     */
    static Example example(String id, ProsQaGraph graph, int[] path, Random random) {
        List<String> facts = new ArrayList<>(graph.edges().size());
        for (List<Integer> edge : graph.edges()) {
            facts.add(graph.fact(edge.get(0), edge.get(1)));
        }
        shuffle(facts, random);
        String person = graph.symbol(graph.root());
        boolean trueFirst = random.nextBoolean();
        String first = graph.symbol(trueFirst ? graph.target() : graph.negTarget());
        String second = graph.symbol(trueFirst ? graph.negTarget() : graph.target());
        String question = String.join(" ", facts) + " Is " + person + " a " + first + " or " + second + "?";

        List<String> steps = new ArrayList<>(path.length - 1);
        for (int i = 1; i < path.length; i++) {
            steps.add(graph.fact(path[i - 1], path[i]));
        }
        String answer = person + " is a " + graph.symbol(graph.target()) + ".";
        return new Example(id, question, steps, answer, graph.extras());
    }

    /** Fisher–Yates, written out so that the order depends on nothing but the random stream. */
    private static void shuffle(List<String> list, Random random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            list.set(i, list.set(j, list.get(i)));
        }
    }
}
