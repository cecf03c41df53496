package org.latentlab.probe.frontier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.Capability;
import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.method.GreedyDecoder;
import org.latentlab.api.method.LatentPrefix;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.KvCache;
import org.latentlab.api.model.Taps;
import org.latentlab.api.probe.Probe;
import org.latentlab.api.probe.ProbeContext;
import org.latentlab.api.probe.ProbeReport;

import org.osgi.service.component.annotations.Component;

/**
 * The Coconut paper's analysis of the latent search on ProsQA (Hao et al. 2024, §5): after k continuous thoughts the
 * model is forced back into language, and what it would write next shows which nodes of the graph its thoughts hold.
 *
 * <p><b>Node values</b> (§5.2). The frontier after k thoughts is the set of nodes whose shortest distance from the root
 * is exactly k. Their next language step would be "Every X is a Y." with X one of them, so the probe feeds "Every"
 * after the k thoughts and {@code <eot>}, and the value of a frontier node is the probability the model gives its name:
 * the product of the probabilities of the name's word-level tokens, fed one after another (the cache is cut back after
 * each name). A name with a token the vocabulary lacks gets value 0 (the model cannot write it). Reported per k:
 * <ul>
 *   <li>table "value by height": the mean value of the frontier nodes of every height (the shortest distance to a
 *       leaf, a node with no outgoing edge), pooled over examples; a node from which no leaf can be reached (possible
 *       only in a graph with a cycle) is left out;</li>
 *   <li>scalars {@code k<k>.top1}, {@code .top2}, {@code .top3} and table "cumulative top value": the sum of the n
 *       largest frontier values of an example (all of them when the frontier has fewer than n nodes), averaged over the
 *       examples whose frontier after k thoughts is not empty; a k past every graph's depth gets neither;</li>
 *   <li>scalars {@code k<k>.value.onPath} and {@code k<k>.value.offPath}: the mean value of the frontier nodes from
 *       which the target can be reached and of those from which it cannot, pooled over examples; each only when there
 *       is such a node.</li>
 * </ul>
 * A vocabulary without the token "Every" cannot state the next step, and the report then has no values, only outputs.
 *
 * <p><b>Outputs</b> (§5.1, Fig. 4). From the same k thoughts the model decodes greedily, and {@link OutputClassifier}
 * sorts what it writes into correct path, longer path, hallucination, wrong target, correct label and incorrect label:
 * table "outputs" and scalars {@code k<k>.correctPath}, {@code .longerPath}, {@code .hallucination},
 * {@code .wrongTarget}, {@code .correctLabel}, {@code .incorrectLabel} (fractions of the examples). The judgment calls
 * are the classifier's: the written chain may start at any node within k steps of the root (the thoughts stand for
 * those steps), its length is that node's distance from the root plus the edges written, the path classes judge the
 * path and not the answer after it, and text that states no edge of the graph's names counts as a hallucination.
 * Scalar {@code examples} counts the examples probed.
 *
 * <p>Examples whose extras hold no ProsQA graph are skipped; the first {@code examples} that do are probed. Every k is
 * run as given, even past an example's depth (its frontier is then empty, its output still classified).
 */
@Component(service = Probe.class)
@ComponentName("frontier")
public final class FrontierProbe implements Probe {

    static final String NAME = "frontier";
    static final String EVERY = "Every";

    @Override
    public Set<Capability> requires() {
        return Set.of(Capability.LATENT_PREFIX);
    }

    @Override
    public Set<String> options() {
        return FrontierOptions.NAMES;
    }

    @Override
    public void checkOptions(Map<String, Object> options) {
        FrontierOptions.of(options);
    }

    @Override
    public ProbeReport run(ProbeContext context) {
        FrontierOptions options = FrontierOptions.of(context.options());
        if (!(context.method() instanceof LatentPrefix prefix)) {
            throw new IllegalStateException("The frontier probe needs a method that can stop its latent reasoning after k thoughts"
                    + " (LatentPrefix), and " + context.method().getClass().getSimpleName() + " cannot.");
        }
        List<Example> examples = new ArrayList<>();
        List<ProsQaOntology> graphs = new ArrayList<>();
        for (Example example : context.examples()) {
            if (examples.size() == options.examples()) {
                break;
            }
            Optional<ProsQaOntology> graph = ProsQaOntology.of(example.extras());
            if (graph.isPresent()) {
                examples.add(example);
                graphs.add(graph.get());
            }
        }
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("The frontier probe reads ProsQA graphs (extras edges, idx_to_symbol, root, target);"
                    + " the examples of this run have none.");
        }
        Vocabulary vocabulary = context.vocabulary();
        boolean readValues = vocabulary.contains(EVERY);
        FrontierValues values = new FrontierValues(options.thoughts());
        OutputCounts outputs = new OutputCounts(options.thoughts());
        for (int e = 0; e < examples.size(); e++) {
            probe(context, prefix, options, examples.get(e), graphs.get(e), readValues, values, outputs);
        }

        Map<String, Double> scalars = new LinkedHashMap<>();
        scalars.put("examples", (double) examples.size());
        if (readValues) {
            values.scalars(scalars);
        }
        outputs.scalars(scalars);
        return new ProbeReport(NAME, scalars, readValues ? List.of(values.byHeight(), values.cumulativeTop(), outputs.table())
                : List.of(outputs.table()));
    }

    @Override
    public List<Figure> figures(ProbeReport report) {
        return FrontierFigures.of(report);
    }

    /** For every k: the prompt and k thoughts, the frontier's values, then the cache cut back and greedy decoding. */
    private static void probe(ProbeContext context, LatentPrefix prefix, FrontierOptions options, Example example,
                              ProsQaOntology graph, boolean readValues, FrontierValues values, OutputCounts outputs) {
        Backbone model = context.model();
        Vocabulary vocabulary = context.vocabulary();
        int[] depths = graph.depths();
        int[] heights = graph.heights();
        boolean[] onPath = graph.leadsToTarget();
        List<String> answer = Vocabulary.words(example.answer());
        for (int k : options.thoughts()) {
            try (NDManager manager = context.manager().newSubManager(); KvCache cache = model.newCache()) {
                NDArray last = prefix.prefix(model, context.stage(), example, vocabulary, k, cache, manager);
                int thought = cache.length();
                List<Integer> frontier = ProsQaOntology.frontier(depths, k);
                if (readValues && !frontier.isEmpty()) {
                    double[] next = probabilities(model.lmHead(step(model, vocabulary.id(EVERY), cache, manager)));
                    List<FrontierValues.NodeValue> nodes = new ArrayList<>();
                    for (int node : frontier) {
                        double value = nameProbability(model, vocabulary, Vocabulary.words(graph.symbol(node)), next, cache, manager);
                        nodes.add(new FrontierValues.NodeValue(node, value, heights[node], onPath[node]));
                    }
                    values.add(k, nodes);
                    cache.truncate(thought);
                }
                List<String> written = GreedyDecoder.decodeFrom(model, last, cache, vocabulary, options.maxNewTokens(), manager);
                outputs.add(k, OutputClassifier.classify(graph, depths, written, answer, k));
            }
        }
    }

    /**
     * P(name | what the cache holds): the first token's probability from {@code next}, each later token's from a pass
     * over the tokens before it; the cache is cut back to where it was.
     */
    static double nameProbability(Backbone model, Vocabulary vocabulary, List<String> name, double[] next,
                                          KvCache cache, NDManager manager) {
        if (name.isEmpty() || !name.stream().allMatch(vocabulary::contains)) {
            return 0.0;
        }
        int branch = cache.length();
        double p = next[vocabulary.id(name.get(0))];
        for (int i = 1; i < name.size() && p > 0; i++) {
            double[] after = probabilities(model.lmHead(step(model, vocabulary.id(name.get(i - 1)), cache, manager)));
            p *= after[vocabulary.id(name.get(i))];
        }
        if (cache.length() > branch) {
            cache.truncate(branch);
        }
        return p;
    }

    /** One token through the model after what the cache holds: the final hidden state {@code [1, 1, dModel]}. */
    private static NDArray step(Backbone model, int token, KvCache cache, NDManager manager) {
        NDArray embedded = model.embed(manager.create(new int[] {token}, new Shape(1, 1)));
        return model.forward(embedded, cache.length(), cache, Taps.HIDDEN).hidden();
    }

    /** The softmax of one position's logits, in double precision. */
    static double[] probabilities(NDArray logits) {
        float[] z = logits.toFloatArray();
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
