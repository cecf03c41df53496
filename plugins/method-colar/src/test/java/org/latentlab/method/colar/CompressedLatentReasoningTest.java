package org.latentlab.method.colar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;
import org.latentlab.api.Capability;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.Policy;
import org.latentlab.api.model.Backbone;

/** Compression, the latent head's loss, the training layout, inference and learning. */
class CompressedLatentReasoningTest {

    /** 3 1 2: steps 3 2 0, three reasoning tokens. */
    static final Example E312 = Mnns.example("312", 3, 1, 2);
    /** 2 4 1 3: steps 2 −2 −3 0, four reasoning tokens. */
    static final Example E2413 = Mnns.example("2413", 2, 4, 1, 3);

    private final CompressedLatentReasoning method = new CompressedLatentReasoning();
    private final Vocabulary vocabulary = Mnns.vocabulary(10);
    private final Engine engine = Engine.getEngine("PyTorch");

    /** A user relies on a latent standing for r tokens at one token's scale: c = Σ e(t) / √r, a short last group over √k. */
    @Test
    void compressionIsTheSumOfTheGroupOverTheRootOfItsSize() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            float[] e = new float[5 * 3];
            for (int i = 0; i < e.length; i++) {
                e[i] = (float) Math.sin(i + 1.0);
            }
            NDArray embeddings = m.create(e, new Shape(1, 5, 3));
            for (int r : new int[] {1, 2, 3, 5}) {
                NDArray c = Compression.compress(embeddings, new int[] {5}, r, m);
                int groups = (5 + r - 1) / r;
                assertEquals(new Shape(1, groups, 3), c.getShape());
                float[] got = c.toFloatArray();
                for (int j = 0; j < groups; j++) {
                    int k = Math.min(r, 5 - j * r);
                    for (int x = 0; x < 3; x++) {
                        double sum = 0;
                        for (int t = j * r; t < j * r + k; t++) {
                            sum += e[t * 3 + x];
                        }
                        assertEquals(sum / Math.sqrt(k), got[j * 3 + x], 1e-6, "r " + r + ", group " + j);
                    }
                }
            }
            // a row with fewer tokens gets zero rows for the groups it lacks
            NDArray two = m.create(e, new Shape(1, 5, 3)).concat(m.create(e, new Shape(1, 5, 3)), 0);
            NDArray c = Compression.compress(two, new int[] {5, 2}, 2, m);
            assertEquals(new Shape(2, 3, 3), c.getShape());
            assertEquals(0f, c.get(new NDIndex("1, 1:, :")).abs().sum().getFloat());
        }
    }

    /** A user relies on the latent loss vanishing at a perfect, certain prediction, and on the NLL being the Gaussian's. */
    @Test
    void latentLossIsZeroAtAPerfectCertainPredictionAndTheNllIsTheGaussians() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray target = m.create(new float[] {0.5f, -1f, 2f, 0f}, new Shape(2, 2));
            NDArray noise = m.create(new float[] {1f, -2f, 0.3f, 4f}, new Shape(2, 2));
            NDArray loss = LatentHead.loss(target, m.zeros(new Shape(2, 2)), noise, target, ColarOptions.LatentLoss.SOFT_MSE);
            assertEquals(0f, loss.getFloat(), 0f);
            // soft MSE of μ = 0, σ = 1: mean((ε − target)²)
            loss = LatentHead.loss(m.zeros(new Shape(2, 2)), m.ones(new Shape(2, 2)), noise, target, ColarOptions.LatentLoss.SOFT_MSE);
            assertEquals((0.25 + 1 + 2.89 + 16) / 4, loss.getFloat(), 1e-5);
            // NLL of μ = (0, 1), σ = (1, 2), target (1, 1): mean(½·1 + log 1, ½·0 + log 2)
            NDArray nll = LatentHead.loss(m.create(new float[] {0f, 1f}), m.create(new float[] {1f, 2f}), m.zeros(new Shape(2)),
                    m.create(new float[] {1f, 1f}), ColarOptions.LatentLoss.NLL);
            assertEquals((0.5 + Math.log(2)) / 2, nll.getFloat(), 1e-6);
        }
    }

    /**
     * A user relies on the supervised layout of the paper: {@code <bos> q <sep> <speed-r> <bot> c_1 … c_m <eot> <answer>
     * a <eos>}, each output before a latent labelled with a token of that latent's group, the last latent's with
     * {@code <eot>}, and the latent head's loss in the objective, reaching the head.
     */
    @Test
    void aTrainingForwardLaysOutCompressedLatentsAndTrainsTheHead() {
        Map<String, Object> options = Map.of(ColarOptions.MAX_COMPRESSION, 3, ColarOptions.SEED, 4);
        CurriculumStage stage = method.curriculum(options, 1).last();
        List<Example> examples = List.of(E312, E2413);
        int r = 1 + ColarOptions.of(stage.settings()).randomFor(examples).nextInt(3);
        try (Backbone model = Mnns.backbone(vocabulary, 16, 1, 3)) {
            method.initialise(model, vocabulary, options);
            try (NDManager m = model.manager().newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
                LatentTrace trace = method.forward(model, new Batch(examples, vocabulary, m), stage);
                int[][] reasoning = {ids("3 2 0"), ids("2 -2 -3 0")};
                int[] groups = {(3 + r - 1) / r, (4 + r - 1) / r};
                int[] prompt = {5 + 2, 6 + 2};   // <bos> digits <sep> <speed-r> <bot>
                int length = Math.max(prompt[0] + groups[0], prompt[1] + groups[1]) + 4;   // <eot> <answer> 0 <eos>
                assertEquals(new Shape(2, length, vocabulary.size()), trace.logits().getShape());
                assertEquals(new Shape(2, groups[1], 16), trace.latents().getShape());
                int[] labels = trace.labels().toIntArray();
                int[] columns = trace.extras().get(LatentTrace.LATENT_COLUMNS).toIntArray();
                for (int b = 0; b < 2; b++) {
                    int p = prompt[b];
                    for (int c = 0; c < length; c++) {
                        int label = labels[b * length + c];
                        int slot = c - (p - 1);
                        if (slot >= 0 && slot < groups[b]) {
                            int from = slot * r;
                            int to = Math.min(reasoning[b].length, from + r);
                            boolean inGroup = false;
                            for (int t = from; t < to; t++) {
                                inGroup |= reasoning[b][t] == label;
                            }
                            assertTrue(inGroup, "row " + b + ", column " + c + " is labelled with a token of group " + slot);
                            assertEquals(c, columns[b * groups[1] + slot]);
                        } else if (slot == groups[b]) {
                            assertEquals(vocabulary.id(CompressedLatentReasoning.EOT), label, "the last latent predicts <eot>");
                        } else if (slot == groups[b] + 1) {
                            assertEquals(vocabulary.id(Vocabulary.ANSWER), label);
                        } else if (slot == groups[b] + 2) {
                            assertEquals(vocabulary.id("0"), label);
                        } else if (slot == groups[b] + 3) {
                            assertEquals(vocabulary.id(Vocabulary.EOS), label);
                        } else {
                            assertEquals(LatentTrace.IGNORE, label, "row " + b + ", column " + c);
                        }
                    }
                }
                if (groups[0] < groups[1]) {
                    assertEquals(-1, columns[groups[1] - 1]);
                }
                // the latents are the compressed embeddings of each row's reasoning tokens
                for (int b = 0; b < 2; b++) {
                    NDArray embedded = model.embed(m.create(reasoning[b], new Shape(1, reasoning[b].length)));
                    NDArray expected = Compression.compress(embedded, new int[] {reasoning[b].length}, r, m);
                    NDArray got = trace.latents().get(new NDIndex("{}:{}, 0:{}, :", b, b + 1, groups[b]));
                    assertTrue(got.sub(expected).abs().max().getFloat() < 1e-6f);
                }
                assertTrue(trace.extras().containsKey("blocks.0.hook_resid_post"), "the residual stream is passed through");
                NDArray loss = trace.extras().get(LatentTrace.METHOD_LOSS);
                assertEquals(new Shape(), loss.getShape());
                assertTrue(Float.isFinite(loss.getFloat()) && loss.getFloat() > 0f);
                assertEquals(trace.tokens(), (long) (prompt[0] + groups[0] + 4) + (prompt[1] + groups[1] + 4));
                collector.backward(loss);
            }
            for (String name : List.of(LatentHead.HIDDEN_WEIGHT, LatentHead.MEAN_WEIGHT, LatentHead.LOG_STD_WEIGHT, LatentHead.LOG_STD_BIAS)) {
                try (NDArray gradient = model.parameters().get(name).getGradient()) {
                    assertTrue(gradient.abs().sum().getFloat() > 0f, name + " gets a gradient from the latent loss");
                }
            }
            // the same batch draws the same r, labels and noise
            try (NDManager m = model.manager().newSubManager()) {
                LatentTrace a = method.forward(model, new Batch(examples, vocabulary, m), stage);
                LatentTrace b = method.forward(model, new Batch(examples, vocabulary, m), stage);
                assertArrayEquals(a.labels().toIntArray(), b.labels().toIntArray());
                assertEquals(a.extras().get(LatentTrace.METHOD_LOSS).getFloat(), b.extras().get(LatentTrace.METHOD_LOSS).getFloat());
            }
        }
    }

    /** A user relies on inference taking at most maxLatents latents, reporting how many, and being repeatable. */
    @Test
    void solveTakesAtMostMaxLatentsAndReportsThem() {
        try (Backbone model = Mnns.backbone(vocabulary, 16, 1, 5); NDManager m = model.manager().newSubManager()) {
            method.initialise(model, vocabulary, Map.of());
            Batch batch = new Batch(List.of(E312, E2413), vocabulary, m);
            for (int cap : new int[] {0, 1, 3}) {
                for (String sampling : List.of("sample", "mean")) {
                    CurriculumStage stage = method.curriculum(Map.of(ColarOptions.MAX_LATENTS, cap,
                            ColarOptions.LATENT_SAMPLING, sampling), 1).last();
                    List<Answer> answers = method.solve(model, batch, stage, new Decoding(4));
                    assertEquals(2, answers.size());
                    for (Answer answer : answers) {
                        assertTrue(answer.latentSteps() <= cap, "latent steps " + answer.latentSteps() + " within " + cap);
                        assertTrue(answer.generatedTokens() <= 4);
                    }
                    assertEquals(answers, method.solve(model, batch, stage, new Decoding(4)));
                }
            }
            // an untrained head that never predicts <eot> stops where the backbone's 64 positions leave room to answer
            CurriculumStage unbounded = method.curriculum(Map.of(ColarOptions.MAX_LATENTS, 4096), 1).last();
            for (Answer answer : method.solve(model, batch, unbounded, new Decoding(4))) {
                assertTrue(answer.latentSteps() <= 64 - 1 - 4, "latent steps " + answer.latentSteps() + " leave room for <eot> and 4 tokens");
            }
        }
    }

    /**
     * A user relies on a trained CoLaR model reasoning in the latents it learned and stopping on its own at {@code
     * <eot>}: trained on two problems at compression 1, it answers both, stopping its latents before the cap.
     */
    @Test
    void itLearnsToReasonInLatentsAndStopsAtEot() {
        Map<String, Object> options = Map.of(ColarOptions.MAX_COMPRESSION, 1, ColarOptions.LATENT_SAMPLING, "mean",
                ColarOptions.MAX_LATENTS, 8);
        CurriculumStage stage = method.curriculum(options, 1).last();
        List<Example> examples = List.of(E312, E2413);
        try (Backbone model = Mnns.backbone(vocabulary, 32, 1, 17)) {
            method.initialise(model, vocabulary, options);
            float first = Float.NaN;
            float last = Float.NaN;
            for (int step = 0; step < 60; step++) {
                try (NDManager m = model.manager().newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
                    LatentTrace trace = method.forward(model, new Batch(examples, vocabulary, m), stage);
                    NDArray loss = languageLoss(trace).add(trace.extras().get(LatentTrace.METHOD_LOSS));
                    collector.backward(loss);
                    last = loss.getFloat();
                    if (step == 0) {
                        first = last;
                    }
                }
                for (NDArray p : model.parameters().values()) {
                    try (NDArray gradient = p.getGradient(); NDArray view = p.stopGradient(); NDArray update = gradient.mul(0.3f)) {
                        view.subi(update);
                        gradient.subi(gradient);
                    }
                }
            }
            assertTrue(last < 0.3f * first, "the loss went from " + first + " to " + last);
            try (NDManager m = model.manager().newSubManager()) {
                List<Answer> answers = method.solve(model, new Batch(examples, vocabulary, m),
                        stage.withSettings(Map.of(ColarOptions.COMPRESSION, 1)), new Decoding(6));
                assertEquals(List.of("0"), answers.get(0).answer());
                assertEquals(List.of("0"), answers.get(1).answer());
                // it stopped at <eot> by itself, before the cap of 8 (a few training steps do not make the head exact enough
                // to stop after exactly as many latents as the problem has tokens)
                assertTrue(answers.get(0).latentSteps() >= 1 && answers.get(0).latentSteps() < 8, "" + answers.get(0));
                assertTrue(answers.get(1).latentSteps() >= 1 && answers.get(1).latentSteps() < 8, "" + answers.get(1));
            }
        }
    }

    /** A user relies on the declared capabilities, special tokens and defaults. */
    @Test
    void itDeclaresWhatItsTracesCarryAndIsAPolicy() {
        assertEquals(Set.of(Capability.TOKEN_LOGITS, Capability.LATENT_STEPS, Capability.LAYER_STATES, Capability.POLICY_LOGPROB),
                method.provides());
        assertTrue(method instanceof Policy);
        assertEquals(List.of("<bot>", "<eot>", "<speed-1>", "<speed-2>", "<speed-3>", "<speed-4>", "<speed-5>", "<speed-6>",
                "<speed-7>", "<speed-8>"), method.specialTokens());
        assertEquals(Map.of(ColarOptions.MAX_COMPRESSION, 5, ColarOptions.COMPRESSION, 2, ColarOptions.LATENT_LOSS, "soft-mse",
                ColarOptions.LATENT_WEIGHT, 1.0, ColarOptions.MAX_LATENTS, 32, ColarOptions.LATENT_SAMPLING, "sample",
                ColarOptions.SEED, 0L), method.curriculum(Map.of(), 3).last().settings());
        assertEquals(3, method.curriculum(Map.of(), 3).totalEpochs());
    }

    // ---------------------------------------------------------------------------------------------------------------

    private int[] ids(String text) {
        return vocabulary.encode(text).stream().mapToInt(Integer::intValue).toArray();
    }

    /** The mean cross-entropy over labelled positions, as the platform's language loss computes it. */
    static NDArray languageLoss(LatentTrace trace) {
        NDArray log = trace.logits().logSoftmax(-1);
        NDArray labels = trace.labels();
        NDArray labelled = labels.neq(LatentTrace.IGNORE).toType(DataType.FLOAT32, false);
        NDArray picked = log.gather(labels.maximum(0).toType(DataType.INT64, false).expandDims(-1), -1).squeeze(-1);
        return picked.mul(labelled).sum().neg().div(labelled.sum());
    }
}
