package org.latentlab.dataset.prosqa;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;

/**
 * One example's graph, read back from {@link Example#extras()} and measured independently of the
 * generator: breadth-first distances, degrees, and the path its steps spell out.
 */
record MeasuredProblem(Example example, List<String> symbols, List<int[]> edges, int root, int target, int negTarget) {

    /** The published validation split, where the shared data folder is present. */
    static Optional<Path> publishedValidation() {
        String folder = System.getProperty("latentlab.shared.data");
        if (folder == null) {
            return Optional.empty();
        }
        Path file = Path.of(folder, "prosqa", "prosqa_valid.json");
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    @SuppressWarnings("unchecked")
    static MeasuredProblem of(Example example) {
        Map<String, Object> extras = example.extras();
        List<int[]> edges = new ArrayList<>();
        for (List<Integer> edge : (List<List<Integer>>) extras.get("edges")) {
            edges.add(new int[] {edge.get(0), edge.get(1)});
        }
        return new MeasuredProblem(example, (List<String>) extras.get("idx_to_symbol"), edges,
                (Integer) extras.get("root"), (Integer) extras.get("target"), (Integer) extras.get("neg_target"));
    }

    int nodes() {
        return symbols.size();
    }

    int[][] children() {
        int[] count = new int[nodes()];
        for (int[] e : edges) {
            count[e[0]]++;
        }
        int[][] children = new int[nodes()][];
        for (int i = 0; i < nodes(); i++) {
            children[i] = new int[count[i]];
            count[i] = 0;
        }
        for (int[] e : edges) {
            children[e[0]][count[e[0]]++] = e[1];
        }
        return children;
    }

    int[] inDegrees() {
        int[] in = new int[nodes()];
        for (int[] e : edges) {
            in[e[1]]++;
        }
        return in;
    }

    /** Breadth-first distances from a node, -1 where unreachable. */
    int[] distancesFrom(int from) {
        int[][] children = children();
        int[] distance = new int[nodes()];
        Arrays.fill(distance, -1);
        distance[from] = 0;
        ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(from));
        while (!queue.isEmpty()) {
            int node = queue.poll();
            for (int child : children[node]) {
                if (distance[child] < 0) {
                    distance[child] = distance[node] + 1;
                    queue.add(child);
                }
            }
        }
        return distance;
    }

    /** Length of the shortest path from the root to the target. */
    int hops() {
        return distancesFrom(root)[target];
    }

    boolean reachable(int node) {
        return distancesFrom(root)[node] >= 0;
    }

    boolean hasEdge(int src, int dst) {
        return edges.stream().anyMatch(e -> e[0] == src && e[1] == dst);
    }

    /**
     * The nodes the steps walk through, root first, read from their text ("Tom is a terpus.", "Every terpus is
     * a brimpus."); empty when a step does not read as an edge of this graph from where the last one ended.
     */
    Optional<List<Integer>> stepPath() {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < nodes(); i++) {
            index.put(symbols.get(i), i);
        }
        List<Integer> path = new ArrayList<>(List.of(root));
        for (String step : example.steps()) {
            List<String> words = Vocabulary.words(step);
            boolean every = words.size() == 6 && words.get(0).equals("Every");
            boolean person = words.size() == 5;
            if (!(every || person) || !words.get(words.size() - 4).equals("is") || !words.get(words.size() - 3).equals("a")
                    || !words.get(words.size() - 1).equals(".")) {
                return Optional.empty();
            }
            Integer src = index.get(words.get(every ? 1 : 0));
            Integer dst = index.get(words.get(words.size() - 2));
            int last = path.get(path.size() - 1);
            if (src == null || dst == null || src != last || !hasEdge(src, dst) || every == SymbolPool.isPerson(symbols.get(src))) {
                return Optional.empty();
            }
            path.add(dst);
        }
        return Optional.of(path);
    }

    /** Words of the question as the platform tokenises it (punctuation marks count as tokens). */
    int questionTokens() {
        return Vocabulary.words(example.question()).size();
    }

    /** Words of the question split at white space, the way the published statistics are usually quoted. */
    int questionWords() {
        return example.question().split("\\s+").length;
    }
}
