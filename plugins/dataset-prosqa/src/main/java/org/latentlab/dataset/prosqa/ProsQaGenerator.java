package org.latentlab.dataset.prosqa;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.latentlab.api.data.Example;

/**
 * Generates ProsQA problems (Coconut paper, appendix A.2, Algorithm 1), with the choices the published
 * validation split shows:
 *
 * <ol>
 * <li>Grow a DAG of {@value #GROWN_NODES} nodes from two seeds, nodes 0 and 1. Each new node takes
 *     Poisson({@value #MEAN_PARENTS}) parents, drawn without replacement with weight
 *     1 + {@value #DEPTH_WEIGHT}·depth, from the nodes that descend from seed 0 only (35%), from seed 1
 *     only (47%), or from all nodes (18%). A node inherits its parents' seed labels (bitwise or).</li>
 * <li>Drop the nodes no edge mentions (new nodes that drew no parent and never became one): a fact names
 *     every node of a published graph. The nodes left without parents are persons, the others concepts.</li>
 * <li>The root is the seed whose deepest exclusive leaf (a node with no children that descends from this
 *     seed and not from the other) is further away; the target is that leaf and the negative target a random
 *     leaf exclusive to the other seed, so it is unreachable from the root but is the end of a chain of
 *     the same kind as the target's.</li>
 * <li>Keep the problem when the target is {@code minHops} to {@code maxHops} steps away; the steps are a
 *     shortest path from the root, drawn uniformly among the shortest paths.</li>
 * </ol>
 *
 * The published graphs are reproduced in distribution: 22.8 nodes and 36.3 edges on average, 0 to 4
 * extra persons, targets and negative targets that are always leaves, and the root being seed 1 about
 * twice as often as seed 0 (hence the uneven 35%/47% shares).
 */
final class ProsQaGenerator {

    /** Nodes grown per graph; those no fact mentions are dropped after, leaving 17 to 28. */
    static final int GROWN_NODES = 28;
    /** Mean number of parents of a new node. */
    static final double MEAN_PARENTS = 1.5;
    /** How much a deeper candidate parent is preferred: weight = 1 + DEPTH_WEIGHT · depth. */
    static final double DEPTH_WEIGHT = 1.5;
    /** Share of new nodes whose parents come from seed 0's exclusive descendants. */
    static final double SEED0_SHARE = 0.35;
    /** Share of new nodes whose parents come from seed 1's exclusive descendants. */
    static final double SEED1_SHARE = 0.47;
    /** Graphs grown for one problem before the hop range is declared out of reach. */
    static final int TRIES_PER_PROBLEM = 200_000;

    private static final int SEED0 = 1;
    private static final int SEED1 = 2;
    private static final int ANY = -1;
    private static final double EXP_MINUS_MEAN_PARENTS = StrictMath.exp(-MEAN_PARENTS);

    private final ProsQaOptions options;
    private final Random random;

    // one problem's working state, reused
    private final int[] label = new int[GROWN_NODES];
    private final int[] depth = new int[GROWN_NODES];
    private final int[][] parents = new int[GROWN_NODES][];
    private final int[] candidates = new int[GROWN_NODES];
    private final double[] weights = new double[GROWN_NODES];

    ProsQaGenerator(ProsQaOptions options, long seed) {
        this.options = options;
        this.random = new Random(seed);
    }

    /** The next problem of this generator's stream. */
    Example next(String id) {
        for (int attempt = 0; attempt < TRIES_PER_PROBLEM; attempt++) {
            Example example = tryOnce(id);
            if (example != null) {
                return example;
            }
        }
        throw new IllegalArgumentException("No ProsQA graph of " + GROWN_NODES + " nodes put the true concept "
                + options.minHops() + " to " + options.maxHops() + " steps from the person in " + TRIES_PER_PROBLEM
                + " tries; choose a hop range that includes some of 3 to 6.");
    }

    private Example tryOnce(String id) {
        grow();
        // step 2: keep the nodes some edge mentions, in the order they were grown
        int[] index = new int[GROWN_NODES];
        Arrays.fill(index, -1);
        index[0] = 0;
        index[1] = 1;
        for (int node = 2; node < GROWN_NODES; node++) {
            for (int parent : parents[node]) {
                index[node] = 0;
                index[parent] = 0;
            }
        }
        int n = 0;
        for (int node = 0; node < GROWN_NODES; node++) {
            if (index[node] >= 0) {
                index[node] = n++;
            }
        }
        int[][] children = new int[n][];
        int[] childCount = new int[n];
        int[][] parentsOf = new int[n][];
        List<List<Integer>> edges = new ArrayList<>();
        for (int node = 0; node < GROWN_NODES; node++) {
            if (index[node] < 0) {
                continue;
            }
            int[] p = new int[parents[node].length];
            for (int i = 0; i < p.length; i++) {
                p[i] = index[parents[node][i]];
                childCount[p[i]]++;
                edges.add(List.of(p[i], index[node]));
            }
            parentsOf[index[node]] = p;
        }
        for (int node = 0; node < n; node++) {
            children[node] = new int[childCount[node]];
            childCount[node] = 0;
        }
        for (int node = 0; node < n; node++) {
            for (int parent : parentsOf[node]) {
                children[parent][childCount[parent]++] = node;
            }
        }

        // step 3: root, target, negative target
        int[] from0 = distances(children, 0);
        int[] from1 = distances(children, 1);
        int deepest0 = deepestExclusiveLeaf(children, from0, from1);
        int deepest1 = deepestExclusiveLeaf(children, from1, from0);
        if (deepest0 < 0 || deepest1 < 0) {
            return null;
        }
        boolean rootIs0 = deepest0 > deepest1 || (deepest0 == deepest1 && random.nextBoolean());
        int root = rootIs0 ? 0 : 1;
        int[] fromRoot = rootIs0 ? from0 : from1;
        int[] fromOther = rootIs0 ? from1 : from0;
        int hops = Math.max(deepest0, deepest1);
        if (hops < options.minHops() || hops > options.maxHops()) {
            return null;
        }
        int target = pick(exclusiveLeaves(children, fromRoot, fromOther, hops));
        int negTarget = pick(exclusiveLeaves(children, fromOther, fromRoot, -1));

        // symbols: persons for the nodes without parents, concepts for the rest, no symbol twice
        int persons = 0;
        for (int node = 0; node < n; node++) {
            if (parentsOf[node].length == 0) {
                persons++;
            }
        }
        if (persons > SymbolPool.PERSONS.size() || n - persons > SymbolPool.CONCEPTS.size()) {
            return null;
        }
        List<String> personPool = new ArrayList<>(SymbolPool.PERSONS);
        List<String> conceptPool = new ArrayList<>(SymbolPool.CONCEPTS);
        List<String> symbols = new ArrayList<>(n);
        for (int node = 0; node < n; node++) {
            symbols.add(draw(parentsOf[node].length == 0 ? personPool : conceptPool));
        }

        ProsQaGraph graph = new ProsQaGraph(symbols, edges, root, target, negTarget);
        return ProsQaText.example(id, graph, shortestPath(parentsOf, children, root, target, fromRoot), random);
    }

    /** Step 1: Algorithm 1's growth from the two seeds. */
    private void grow() {
        label[0] = SEED0;
        label[1] = SEED1;
        depth[0] = 0;
        depth[1] = 0;
        parents[0] = new int[0];
        parents[1] = new int[0];
        for (int node = 2; node < GROWN_NODES; node++) {
            int wanted = poisson();
            double share = random.nextDouble();
            int group = share < SEED0_SHARE ? SEED0 : share < SEED0_SHARE + SEED1_SHARE ? SEED1 : ANY;
            int count = 0;
            for (int c = 0; c < node; c++) {
                if (group == ANY || label[c] == group) {
                    candidates[count] = c;
                    weights[count] = 1 + DEPTH_WEIGHT * depth[c];
                    count++;
                }
            }
            int[] chosen = new int[Math.min(wanted, count)];
            int nodeLabel = 0;
            int nodeDepth = Integer.MAX_VALUE;
            for (int i = 0; i < chosen.length; i++) {
                double total = 0;
                for (int j = 0; j < count; j++) {
                    total += weights[j];
                }
                double r = random.nextDouble() * total;
                int j = 0;
                while (j < count - 1 && (r -= weights[j]) >= 0) {
                    j++;
                }
                chosen[i] = candidates[j];
                candidates[j] = candidates[count - 1];
                weights[j] = weights[count - 1];
                count--;
                nodeLabel |= label[chosen[i]];
                nodeDepth = Math.min(nodeDepth, depth[chosen[i]] + 1);
            }
            parents[node] = chosen;
            label[node] = nodeLabel;
            depth[node] = chosen.length == 0 ? 0 : nodeDepth;
        }
    }

    /** Knuth's Poisson sampler: count uniforms until their product falls below e^-λ. */
    private int poisson() {
        int k = 0;
        double product = random.nextDouble();
        while (product > EXP_MINUS_MEAN_PARENTS) {
            k++;
            product *= random.nextDouble();
        }
        return k;
    }

    /** Breadth-first distances from a node; -1 where it cannot be reached. */
    static int[] distances(int[][] children, int from) {
        int[] distance = new int[children.length];
        Arrays.fill(distance, -1);
        distance[from] = 0;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        queue.add(from);
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

    /** Distance to the furthest leaf reachable from {@code own} and not from {@code other}; -1 if none. */
    private static int deepestExclusiveLeaf(int[][] children, int[] own, int[] other) {
        int deepest = -1;
        for (int node = 2; node < children.length; node++) {
            if (children[node].length == 0 && own[node] >= 0 && other[node] < 0) {
                deepest = Math.max(deepest, own[node]);
            }
        }
        return deepest;
    }

    /** The leaves exclusive to {@code own}, at the given distance or at any when it is -1. */
    private static List<Integer> exclusiveLeaves(int[][] children, int[] own, int[] other, int atDistance) {
        List<Integer> leaves = new ArrayList<>();
        for (int node = 2; node < children.length; node++) {
            if (children[node].length == 0 && own[node] >= 0 && other[node] < 0 && (atDistance < 0 || own[node] == atDistance)) {
                leaves.add(node);
            }
        }
        return leaves;
    }

    /**
     * A shortest path from root to target, uniform among all shortest paths: walking back from the target,
     * each parent one step closer to the root is taken in proportion to the shortest paths that reach it.
     */
    private int[] shortestPath(int[][] parentsOf, int[][] children, int root, int target, int[] fromRoot) {
        long[] paths = new long[children.length];
        paths[root] = 1;
        List<Integer> byDistance = new ArrayList<>();
        for (int node = 0; node < children.length; node++) {
            if (fromRoot[node] >= 0) {
                byDistance.add(node);
            }
        }
        byDistance.sort((a, b) -> Integer.compare(fromRoot[a], fromRoot[b]));
        for (int node : byDistance) {
            for (int child : children[node]) {
                if (fromRoot[child] == fromRoot[node] + 1) {
                    paths[child] += paths[node];
                }
            }
        }
        int[] path = new int[fromRoot[target] + 1];
        int node = target;
        for (int i = path.length - 1; i > 0; i--) {
            path[i] = node;
            long r = (long) (random.nextDouble() * paths[node]);
            for (int parent : parentsOf[node]) {
                if (fromRoot[parent] == fromRoot[node] - 1) {
                    r -= paths[parent];
                    if (r < 0) {
                        node = parent;
                        break;
                    }
                }
            }
        }
        path[0] = node;
        return path;
    }

    private int pick(List<Integer> nodes) {
        return nodes.get(random.nextInt(nodes.size()));
    }

    /** Removes and returns a random element: a draw without replacement. */
    private String draw(List<String> pool) {
        int i = random.nextInt(pool.size());
        String drawn = pool.get(i);
        pool.set(i, pool.get(pool.size() - 1));
        pool.remove(pool.size() - 1);
        return drawn;
    }
}
