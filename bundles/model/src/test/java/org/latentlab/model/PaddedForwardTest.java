package org.latentlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.api.model.Forward;
import org.latentlab.api.model.KvCache;
import org.latentlab.api.model.Taps;

/** The per-row-position forward: left-padded batches, with and without the cache, match each row run alone. */
class PaddedForwardTest {
    private static final BackboneConfig CONFIG = new BackboneConfig(13, 32, 3, 4, 16);
    private static final int[] LENGTHS = {9, 6};    // row 1 is left-padded by 3 columns
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
    void aLeftPaddedBatchMatchesEachRowAlone() {
        int[][] rows = rows(1);
        NDArray embeddings = backbone.embed(leftPadded(rows, 0));
        // the mask as ints here; the other tests give it as floats and booleans
        Forward padded = backbone.forward(embeddings, positions(rows), keyMask(rows).toType(DataType.INT32, false), null, Taps.LOGITS);
        assertMatchesEachRowAlone(rows, padded.hidden(), padded.logits());
    }

    @Test
    void cachedOneColumnPassesMatchTheFullPaddedPassAndEachRowAlone() {
        int[][] rows = rows(2);
        NDArray embeddings = backbone.embed(leftPadded(rows, 0));
        NDArray positions = positions(rows);
        NDArray mask = keyMask(rows);
        Forward full = backbone.forward(embeddings, positions, mask, null, Taps.LOGITS);
        // prefix 2 leaves row 1 nothing but padding in the first pass
        for (int prefix : new int[] {2, 5}) {
            KvCache cache = backbone.newCache();
            Forward first = backbone.forward(embeddings.get(":, :{}", prefix), positions.get(":, :{}", prefix),
                    mask.get(":, :{}", prefix), cache, Taps.LOGITS);
            List<NDArray> hidden = new ArrayList<>(List.of(first.hidden()));
            List<NDArray> logits = new ArrayList<>(List.of(first.logits()));
            for (int t = prefix; t < TIME; t++) {
                try (NDManager call = step.newSubManager()) {
                    NDArray input = embeddings.get(call, new NDIndex(":, {}:{}", t, t + 1));
                    // every row's position advances by one; after prefix 2, row 1's first column is still padding
                    long[] nextPositions = new long[2];
                    int[] nextMask = new int[2];
                    for (int row = 0; row < 2; row++) {
                        int pad = TIME - LENGTHS[row];
                        nextPositions[row] = Math.max(0, t - pad);
                        nextMask[row] = t < pad ? 0 : 1;
                    }
                    Forward next = backbone.forward(input, call.create(nextPositions, new Shape(2, 1)),
                            call.create(nextMask, new Shape(2, 1)), cache, Taps.LOGITS);
                    hidden.add(step.create(next.hidden().toFloatArray(), next.hidden().getShape()));
                    logits.add(step.create(next.logits().toFloatArray(), next.logits().getShape()));
                }
                assertEquals(t + 1, cache.length());
            }
            NDArray cachedHidden = NDArrays.concat(new NDList(hidden), 1);
            NDArray cachedLogits = NDArrays.concat(new NDList(logits), 1);
            assertClose(real(rows, full.hidden()), real(rows, cachedHidden), 1e-4);
            assertClose(real(rows, full.logits()), real(rows, cachedLogits), 1e-4);
            assertMatchesEachRowAlone(rows, cachedHidden, cachedLogits);

            IllegalStateException mixed = assertThrows(IllegalStateException.class,
                    () -> backbone.forward(step.zeros(new Shape(2, 1, CONFIG.dModel())), TIME, cache, Taps.HIDDEN));
            assertTrue(mixed.getMessage().contains("keyMask"), mixed.getMessage());
            cache.truncate(0);
        }
    }

    @Test
    void withoutPaddingItIsTheStartPositionForwardAndSharesItsCache() {
        NDArray embeddings = backbone.embed(leftPadded(new int[][] {tokens(3, TIME), tokens(4, TIME)}, 0));
        Forward reference = backbone.forward(embeddings, 0, null, Taps.LOGITS);
        NDArray positions = step.arange(0, TIME, 1, DataType.INT64).reshape(1, TIME).repeat(0, 2);
        assertClose(reference.logits(), backbone.forward(embeddings, positions, null, null, Taps.LOGITS).logits(), 1e-6);
        assertClose(reference.logits(), backbone.forward(embeddings, positions.toType(DataType.INT32, false),
                step.ones(new Shape(2, TIME), DataType.BOOLEAN), null, Taps.LOGITS).logits(), 1e-6);

        // a cache begun by either forward may be continued by the other while it holds no padding
        KvCache cache = backbone.newCache();
        Forward head = backbone.forward(embeddings.get(":, :4"), 0, cache, Taps.LOGITS);
        Forward middle = backbone.forward(embeddings.get(":, 4:7"), positions.get(":, 4:7"), step.ones(new Shape(2, 3)), cache, Taps.LOGITS);
        Forward tail = backbone.forward(embeddings.get(":, 7:"), 7, cache, Taps.LOGITS);
        assertClose(reference.logits(), NDArrays.concat(new NDList(head.logits(), middle.logits(), tail.logits()), 1), 1e-4);
    }

    @Test
    void paddingValuesChangeNothingAtRealPositions() {
        int[][] rows = rows(5);
        NDArray tokenEmbeddings = backbone.embed(leftPadded(rows, 0));
        NDArray padding = keyMask(rows).eq(0).expandDims(2).broadcast(tokenEmbeddings.getShape());
        NDArray noise = step.randomNormal(0, 10, tokenEmbeddings.getShape(), DataType.FLOAT32);
        NDArray nan = step.full(tokenEmbeddings.getShape(), Float.NaN);
        Forward base = null;
        for (NDArray paddingValues : new NDArray[] {tokenEmbeddings.zerosLike(), noise, nan}) {
            NDArray embeddings = NDArrays.where(padding, paddingValues, tokenEmbeddings);
            KvCache cache = backbone.newCache();
            Forward head = backbone.forward(embeddings.get(":, :4"), positions(rows).get(":, :4"), keyMask(rows).get(":, :4"), cache, Taps.ALL);
            Forward tail = backbone.forward(embeddings.get(":, 4:"), positions(rows).get(":, 4:"), keyMask(rows).get(":, 4:"), cache, Taps.ALL);
            Forward out = new Forward(head.hidden().concat(tail.hidden(), 1), head.logits().concat(tail.logits(), 1), null);
            assertFalse(out.hidden().isNaN().any().getBoolean(), "a NaN in the hidden states");
            assertFalse(out.logits().isNaN().any().getBoolean(), "a NaN in the logits");
            for (String hook : head.residualStream().keySet()) {
                assertFalse(head.residualStream().get(hook).isNaN().any().getBoolean(), "a NaN in " + hook);
                assertFalse(tail.residualStream().get(hook).isNaN().any().getBoolean(), "a NaN in " + hook);
            }
            if (base == null) {
                base = out;
                assertMatchesEachRowAlone(rows, out.hidden(), out.logits());
            } else {
                assertClose(real(rows, base.hidden()), real(rows, out.hidden()), 0);
                assertClose(real(rows, base.logits()), real(rows, out.logits()), 0);
            }
        }
    }

    @Test
    void gradientsReachRealInputsOnlyAndEveryParameter() {
        int[][] rows = rows(6);
        NDArray inputs = step.randomNormal(new Shape(2, TIME, CONFIG.dModel()));
        inputs.setRequiresGradient(true);
        NDArray weights = step.randomNormal(new Shape(2, TIME, CONFIG.vocabularySize()));
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            // the loss reads every column, padded ones included: the padding must still get nothing
            Forward out = backbone.forward(inputs, positions(rows), keyMask(rows), null, Taps.LOGITS);
            collector.backward(out.logits().mul(weights).sum());
        }
        float[] perColumn = inputs.getGradient().abs().sum(new int[] {2}).toFloatArray();
        for (int row = 0; row < 2; row++) {
            int pad = TIME - LENGTHS[row];
            for (int column = 0; column < TIME; column++) {
                float gradient = perColumn[row * TIME + column];
                if (column < pad) {
                    assertEquals(0f, gradient, "row " + row + " column " + column + " is padding");
                } else {
                    assertTrue(gradient > 0, "no gradient reached row " + row + " column " + column);
                }
            }
        }
        for (var parameter : backbone.parameters().entrySet()) {
            try (NDArray gradient = parameter.getValue().getGradient()) {
                assertFalse(gradient.isNaN().any().getBoolean(), "a NaN gradient in " + parameter.getKey());
                assertTrue(gradient.abs().sum().getFloat() > 0, "no gradient reached " + parameter.getKey());
            }
        }
    }

    @Test
    void badArgumentsGiveOneClearSentence() {
        int[][] rows = rows(7);
        NDArray embeddings = backbone.embed(leftPadded(rows, 0));
        NDArray positions = positions(rows);
        NDArray mask = keyMask(rows);
        assertSentence(() -> backbone.forward(embeddings, positions.get(":, 1:"), mask, null, Taps.HIDDEN), "Positions must be");
        assertSentence(() -> backbone.forward(embeddings, null, mask, null, Taps.HIDDEN), "Positions must be");
        assertSentence(() -> backbone.forward(embeddings, positions.toType(DataType.FLOAT32, false), mask, null, Taps.HIDDEN),
                "integer");
        assertSentence(() -> backbone.forward(embeddings, positions, mask.get(0), null, Taps.HIDDEN), "key mask must be");
        assertSentence(() -> backbone.forward(embeddings, positions, mask.mul(2), null, Taps.HIDDEN), "1 for a real input");
        assertSentence(() -> backbone.forward(step.zeros(new Shape(2, TIME, 5)), positions, mask, null, Taps.HIDDEN), "[batch");
        assertSentence(() -> backbone.forward(embeddings, positions.add(CONFIG.maxPositions() - 8), mask, null, Taps.HIDDEN),
                "maxPositions");
        // positions at padding are ignored, so they need not be valid
        NDArray paddingPositionsOutOfRange = positions.add(mask.eq(0).toType(DataType.INT64, false).mul(-100));
        assertClose(backbone.forward(embeddings, positions, mask, null, Taps.HIDDEN).hidden(),
                backbone.forward(embeddings, paddingPositionsOutOfRange, mask, null, Taps.HIDDEN).hidden(), 0);

        KvCache cache = backbone.newCache();
        backbone.forward(embeddings, positions, mask, cache, Taps.HIDDEN);
        assertSentence(() -> backbone.forward(embeddings.get("0:1, -1:"), positions.get("0:1, -1:"), mask.get("0:1, -1:"), cache, Taps.HIDDEN),
                "one cache per batch");
        assertEquals(TIME, cache.length());
    }

    @Test
    void truncatingAPaddedCacheKeepsTheMaskOfTheKeptColumns() {
        int[][] rows = rows(8);
        NDArray embeddings = backbone.embed(leftPadded(rows, 0));
        NDArray positions = positions(rows);
        NDArray mask = keyMask(rows);
        Forward full = backbone.forward(embeddings, positions, mask, null, Taps.LOGITS);
        KvCache cache = backbone.newCache();
        backbone.forward(embeddings.get(":, :7"), positions.get(":, :7"), mask.get(":, :7"), cache, Taps.HIDDEN);
        cache.truncate(5);
        Forward rest = backbone.forward(embeddings.get(":, 5:"), positions.get(":, 5:"), mask.get(":, 5:"), cache, Taps.LOGITS);
        assertClose(full.logits().get(":, 5:"), rest.logits(), 1e-4);
    }

    @Test
    void passesLeaveNothingInTheParameterManager() {
        int[][] rows = rows(9);
        NDArray ids = leftPadded(rows, 0).toType(DataType.INT32, false);
        NDArray allPositions = positions(rows);
        NDArray allMask = keyMask(rows);
        int before = backbone.manager().getManagedArrays().size();
        try (NDManager pass = backbone.manager().newSubManager()) {
            NDArray embeddings = backbone.embed(ids.get(pass, new NDIndex(":")));
            NDArray positions = allPositions.get(pass, new NDIndex(":"));
            NDArray mask = allMask.get(pass, new NDIndex(":"));
            KvCache cache = backbone.newCache();
            backbone.forward(embeddings.get(":, :4"), positions.get(":, :4"), mask.get(":, :4"), cache, Taps.ALL);
            try (NDManager call = pass.newSubManager()) {
                backbone.forward(embeddings.get(call, new NDIndex(":, 4:")), positions.get(call, new NDIndex(":, 4:")),
                        mask.get(call, new NDIndex(":, 4:")), cache, Taps.ALL);
            }
        }
        assertEquals(before, backbone.manager().getManagedArrays().size());
    }

    /** Compares every real position of a padded batch's outputs with the row run alone, unpadded, by the start-position forward. */
    private void assertMatchesEachRowAlone(int[][] rows, NDArray hidden, NDArray logits) {
        for (int row = 0; row < rows.length; row++) {
            int pad = TIME - rows[row].length;
            NDArray ids = step.create(rows[row], new Shape(1, rows[row].length));
            Forward alone = backbone.forward(backbone.embed(ids), 0, null, Taps.LOGITS);
            assertClose(alone.hidden(), hidden.get("{}:{}, {}:", row, row + 1, pad), 1e-4);
            assertClose(alone.logits(), logits.get("{}:{}, {}:", row, row + 1, pad), 1e-4);
        }
    }

    /** Each row's real columns, concatenated along the time axis: {@code [1, real columns, ...]}. */
    private static NDArray real(int[][] rows, NDArray padded) {
        NDList parts = new NDList();
        for (int row = 0; row < rows.length; row++) {
            parts.add(padded.get("{}:{}, {}:", row, row + 1, TIME - rows[row].length));
        }
        return NDArrays.concat(parts, 1);
    }

    private static int[][] rows(long seed) {
        return new int[][] {tokens(seed, LENGTHS[0]), tokens(seed + 100, LENGTHS[1])};
    }

    private static int[] tokens(long seed, int length) {
        Random random = new Random(seed);
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) {
            ids[i] = random.nextInt(CONFIG.vocabularySize());
        }
        return ids;
    }

    /** {@code [rows, TIME]} token ids, each row left-padded with {@code paddingToken}. */
    private NDArray leftPadded(int[][] rows, int paddingToken) {
        return build(rows, (row, column, pad) -> column < pad ? paddingToken : rows[row][column - pad], DataType.INT64);
    }

    /** Each row's real columns numbered 0, 1, 2, ...; padding 0. */
    private NDArray positions(int[][] rows) {
        return build(rows, (row, column, pad) -> column < pad ? 0 : column - pad, DataType.INT64);
    }

    /** 1 at real columns, 0 at padding, as floats. */
    private NDArray keyMask(int[][] rows) {
        return build(rows, (row, column, pad) -> column < pad ? 0 : 1, DataType.FLOAT32);
    }

    /** The value at one column of one row that has {@code pad} padding columns. */
    private interface Cell {
        long value(int row, int column, int pad);
    }

    private NDArray build(int[][] rows, Cell cell, DataType type) {
        long[] values = new long[rows.length * TIME];
        for (int row = 0; row < rows.length; row++) {
            int pad = TIME - rows[row].length;
            for (int column = 0; column < TIME; column++) {
                values[row * TIME + column] = cell.value(row, column, pad);
            }
        }
        return step.create(values, new Shape(rows.length, TIME)).toType(type, false);
    }

    private static void assertSentence(Executable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        String message = e.getMessage();
        assertTrue(message.contains(fragment), message);
        assertTrue(message.endsWith(".") && !message.contains("\n"), "not one sentence: " + message);
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
}
