package org.latentlab.dataset.prosqa;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One problem's ontology, in the published file's terms: a DAG over symbols whose edges read "every
 * {@code src} is a {@code dst}", the person asked about ({@code root}), the concept the person is
 * ({@code target}) and the one the person is not ({@code neg_target}).
 *
 * @param idxToSymbol the symbol of each node
 * @param edges       {@code [src, dst]} pairs, in the order the graph was grown
 * @param root        the person the question is about
 * @param target      the concept reachable from the root
 * @param negTarget   the concept not reachable from the root
 */
record ProsQaGraph(List<String> idxToSymbol, List<List<Integer>> edges, int root, int target, int negTarget) {

    /** Keys of {@link org.latentlab.api.data.Example#extras()}, the published file's field names. */
    static final String EDGES = "edges";
    static final String IDX_TO_SYMBOL = "idx_to_symbol";
    static final String ROOT = "root";
    static final String TARGET = "target";
    static final String NEG_TARGET = "neg_target";

    ProsQaGraph {
        idxToSymbol = List.copyOf(idxToSymbol);
        List<List<Integer>> copied = new ArrayList<>(edges.size());
        for (List<Integer> edge : edges) {
            copied.add(List.copyOf(edge));
        }
        edges = List.copyOf(copied);
    }

    /** The graph as plain lists, integers and strings, under the published field names. */
    Map<String, Object> extras() {
        return Map.of(EDGES, edges, IDX_TO_SYMBOL, idxToSymbol, ROOT, root, TARGET, target, NEG_TARGET, negTarget);
    }

    String symbol(int node) {
        return idxToSymbol.get(node);
    }

    /** The sentence that states one edge: "Tom is a terpus." for a person, "Every terpus is a brimpus." otherwise. */
    String fact(int src, int dst) {
        String subject = symbol(src);
        return (SymbolPool.isPerson(subject) ? subject : "Every " + subject) + " is a " + symbol(dst) + ".";
    }
}
