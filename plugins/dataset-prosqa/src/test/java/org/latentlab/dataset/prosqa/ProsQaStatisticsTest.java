package org.latentlab.dataset.prosqa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.latentlab.api.data.DatasetSpec;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;

/**
 * Generated problems against the published validation split: every problem is checked on its own graph
 * (by breadth-first search here, not by trusting the generator's steps), and the generated distribution is
 * compared with the published one.
 *
 * <p>Tolerances: a mean is accepted within four standard errors of the difference between two independent
 * samples, sqrt(sd²/300 + sd²/1000), with the spread measured on the published split; a share (of problems
 * with a given number of steps) within four standard errors sqrt(p(1-p)(1/300 + 1/1000)). A faithful generator
 * fails such a check about once in 16,000; a generator off by a node or two edges on average fails it.
 */
class ProsQaStatisticsTest {

    /** Measured on the published validation split (prosqa_valid.json, 300 problems): mean and spread. */
    static final int PUBLISHED_SIZE = 300;
    static final double PUBLISHED_NODES_MEAN = 22.82;
    static final double PUBLISHED_NODES_SD = 2.04;
    static final double PUBLISHED_EDGES_MEAN = 36.26;
    static final double PUBLISHED_EDGES_SD = 5.63;

    /** The 55 symbols of the published data, written out here independently of the generator's own list. */
    static final Set<String> PUBLISHED_SYMBOLS = Set.of(("Alex Bob Carol Davis Eva Fae Gabriel Jack Max Oliver Polly Rex Sally Sam "
            + "Stella Tom Wren bompus boompus brimpus chorpus dumpus felpus fompus gerpus gorpus grimpus gwompus hilpus impus "
            + "jelpus jompus kerpus lempus lorpus numpus quimpus rempus rompus rorpus scrompus shumpus sterpus storpus terpus "
            + "timpus tumpus vumpus worpus wumpus yerpus yimpus yumpus zhorpus zumpus").split(" "));
    static final Set<String> FUNCTION_WORDS = Set.of("Every", "is", "a", "Is", "or", ".", "?");

    static final int GENERATED = 1000;
    static List<MeasuredProblem> generated;

    @BeforeAll
    static void generate() {
        List<Example> train = new ProsQaAdapter().load(new DatasetSpec("prosqa", GENERATED, 0, 0, null), 20240611L).train();
        generated = train.stream().map(MeasuredProblem::of).toList();
        assertEquals(GENERATED, generated.size());
    }

    @Test
    void everyProblemIsAWellFormedProsQaProblem() {
        for (MeasuredProblem p : generated) {
            String id = p.example().id();
            int hops = p.hops();
            assertTrue(hops >= 3 && hops <= 6, id + ": shortest path root→target of " + hops + " steps");
            assertTrue(p.reachable(p.target()), id + ": target unreachable");
            assertTrue(!p.reachable(p.negTarget()), id + ": neg_target reachable from the root");
            assertEquals(1, (p.reachable(p.target()) ? 1 : 0) + (p.reachable(p.negTarget()) ? 1 : 0), id);
            assertNotEquals(p.target(), p.negTarget(), id);

            Optional<List<Integer>> path = p.stepPath();
            assertTrue(path.isPresent(), id + ": steps are not a path of the graph: " + p.example().steps());
            assertEquals(p.target(), path.get().get(path.get().size() - 1), id + ": steps do not end at the target");
            assertEquals(hops, p.example().steps().size(), id + ": steps are not a shortest path");

            String person = p.symbols().get(p.root());
            String yes = p.symbols().get(p.target());
            String no = p.symbols().get(p.negTarget());
            assertEquals(person + " is a " + yes + ".", p.example().answer(), id);
            String question = p.example().question();
            assertTrue(question.endsWith(" Is " + person + " a " + yes + " or " + no + "?")
                    || question.endsWith(" Is " + person + " a " + no + " or " + yes + "?"), id + ": " + question);

            // one fact per edge, nothing else; persons are exactly the nodes without parents; no symbol twice
            Set<String> facts = new HashSet<>();
            for (int[] e : p.edges()) {
                String subject = p.symbols().get(e[0]);
                facts.add((SymbolPool.isPerson(subject) ? subject : "Every " + subject) + " is a " + p.symbols().get(e[1]) + ".");
            }
            String body = question.substring(0, question.lastIndexOf(" Is "));
            Set<String> stated = new HashSet<>(List.of(body.split("(?<=\\.) ")));
            assertEquals(facts, stated, id);
            assertEquals(p.edges().size(), body.split("(?<=\\.) ").length, id + ": a fact is stated twice");
            int[] in = p.inDegrees();
            for (int i = 0; i < p.nodes(); i++) {
                assertEquals(in[i] == 0, Character.isUpperCase(p.symbols().get(i).charAt(0)), id + ": node " + i);
            }
            assertEquals(p.nodes(), new HashSet<>(p.symbols()).size(), id + ": a symbol names two nodes");
            assertTrue(PUBLISHED_SYMBOLS.containsAll(p.symbols()), id + ": symbol outside the published pool");
        }
    }

    @Test
    void graphSizesMatchThePublishedMeans() {
        double nodes = mean(generated, MeasuredProblem::nodes);
        double edges = mean(generated, p -> p.edges().size());
        assertTrue(Math.abs(nodes - PUBLISHED_NODES_MEAN) <= meanTolerance(PUBLISHED_NODES_SD),
                "mean nodes " + nodes + " vs published " + PUBLISHED_NODES_MEAN + " ± " + meanTolerance(PUBLISHED_NODES_SD));
        assertTrue(Math.abs(edges - PUBLISHED_EDGES_MEAN) <= meanTolerance(PUBLISHED_EDGES_SD),
                "mean edges " + edges + " vs published " + PUBLISHED_EDGES_MEAN + " ± " + meanTolerance(PUBLISHED_EDGES_SD));
    }

    @Test
    void textsTokeniseIntoThePublishedVocabulary() {
        Set<String> allowed = new HashSet<>(PUBLISHED_SYMBOLS);
        allowed.addAll(FUNCTION_WORDS);
        Set<String> used = new TreeSet<>();
        for (MeasuredProblem p : generated) {
            used.addAll(Vocabulary.words(p.example().question()));
            p.example().steps().forEach(s -> used.addAll(Vocabulary.words(s)));
            used.addAll(Vocabulary.words(p.example().answer()));
        }
        Set<String> outside = new TreeSet<>(used);
        outside.removeAll(allowed);
        assertTrue(outside.isEmpty(), "tokens outside the published vocabulary: " + outside);
        assertEquals(allowed, used, "1000 problems use every symbol and function word");
    }

    @Test
    void comparedWithThePublishedValidationSplit() throws IOException {
        Optional<Path> file = MeasuredProblem.publishedValidation();
        Assumptions.assumeTrue(file.isPresent(), "The published ProsQA validation split (prosqa/prosqa_valid.json under the folder "
                + "named by the system property latentlab.shared.data) is absent; the comparison with it is skipped.");
        List<MeasuredProblem> published = new ProsQaAdapter().read(file.get()).stream().map(MeasuredProblem::of).toList();
        assertEquals(PUBLISHED_SIZE, published.size());

        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%nProsQA, generated (%d, seed 20240611) vs published validation (%d)%n%-34s %16s %16s %8s%n",
                generated.size(), published.size(), "measure", "generated", "published", "limit"));
        List<String> failures = new java.util.ArrayList<>();
        compareMeans("nodes per graph", MeasuredProblem::nodes, published, table, failures);
        compareMeans("edges per graph", p -> p.edges().size(), published, table, failures);
        compareMeans("persons per graph", p -> (double) java.util.Arrays.stream(p.inDegrees()).filter(d -> d == 0).count(), published, table, failures);
        compareMeans("steps (shortest path, by BFS)", p -> p.hops(), published, table, failures);
        compareMeans("question tokens (Vocabulary.words)", MeasuredProblem::questionTokens, published, table, failures);
        compareMeans("question words (white space)", MeasuredProblem::questionWords, published, table, failures);
        compareMeans("neg_target's distance from its person",
                p -> p.distancesFrom(1 - p.root())[p.negTarget()], published, table, failures);
        for (int hops = 3; hops <= 6; hops++) {
            int h = hops;
            double g = mean(generated, p -> p.hops() == h ? 1 : 0);
            double q = mean(published, p -> p.hops() == h ? 1 : 0);
            double limit = 4 * Math.sqrt(q * (1 - q) * (1.0 / published.size() + 1.0 / generated.size()));
            table.append(String.format(Locale.ROOT, "%-34s %16.3f %16.3f %8.3f%n", "share with " + hops + " steps", g, q, limit));
            if (Math.abs(g - q) > limit) {
                failures.add("share with " + hops + " steps " + g + " vs " + q);
            }
        }
        System.out.print(table);

        for (MeasuredProblem p : published) {
            assertEquals(p.hops(), p.example().steps().size(), "published steps follow a shortest path");
        }
        Set<String> publishedTokens = new HashSet<>();
        published.forEach(p -> publishedTokens.addAll(Vocabulary.words(p.example().question())));
        Set<String> generatedTokens = new HashSet<>();
        generated.forEach(p -> generatedTokens.addAll(Vocabulary.words(p.example().question())));
        assertEquals(publishedTokens, generatedTokens, "generated and published questions use the same tokens");
        if (!failures.isEmpty()) {
            fail("Generated ProsQA statistics differ from the published ones: " + failures + table);
        }
    }

    private static void compareMeans(String name, ToDoubleFunction<MeasuredProblem> measure, List<MeasuredProblem> published,
                                     StringBuilder table, List<String> failures) {
        double g = mean(generated, measure);
        double q = mean(published, measure);
        double gsd = sd(generated, measure);
        double qsd = sd(published, measure);
        double limit = 4 * Math.sqrt(qsd * qsd / published.size() + qsd * qsd / generated.size());
        table.append(String.format(Locale.ROOT, "%-34s %7.2f ± %6.2f %7.2f ± %6.2f %8.2f%n", name, g, gsd, q, qsd, limit));
        if (Math.abs(g - q) > limit) {
            failures.add(name + " " + g + " vs " + q);
        }
    }

    /** Four standard errors of a difference of means, generated (1000) vs published (300), with the published spread. */
    static double meanTolerance(double publishedSd) {
        return 4 * Math.sqrt(publishedSd * publishedSd / PUBLISHED_SIZE + publishedSd * publishedSd / GENERATED);
    }

    static double mean(List<MeasuredProblem> problems, ToDoubleFunction<MeasuredProblem> measure) {
        return problems.stream().mapToDouble(measure).average().orElseThrow();
    }

    static double sd(List<MeasuredProblem> problems, ToDoubleFunction<MeasuredProblem> measure) {
        double m = mean(problems, measure);
        return Math.sqrt(problems.stream().mapToDouble(measure).map(x -> (x - m) * (x - m)).average().orElseThrow());
    }
}
