package org.latentlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.api.model.Forward;
import org.latentlab.api.model.KvCache;
import org.latentlab.api.model.Taps;

class GptBackboneTest {
    private static final BackboneConfig CONFIG = new BackboneConfig(13, 32, 3, 4, 16);
    private static final int BATCH = 2;
    private static final int TIME = 9;

    private final GptBackboneFactory factory = new GptBackboneFactory(Engine.getInstance());
    private Backbone backbone;
    private NDManager step;

    @BeforeEach
    void create() {
        backbone = factory.create(CONFIG, Device.cpu(), 42);
        step = backbone.manager().newSubManager();
    }

    @AfterEach
    void close() {
        step.close();
        backbone.close();
    }

    @Test
    void cachedOneTokenStepsMatchTheFullSequence() {
        NDArray embeddings = backbone.embed(tokens(step, 1, BATCH, TIME));
        Forward full = backbone.forward(embeddings, 0, null, Taps.LOGITS);

        KvCache cache = backbone.newCache();
        int prefix = 4;
        Forward first = backbone.forward(embeddings.get(":, :{}", prefix), 0, cache, Taps.LOGITS);
        List<NDArray> hidden = new ArrayList<>(List.of(first.hidden()));
        List<NDArray> logits = new ArrayList<>(List.of(first.logits()));
        for (int t = prefix; t < TIME; t++) {
            // each step in a manager of its own that closes before the next: the cache must outlive it
            try (NDManager call = step.newSubManager()) {
                NDArray input = embeddings.get(call, new NDIndex(":, {}:{}", t, t + 1));
                Forward next = backbone.forward(input, t, cache, Taps.LOGITS);
                hidden.add(step.create(next.hidden().toFloatArray(), next.hidden().getShape()));
                logits.add(step.create(next.logits().toFloatArray(), next.logits().getShape()));
            }
            assertEquals(t + 1, cache.length());
        }
        assertClose(full.hidden(), NDArrays.concat(new NDList(hidden), 1), 1e-4);
        assertClose(full.logits(), NDArrays.concat(new NDList(logits), 1), 1e-4);
    }

    @Test
    void truncatingTheCacheBranchesFromAnEarlierPrefix() {
        NDArray a = backbone.embed(tokens(step, 1, BATCH, TIME));
        NDArray b = backbone.embed(tokens(step, 2, BATCH, TIME));
        int prefix = 5;
        NDArray branched = a.get(":, :{}", prefix).concat(b.get(":, {}:", prefix), 1);
        Forward reference = backbone.forward(branched, 0, null, Taps.LOGITS);

        KvCache cache = backbone.newCache();
        backbone.forward(a, 0, cache, Taps.HIDDEN);
        assertEquals(TIME, cache.length());
        cache.truncate(prefix);
        assertEquals(prefix, cache.length());
        Forward rest = backbone.forward(b.get(":, {}:", prefix), prefix, cache, Taps.LOGITS);
        assertClose(reference.logits().get(":, {}:", prefix), rest.logits(), 1e-4);

        assertThrows(IllegalArgumentException.class, () -> cache.truncate(TIME + 1));
        cache.truncate(0);
        assertEquals(0, cache.length());
        Forward again = backbone.forward(a, 0, cache, Taps.HIDDEN);
        assertClose(backbone.forward(a, 0, null, Taps.HIDDEN).hidden(), again.hidden(), 1e-6);
    }

    @Test
    void aCacheWhoseFirstPassManagerClosedSaysSo() {
        KvCache cache = backbone.newCache();
        try (NDManager call = step.newSubManager()) {
            backbone.forward(call.zeros(new Shape(1, 3, CONFIG.dModel())), 0, cache, Taps.HIDDEN);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> backbone.forward(step.zeros(new Shape(1, 1, CONFIG.dModel())), 3, cache, Taps.HIDDEN));
        assertTrue(e.getMessage().contains("newCache(manager)"), e.getMessage());
        cache.truncate(0);
        backbone.forward(step.zeros(new Shape(1, 2, CONFIG.dModel())), 0, cache, Taps.HIDDEN);
        assertEquals(2, cache.length());

        GptKvCache owned = ((GptBackbone) backbone).newCache(step);
        try (NDManager call = step.newSubManager()) {
            backbone.forward(call.zeros(new Shape(1, 3, CONFIG.dModel())), 0, owned, Taps.HIDDEN);
        }
        backbone.forward(step.zeros(new Shape(1, 1, CONFIG.dModel())), 3, owned, Taps.HIDDEN);
        assertEquals(4, owned.length());
        owned.close();
        assertEquals(0, owned.length());
    }

    @Test
    void skippedLayersKeepTheCacheWhole() {
        Taps skipMiddle = new Taps(true, false, Set.of(1), Map.of());
        NDArray embeddings = backbone.embed(tokens(step, 3, BATCH, TIME));
        Forward full = backbone.forward(embeddings, 0, null, skipMiddle);
        KvCache cache = backbone.newCache();
        Forward head = backbone.forward(embeddings.get(":, :6"), 0, cache, skipMiddle);
        Forward tail = backbone.forward(embeddings.get(":, 6:"), 6, cache, skipMiddle);
        assertClose(full.logits(), head.logits().concat(tail.logits(), 1), 1e-4);
    }

    @Test
    void gradientsReachTheInputsAndEveryParameter() {
        NDArray inputs = step.randomNormal(new Shape(BATCH, TIME, CONFIG.dModel()));
        inputs.setRequiresGradient(true);
        NDArray weights = step.randomNormal(new Shape(BATCH, TIME, CONFIG.vocabularySize()));
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            Forward out = backbone.forward(inputs, 0, null, Taps.LOGITS);
            collector.backward(out.logits().mul(weights).sum());
        }
        assertTrue(inputs.getGradient().abs().sum().getFloat() > 0, "no gradient reached the input embeddings");
        for (Map.Entry<String, NDArray> parameter : backbone.parameters().entrySet()) {
            try (NDArray gradient = parameter.getValue().getGradient()) {
                assertTrue(gradient.abs().sum().getFloat() > 0, "no gradient reached " + parameter.getKey());
            }
        }
    }

    @Test
    void gradientsFlowThroughTheCacheAcrossPasses() {
        // Coconut's pattern: a first pass, then its last hidden state fed back as the next input, with the cache
        NDArray x = step.randomNormal(new Shape(BATCH, 5, CONFIG.dModel()));
        NDArray weights = step.randomNormal(new Shape(BATCH, 1, CONFIG.dModel()));

        NDArray cachedInputs = x.duplicate();
        cachedInputs.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            KvCache cache = backbone.newCache();
            NDArray thought = backbone.forward(cachedInputs, 0, cache, Taps.HIDDEN).hidden().get(":, -1:");
            NDArray second;
            // the second pass runs in a manager of its own, closed before backward (duplicate() would detach)
            try (NDManager pass = step.newSubManager()) {
                NDArray fedBack = thought.get(pass, new NDIndex(":, :, :"));
                second = backbone.forward(fedBack, 5, cache, Taps.HIDDEN).hidden();
                second.attach(step);
            }
            collector.backward(second.mul(weights).sum());
        }

        NDArray fullInputs = x.duplicate();
        fullInputs.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray thought = backbone.forward(fullInputs, 0, null, Taps.HIDDEN).hidden().get(":, -1:");
            NDArray second = backbone.forward(fullInputs.concat(thought, 1), 0, null, Taps.HIDDEN).hidden().get(":, -1:");
            collector.backward(second.mul(weights).sum());
        }
        assertTrue(cachedInputs.getGradient().abs().sum().getFloat() > 0);
        assertClose(fullInputs.getGradient(), cachedInputs.getGradient(), 1e-5);
    }

    @Test
    void aMethodsParameterIsListedCountedSavedLoadedAndTrainable(@TempDir Path directory) throws IOException {
        long before = backbone.parameterCount();
        NDArray gate = backbone.addParameter("method.gate", new Shape(2, 3), new float[] {1, 2, 3, 4, 5, 6});
        assertSame(gate, backbone.addParameter("method.gate", new Shape(2, 3), new float[6]), "asked again, the same array");
        assertEquals("method.gate", List.copyOf(backbone.parameters().keySet()).get(backbone.parameters().size() - 1),
                "after the backbone's own");
        assertEquals(before + 6, backbone.parameterCount());
        assertTrue(gate.hasGradient(), "the optimizer trains it");
        IllegalArgumentException reshaped = assertThrows(IllegalArgumentException.class,
                () -> backbone.addParameter("method.gate", new Shape(3, 2), new float[6]));
        assertEquals("The parameter 'method.gate' already exists with shape (2, 3), not (3, 2); give the new parameter a name of "
                + "its own.", reshaped.getMessage());
        assertThrows(IllegalArgumentException.class, () -> backbone.addParameter("method.other", new Shape(2), new float[3]));

        Path file = directory.resolve("with-gate.params");
        backbone.save(file);
        try (Backbone other = factory.create(CONFIG, Device.cpu(), 7)) {
            NDArray copy = other.addParameter("method.gate", new Shape(2, 3), new float[6]);
            other.load(file);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, copy.toFloatArray(), "a copy made from a checkpoint has it too");
        }
    }

    @Test
    void saveThenLoadGivesTheSameOutputs(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("checkpoints/model.params");
        backbone.save(file);
        assertTrue(Files.isRegularFile(file));
        try (Backbone other = factory.create(CONFIG, Device.cpu(), 7); NDManager otherStep = other.manager().newSubManager()) {
            NDArray ids = tokens(otherStep, 4, BATCH, TIME);
            try (NDManager mine = step.newSubManager()) {
                NDArray before = other.forward(other.embed(ids), 0, null, Taps.LOGITS).logits();
                NDArray expected = backbone.forward(backbone.embed(ids), 0, null, Taps.LOGITS).logits();
                assertTrue(maxDifference(before, expected) > 1e-3, "different seeds should give different models");
                other.load(file);
                NDArray after = other.forward(other.embed(ids), 0, null, Taps.LOGITS).logits();
                assertEquals(0.0, maxDifference(after, expected));
            }
        }
        try (var listing = Files.list(file.getParent())) {
            assertEquals(List.of("model.params"), listing.map(f -> f.getFileName().toString()).toList(),
                    "no temporary file may be left beside the checkpoint");
        }
    }

    @Test
    void loadingAnotherShapeFailsWithAClearMessage(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("model.params");
        backbone.save(file);
        BackboneConfig wider = new BackboneConfig(13, 64, 3, 4, 16);
        try (Backbone other = factory.create(wider, Device.cpu(), 1)) {
            IOException e = assertThrows(IOException.class, () -> other.load(file));
            assertTrue(e.getMessage().contains("'wte'") && e.getMessage().contains("(13, 32)") && e.getMessage().contains("(13, 64)"),
                    e.getMessage());
        }
        BackboneConfig deeper = new BackboneConfig(13, 32, 4, 4, 16);
        try (Backbone other = factory.create(deeper, Device.cpu(), 1)) {
            IOException e = assertThrows(IOException.class, () -> other.load(file));
            assertTrue(e.getMessage().contains("parameters"), e.getMessage());
        }
        Path notParameters = Files.writeString(directory.resolve("notes.txt"), "hello");
        IOException e = assertThrows(IOException.class, () -> backbone.load(notParameters));
        assertTrue(e.getMessage().contains("not a gpt backbone parameter file"), e.getMessage());
        Path truncated = directory.resolve("truncated.params");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        e = assertThrows(IOException.class, () -> backbone.load(truncated));
        assertTrue(e.getMessage().contains("ends early"), e.getMessage());
    }

    @Test
    void residualStreamAddsUp() {
        NDArray embeddings = backbone.embed(tokens(step, 5, BATCH, TIME));
        Forward out = backbone.forward(embeddings, 0, null, Taps.ALL);
        Map<String, NDArray> stream = out.residualStream();
        assertEquals(4 * CONFIG.layers(), stream.size());
        for (int layer = 0; layer < CONFIG.layers(); layer++) {
            NDArray pre = stream.get(Taps.hook(layer, "resid_pre"));
            NDArray post = stream.get(Taps.hook(layer, "resid_post"));
            NDArray sum = pre.add(stream.get(Taps.hook(layer, "attn_out"))).add(stream.get(Taps.hook(layer, "mlp_out")));
            assertClose(post, sum, 1e-5);
            if (layer + 1 < CONFIG.layers()) {
                assertClose(post, stream.get(Taps.hook(layer + 1, "resid_pre")), 0);
            }
        }
        assertNull(backbone.forward(embeddings, 0, null, Taps.HIDDEN).logits());
        assertTrue(backbone.forward(embeddings, 0, null, Taps.LOGITS).residualStream().isEmpty());
    }

    @Test
    void skippingALayerMakesItTheIdentity() {
        NDArray embeddings = backbone.embed(tokens(step, 6, BATCH, TIME));
        Forward normal = backbone.forward(embeddings, 0, null, Taps.ALL);
        Forward skipped = backbone.forward(embeddings, 0, null, new Taps(true, true, Set.of(0), Map.of()));
        Map<String, NDArray> stream = skipped.residualStream();
        assertClose(normal.residualStream().get(Taps.hook(0, "resid_pre")), stream.get(Taps.hook(1, "resid_pre")), 0);
        assertClose(stream.get(Taps.hook(0, "resid_pre")), stream.get(Taps.hook(0, "resid_post")), 0);
        assertTrue(maxDifference(normal.logits(), skipped.logits()) > 1e-4, "skipping a layer should change the output");
    }

    @Test
    void replacingALayerChangesWhatTheNextLayerSees() {
        NDArray embeddings = backbone.embed(tokens(step, 7, BATCH, TIME));
        Forward normal = backbone.forward(embeddings, 0, null, Taps.LOGITS);
        Forward same = backbone.forward(embeddings, 0, null, new Taps(true, false, Set.of(), Map.of(1, x -> x)));
        assertClose(normal.logits(), same.logits(), 0);
        int last = CONFIG.layers() - 1;
        Forward zeroed = backbone.forward(embeddings, 0, null, new Taps(true, true, Set.of(), Map.of(last, NDArray::zerosLike)));
        assertEquals(0f, zeroed.residualStream().get(Taps.hook(last, "resid_post")).abs().max().getFloat());
        // LayerNorm of a zero vector is its beta, zero at initialisation
        assertEquals(0f, zeroed.hidden().abs().max().getFloat());
    }

    @Test
    void theFinalNormOfTheLastLayersResidualIsTheHiddenState() {
        Forward forward = backbone.forward(backbone.embed(tokens(step, 3, BATCH, TIME)), 0, null, Taps.ALL);
        NDArray last = forward.residualStream().get(Taps.hook(CONFIG.layers() - 1, "resid_post"));
        assertClose(forward.hidden(), backbone.finalNorm(last), 1e-5);
        assertClose(forward.logits(), backbone.lmHead(backbone.finalNorm(last)), 1e-4);
        assertThrows(IllegalArgumentException.class, () -> backbone.finalNorm(step.zeros(new Shape(2, 5))));
    }

    @Test
    void copyingAnEmbeddingMakesTwoTokensReadAlikeAndLeavesTheOthers() {
        NDArray before = backbone.embed(step.create(new int[] {0, 1, 2}, new Shape(1, 3)));
        float[] other = before.get("0, 0").toFloatArray();
        backbone.copyEmbedding(2, 1);
        NDArray after = backbone.embed(step.create(new int[] {0, 1, 2}, new Shape(1, 3)));
        assertClose(after.get("0, 2"), after.get("0, 1"), 0);
        assertClose(before.get("0, 2"), after.get("0, 2"), 0);
        assertClose(step.create(other), after.get("0, 0"), 0);
        assertNotEquals(0.0, maxDifference(before.get("0, 1"), after.get("0, 1")));
        // the parameter itself changed, not a copy: the tied head scores the two tokens alike
        NDArray logits = backbone.lmHead(step.randomNormal(new Shape(1, CONFIG.dModel())));
        assertEquals(logits.getFloat(0, 1), logits.getFloat(0, 2), 0f);
        assertThrows(IllegalArgumentException.class, () -> backbone.copyEmbedding(0, CONFIG.vocabularySize()));
    }

    @Test
    void theSameSeedGivesTheSameParameters() {
        try (Backbone twin = factory.create(CONFIG, Device.cpu(), 42); Backbone other = factory.create(CONFIG, Device.cpu(), 43)) {
            assertEquals(List.copyOf(backbone.parameters().keySet()), List.copyOf(twin.parameters().keySet()));
            for (String name : backbone.parameters().keySet()) {
                assertClose(backbone.parameters().get(name), twin.parameters().get(name), 0);
            }
            assertTrue(maxDifference(backbone.parameters().get("wte"), other.parameters().get("wte")) > 0);
        }
        List<String> names = List.copyOf(backbone.parameters().keySet());
        assertEquals(List.of("wte", "wpe", "blocks.0.ln1.gamma", "blocks.0.ln1.beta", "blocks.0.attn.qkv.weight"), names.subList(0, 5));
        assertEquals("lnf.beta", names.get(names.size() - 1));
        int d = CONFIG.dModel();
        long perBlock = 4L * d + (3L * d * d + 3L * d) + (d * d + d) + (4L * d * d + 4L * d) + (4L * d * d + d);
        assertEquals((long) CONFIG.vocabularySize() * d + (long) CONFIG.maxPositions() * d + CONFIG.layers() * perBlock + 2L * d,
                backbone.parameterCount());
    }

    @Test
    void initialisationFollowsGpt2() {
        Map<String, NDArray> p = backbone.parameters();
        assertEquals(1f, p.get("blocks.0.ln1.gamma").min().getFloat());
        assertEquals(0f, p.get("blocks.0.attn.qkv.bias").abs().max().getFloat());
        double std = standardDeviation(p.get("blocks.0.mlp.fc.weight"));
        double residualStd = standardDeviation(p.get("blocks.0.mlp.proj.weight"));
        assertEquals(0.02, std, 0.002);
        assertEquals(0.02 / Math.sqrt(2 * CONFIG.layers()), residualStd, 0.001);
    }

    @Test
    void laterTokensDoNotChangeEarlierHiddenStates() {
        NDArray ids = tokens(step, 8, BATCH, TIME);
        NDArray changed = ids.duplicate();
        changed.set(new NDIndex(":, 6"), (CONFIG.vocabularySize() - 1));
        changed.set(new NDIndex(":, 7"), 0);
        NDArray h1 = backbone.forward(backbone.embed(ids), 0, null, Taps.HIDDEN).hidden();
        NDArray h2 = backbone.forward(backbone.embed(changed), 0, null, Taps.HIDDEN).hidden();
        assertClose(h1.get(":, :6"), h2.get(":, :6"), 1e-6);
        assertTrue(maxDifference(h1.get(":, 6:"), h2.get(":, 6:")) > 1e-4, "the changed positions should change");
    }

    @Test
    void positionsBeyondTheEmbeddingsAreRefused() {
        NDArray embeddings = step.zeros(new Shape(1, 4, CONFIG.dModel()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backbone.forward(embeddings, 13, null, Taps.HIDDEN));
        assertTrue(e.getMessage().contains("maxPositions"), e.getMessage());
        assertNotNull(backbone.forward(embeddings, 12, null, Taps.HIDDEN).hidden());

        KvCache cache = backbone.newCache();
        backbone.forward(embeddings, 0, cache, Taps.HIDDEN);
        e = assertThrows(IllegalArgumentException.class, () -> backbone.forward(embeddings, 3, cache, Taps.HIDDEN));
        assertTrue(e.getMessage().contains("must start at position 4"), e.getMessage());
        assertEquals(4, cache.length());
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> backbone.forward(step.zeros(new Shape(1, 2, 5)), 0, null, Taps.HIDDEN));
        assertTrue(wide.getMessage().contains("[batch"), wide.getMessage());
        IllegalArgumentException badToken = assertThrows(IllegalArgumentException.class,
                () -> backbone.embed(step.create(new int[] {0, CONFIG.vocabularySize()}, new Shape(1, 2))));
        assertTrue(badToken.getMessage().contains("vocabulary"), badToken.getMessage());
    }

    @Test
    void passesLeaveNothingInTheParameterManager() {
        int before = backbone.manager().getManagedArrays().size();
        try (NDManager pass = backbone.manager().newSubManager()) {
            NDArray embeddings = backbone.embed(tokens(pass, 9, BATCH, TIME));
            KvCache cache = backbone.newCache();
            backbone.forward(embeddings.get(":, :4"), 0, cache, Taps.ALL);
            try (NDManager call = pass.newSubManager()) {
                backbone.forward(embeddings.get(call, new NDIndex(":, 4:")), 4, cache, Taps.ALL);
            }
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out = backbone.forward(embeddings, 0, null, Taps.LOGITS).logits();
                collector.backward(out.sum());
            }
        }
        assertEquals(before, backbone.manager().getManagedArrays().size());
        assertNotEquals(0, before);
    }

    private static NDArray tokens(NDManager manager, long seed, int batch, int time) {
        Random random = new Random(seed);
        int[] ids = new int[batch * time];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(CONFIG.vocabularySize());
        }
        return manager.create(ids, new Shape(batch, time));
    }

    private static double maxDifference(NDArray a, NDArray b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        assertEquals(x.length, y.length, "shapes differ: " + a.getShape() + " and " + b.getShape());
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs((double) x[i] - y[i]));
        }
        return max;
    }

    private static void assertClose(NDArray expected, NDArray actual, double tolerance) {
        assertEquals(expected.getShape(), actual.getShape());
        double difference = maxDifference(expected, actual);
        assertTrue(difference <= tolerance, "max abs difference " + difference + " exceeds " + tolerance);
    }

    private static double standardDeviation(NDArray a) {
        float[] values = a.toFloatArray();
        double sum = 0;
        double squares = 0;
        for (float v : values) {
            sum += v;
            squares += (double) v * v;
        }
        double mean = sum / values.length;
        return Math.sqrt(squares / values.length - mean * mean);
    }
}
