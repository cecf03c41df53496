package org.latentlab.probe.frontier;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.latentlab.api.data.Vocabulary;

/**
 * One ProsQA problem's graph as the published files give it in an example's extras: symbols by index, edges
 * {@code [src, dst]} that read "every src is a dst" (for the person: "Tom is a src"), the person asked about
 * ({@code root}) and the concept the person is ({@code target}).
 */
final class ProsQaOntology {

    static final String EDGES = "edges";
    static final String IDX_TO_SYMBOL = "idx_to_symbol";
    static final String ROOT = "root";
    static final String TARGET = "target";

    private final List<String> symbols;
    private final List<List<Integer>> children;
    private final List<List<Integer>> parents;
    private final int root;
    private final int target;
    private final Map<List<String>, Integer> byWords = new HashMap<>();

    ProsQaOntology(List<String> symbols, List<int[]> edges, int root, int target) {
        this.symbols = List.copyOf(symbols);
        this.root = root;
        this.target = target;
        int n = symbols.size();
        List<List<Integer>> down = new ArrayList<>(n);
        List<List<Integer>> up = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            down.add(new ArrayList<>());
            up.add(new ArrayList<>());
        }
        for (int[] edge : edges) {
            if (!down.get(edge[0]).contains(edge[1])) {
                down.get(edge[0]).add(edge[1]);
                up.get(edge[1]).add(edge[0]);
            }
        }
        this.children = down;
        this.parents = up;
        for (int i = 0; i < n; i++) {
            byWords.putIfAbsent(Vocabulary.words(symbols.get(i)), i);
        }
    }

    /**
     * The graph of an example's extras, or empty when the extras lack one of {@code edges}, {@code idx_to_symbol},
     * {@code root}, {@code target} or hold something that is not a graph (a node index outside the symbols).
     */
    static Optional<ProsQaOntology> of(Map<String, Object> extras) {
        if (!(extras.get(IDX_TO_SYMBOL) instanceof List<?> names) || !(extras.get(EDGES) instanceof Collection<?> pairs)) {
            return Optional.empty();
        }
        List<String> symbols = new ArrayList<>(names.size());
        for (Object name : names) {
            if (!(name instanceof String s)) {
                return Optional.empty();
            }
            symbols.add(s);
        }
        int n = symbols.size();
        int root = index(extras.get(ROOT), n);
        int target = index(extras.get(TARGET), n);
        if (root < 0 || target < 0) {
            return Optional.empty();
        }
        List<int[]> edges = new ArrayList<>(pairs.size());
        for (Object pair : pairs) {
            if (!(pair instanceof List<?> ends) || ends.size() != 2) {
                return Optional.empty();
            }
            int src = index(ends.get(0), n);
            int dst = index(ends.get(1), n);
            if (src < 0 || dst < 0) {
                return Optional.empty();
            }
            edges.add(new int[] {src, dst});
        }
        return Optional.of(new ProsQaOntology(symbols, edges, root, target));
    }

    private static int index(Object value, int size) {
        if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())
                || number.doubleValue() < 0 || number.doubleValue() >= size) {
            return -1;
        }
        return number.intValue();
    }

    int size() {
        return symbols.size();
    }

    int root() {
        return root;
    }

    int target() {
        return target;
    }

    String symbol(int node) {
        return symbols.get(node);
    }

    /** The node whose name is these word-level tokens, or -1. */
    int node(List<String> words) {
        return byWords.getOrDefault(words, -1);
    }

    boolean hasEdge(int src, int dst) {
        return children.get(src).contains(dst);
    }

    /** Shortest distance of every node from the root along the edges (breadth-first search), -1 where unreachable. */
    int[] depths() {
        return breadthFirst(List.of(root), children);
    }

    /** The frontier after k steps: the nodes whose shortest distance from the root is exactly k, in index order. */
    static List<Integer> frontier(int[] depths, int k) {
        List<Integer> out = new ArrayList<>();
        for (int node = 0; node < depths.length; node++) {
            if (depths[node] == k) {
                out.add(node);
            }
        }
        return out;
    }

    /**
     * Height of every node (the paper, §5.2): the shortest distance from it to a leaf, a node with no outgoing edge;
     * 0 for a leaf, -1 where no leaf can be reached (only in a graph with a cycle).
     */
    int[] heights() {
        List<Integer> leaves = new ArrayList<>();
        for (int node = 0; node < size(); node++) {
            if (children.get(node).isEmpty()) {
                leaves.add(node);
            }
        }
        return breadthFirst(leaves, parents);
    }

    /** Whether the target can be reached from each node (the target itself included). */
    boolean[] leadsToTarget() {
        int[] toTarget = breadthFirst(List.of(target), parents);
        boolean[] out = new boolean[size()];
        for (int node = 0; node < out.length; node++) {
            out[node] = toTarget[node] >= 0;
        }
        return out;
    }

    private int[] breadthFirst(List<Integer> sources, List<List<Integer>> next) {
        int[] distance = new int[size()];
        Arrays.fill(distance, -1);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int source : sources) {
            distance[source] = 0;
            queue.add(source);
        }
        while (!queue.isEmpty()) {
            int node = queue.poll();
            for (int other : next.get(node)) {
                if (distance[other] < 0) {
                    distance[other] = distance[node] + 1;
                    queue.add(other);
                }
            }
        }
        return distance;
    }
}
