package org.latentlab.probe.frontier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.latentlab.api.Capability;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.Curriculum;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.ReasoningMethod;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.api.model.KvCache;
import org.latentlab.api.model.Taps;
import org.latentlab.api.probe.ProbeContext;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;
import org.latentlab.method.coconut.Coconut;
import org.latentlab.model.GptBackboneFactory;

/** The whole probe with the real Coconut method on an untrained backbone. */
class FrontierProbeTest {

    private static final double EPS = 1e-9;

    private final Coconut method = new Coconut();
    private final FrontierProbe probe = new FrontierProbe();
    private final CurriculumStage stage = last(method.curriculum(Map.of("maxLatentStage", 3), 5));
    private final List<Example> examples = List.of(Problems.PLAIN, Problems.BRANCHED, Problems.SHALLOW);
    private final Vocabulary vocabulary = vocabulary(examples);

    @Test
    void theReportHoldsValuesByHeightTopValuesAndOutputClassesForEveryK() {
        assertEquals(Set.of(Capability.LATENT_PREFIX), probe.requires());
        assertEquals(Set.of("thoughts", "examples", "maxNewTokens"), probe.options());
        try (Backbone model = backbone(vocabulary); NDManager manager = model.manager().newSubManager()) {
            ProbeReport report = probe.run(new ProbeContext(model, method, stage, examples, vocabulary, manager,
                    Map.of("thoughts", List.of(1, 2, 3), "maxNewTokens", 12)));
            assertEquals("frontier", report.probe());
            assertEquals(2.0, report.scalars().get("examples"), "the example without a graph is skipped");
            Map<String, ProbeTable> tables = report.tables().stream().collect(Collectors.toMap(ProbeTable::title, t -> t));
            assertEquals(Set.of("value by height", "cumulative top value", "outputs"), tables.keySet());

            ProbeTable byHeight = tables.get("value by height");
            assertEquals(List.of("thoughts k", "height", "nodes", "mean value"), byHeight.columns());
            int nodes = 0;
            for (List<Object> row : byHeight.rows()) {
                assertInUnit(row.get(3));
                nodes += (Integer) row.get(2);
            }
            // frontiers: k=1 {terpus, gerpus} + {dark wumpus, rempus}; k=2 {brimpus, fompus, rorpus} + {zumpus}; k=3 {lempus, yerpus}
            assertEquals(4 + 4 + 2, nodes);

            ProbeTable top = tables.get("cumulative top value");
            assertEquals(List.of("thoughts k", "top-1", "top-2", "top-3"), top.columns());
            assertEquals(3, top.rows().size());
            for (int k = 1; k <= 3; k++) {
                double top1 = report.scalars().get("k" + k + ".top1");
                double top2 = report.scalars().get("k" + k + ".top2");
                double top3 = report.scalars().get("k" + k + ".top3");
                assertTrue(0 <= top1 && top1 <= top2 + EPS && top2 <= top3 + EPS && top3 <= 1 + EPS, top1 + " " + top2 + " " + top3);
                assertInUnit(report.scalars().get("k" + k + ".value.onPath"));
            }
            assertInUnit(report.scalars().get("k1.value.offPath"));   // rempus
            assertInUnit(report.scalars().get("k2.value.offPath"));   // rorpus
            assertFalse(report.scalars().containsKey("k3.value.offPath"), "lempus and yerpus both lead to the target");

            ProbeTable outputs = tables.get("outputs");
            assertEquals(List.of("thoughts k", "class", "count", "fraction"), outputs.columns());
            assertEquals(3 * OutputClass.values().length, outputs.rows().size());
            for (int k = 1; k <= 3; k++) {
                int count = 0;
                double fraction = 0;
                double scalars = 0;
                for (List<Object> row : outputs.rows()) {
                    if (row.get(0).equals(k)) {
                        count += (Integer) row.get(2);
                        fraction += (Double) row.get(3);
                    }
                }
                for (OutputClass c : OutputClass.values()) {
                    scalars += report.scalars().get("k" + k + "." + c.key());
                }
                assertEquals(2, count);
                assertEquals(1.0, fraction, EPS);
                assertEquals(1.0, scalars, EPS);
            }
        }
    }

    @Test
    void aTwoWordNameIsValuedByTheProductOfItsTeacherForcedProbabilities() {
        Example example = Problems.SHALLOW;
        try (Backbone model = backbone(vocabulary); NDManager manager = model.manager().newSubManager()) {
            KvCache cache = model.newCache();
            try {
                method.prefix(model, stage, example, vocabulary, 1, cache, manager);
                int thought = cache.length();
                // the slow way: "Every dark wumpus" in one pass, the probabilities read at each position
                int[] ids = {vocabulary.id("Every"), vocabulary.id("dark"), vocabulary.id("wumpus")};
                NDArray logits = model.forward(model.embed(manager.create(ids, new Shape(1, 3))), thought, cache, Taps.LOGITS).logits();
                double expected = FrontierProbe.probabilities(logits.get("0, 0, :"))[ids[1]]
                        * FrontierProbe.probabilities(logits.get("0, 1, :"))[ids[2]];
                cache.truncate(thought);
                // the probe's way: "Every", then the name one token at a time, branching from the same cache
                NDArray every = model.forward(model.embed(manager.create(new int[] {ids[0]}, new Shape(1, 1))), thought, cache,
                        Taps.HIDDEN).hidden();
                double[] next = FrontierProbe.probabilities(model.lmHead(every));
                int branch = cache.length();
                double value = FrontierProbe.nameProbability(model, vocabulary, List.of("dark", "wumpus"), next, cache, manager);
                assertEquals(expected, value, 1e-6);
                assertTrue(value > 0 && value < next[ids[1]]);
                assertEquals(branch, cache.length(), "the cache is cut back after the name");
                assertEquals(next[vocabulary.id("zumpus")],
                        FrontierProbe.nameProbability(model, vocabulary, List.of("zumpus"), next, cache, manager), 0.0);
                assertEquals(0.0, FrontierProbe.nameProbability(model, vocabulary, List.of("unseen"), next, cache, manager));
            } finally {
                ((AutoCloseable) cache).close();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void withoutTheWordEveryOnlyOutputsAreReported() {
        Example persons = Problems.example("persons", List.of("Tom", "terpus", "Sam", "gerpus"),
                List.of(List.of(0, 1), List.of(2, 3)), 0, 1, 3, List.of("Tom is a terpus."));
        Vocabulary small = vocabulary(List.of(persons));
        assertFalse(small.contains("Every"));
        try (Backbone model = backbone(small); NDManager manager = model.manager().newSubManager()) {
            ProbeReport report = probe.run(new ProbeContext(model, method, stage, List.of(persons), small, manager,
                    Map.of("thoughts", List.of(1), "maxNewTokens", 4)));
            assertEquals(List.of("outputs"), report.tables().stream().map(ProbeTable::title).toList());
            assertFalse(report.scalars().containsKey("k1.top1"));
            assertNotNull(report.scalars().get("k1.correctPath"));
        }
    }

    @Test
    void badOptionsMissingGraphsAndAMethodWithoutLatentPrefixAreOneSentence() {
        try (Backbone model = backbone(vocabulary); NDManager manager = model.manager().newSubManager()) {
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> probe.run(new ProbeContext(model, method,
                    stage, examples, vocabulary, manager, Map.of("thoughts", List.of(0, 2)))));
            assertEquals("The frontier probe's option 'thoughts' must be a non-empty list of distinct whole numbers of at least 1"
                    + " (the numbers of thoughts after which to read the frontier), not [0, 2].", bad.getMessage());
            IllegalArgumentException examplesBad = assertThrows(IllegalArgumentException.class, () -> probe.run(new ProbeContext(model,
                    method, stage, examples, vocabulary, manager, Map.of("examples", 0))));
            assertEquals("The frontier probe's option 'examples' must be a whole number from 1 to 10000, not 0.", examplesBad.getMessage());

            IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> probe.run(new ProbeContext(model, method,
                    stage, List.of(Problems.PLAIN), vocabulary, manager, Map.of())));
            assertEquals("The frontier probe reads ProsQA graphs (extras edges, idx_to_symbol, root, target); the examples of this run"
                    + " have none.", none.getMessage());

            IllegalStateException language = assertThrows(IllegalStateException.class, () -> probe.run(new ProbeContext(model,
                    new LanguageOnly(), stage, examples, vocabulary, manager, Map.of())));
            assertEquals("The frontier probe needs a method that can stop its latent reasoning after k thoughts (LatentPrefix), and"
                    + " LanguageOnly cannot.", language.getMessage());
        }
    }

    @Test
    void theExamplesOptionLimitsTheExamplesWithGraphs() {
        try (Backbone model = backbone(vocabulary); NDManager manager = model.manager().newSubManager()) {
            ProbeReport report = probe.run(new ProbeContext(model, method, stage, examples, vocabulary, manager,
                    Map.of("thoughts", List.of(2), "examples", 1, "maxNewTokens", 2)));
            assertEquals(1.0, report.scalars().get("examples"));
            assertFalse(report.scalars().containsKey("k1.top1"));
            assertTrue(report.scalars().containsKey("k2.top1"));
        }
    }

    private static Vocabulary vocabulary(List<Example> examples) {
        List<String> texts = new ArrayList<>();
        for (Example e : examples) {
            texts.add(e.question());
            texts.addAll(e.steps());
            texts.add(e.answer());
        }
        return Vocabulary.build(new Coconut().specialTokens(), texts);
    }

    private static Backbone backbone(Vocabulary vocabulary) {
        return new GptBackboneFactory(Engine.getInstance()).create(new BackboneConfig(vocabulary.size(), 32, 2, 4, 128), Device.cpu(), 42);
    }

    private static CurriculumStage last(Curriculum curriculum) {
        return curriculum.stages().get(curriculum.stages().size() - 1);
    }

    private static void assertInUnit(Object value) {
        double v = ((Number) value).doubleValue();
        assertTrue(v >= 0 && v <= 1, "value " + v + " outside [0, 1]");
    }

    /** A method that reasons in language only. */
    private static final class LanguageOnly implements ReasoningMethod {
        @Override
        public Set<Capability> provides() {
            return Set.of(Capability.TOKEN_LOGITS);
        }

        @Override
        public Curriculum curriculum(Map<String, Object> options, int epochs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public LatentTrace forward(Backbone model, Batch batch, CurriculumStage stage) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Answer> solve(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding) {
            throw new UnsupportedOperationException();
        }
    }
}
