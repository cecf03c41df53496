package org.latentlab.method.cot2;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.Capability;
import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.Curriculum;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.method.GreedyDecoder;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.LeftPaddedPrompts;
import org.latentlab.api.method.Policy;
import org.latentlab.api.method.ReasoningMethod;
import org.latentlab.api.method.Rollouts;
import org.latentlab.api.method.TokenLayout;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.Forward;
import org.latentlab.api.model.KvCache;
import org.latentlab.api.model.Taps;

import org.osgi.service.component.annotations.Component;

/**
 * CoT2, continuous chain of thought (Gozeten et al., "Continuous Chain of Thought Enables Parallel Exploration and
 * Reasoning"): every reasoning step but the last is a probability distribution α over the vocabulary, fed back as the
 * mixture of token embeddings z = Eᵀα, so one step can carry every partial solution at once. Training (continuous
 * supervision, CSFT) lays out {@code <bos> question <sep> z_1 … z_s <answer> answer <eos>} and asks the output before
 * each z_t for the superposition of every search path (KL toward {@link LatentTrace#SOFT_TARGETS}), the rest for the
 * tokens. As a {@link Policy} it draws K tokens per step and feeds their mean embedding (multi-token sampling), so
 * GRPO can refine it.
 */
@Component(service = ReasoningMethod.class)
@ComponentName("cot2")
public final class ContinuousChainOfThought implements ReasoningMethod, Policy {

    /** Action arrays of {@link Rollouts#actions()}: the sampled ids {@code [n, S, K]} int32, −1 where unused. */
    static final String TOKENS = "tokens";
    /** Action arrays: how many ids each step drew {@code [n, S]} int32, K at a continuous step, 1 at a token, 0 past the end. */
    static final String WIDTH = "width";
    /** Action arrays: each rollout's continuous steps s {@code [n]} int32; its first s steps are continuous, the rest tokens. */
    static final String SOFT_STEPS = "softSteps";

    @Override
    public Set<Capability> provides() {
        return Set.of(Capability.TOKEN_LOGITS, Capability.LATENT_STEPS, Capability.LAYER_STATES, Capability.POLICY_LOGPROB,
                Capability.ALIGNED_STEPS);
    }

    @Override
    public Set<String> options() {
        return Cot2Options.NAMES;
    }

    /** One stage of every epoch, carrying the checked options with their defaults. */
    @Override
    public Curriculum curriculum(Map<String, Object> options, int epochs) {
        Cot2Options checked = Cot2Options.of(options);
        if (epochs < 1) {
            throw new IllegalArgumentException("The cot2 method needs at least one epoch to train, not " + epochs + ".");
        }
        return Curriculum.single(epochs, checked.settings());
    }

    /**
     * With target feedback, one pass over the whole layout, each z_t the mixture of the target α*_t; with model feedback,
     * one pass up to the first slot, one single-column pass per slot column (z_t from the softmax of the column before),
     * one pass over the rest, through one key/value cache.
     */
    @Override
    public LatentTrace forward(Backbone model, Batch batch, CurriculumStage stage) {
        Cot2Options options = Cot2Options.of(stage.settings());
        NDManager manager = batch.manager();
        Vocabulary vocabulary = batch.vocabulary();
        int vocabularySize = model.config().vocabularySize();
        if (vocabulary.size() > vocabularySize) {
            throw new IllegalArgumentException("The vocabulary has " + vocabulary.size() + " tokens but the backbone only "
                    + vocabularySize + " embeddings; build the backbone with the data's vocabulary size.");
        }
        List<List<Map<Integer, Double>>> targets = new ArrayList<>();
        List<List<Integer>> prompts = new ArrayList<>();
        List<List<Integer>> continuations = new ArrayList<>();
        int[] steps = new int[batch.size()];
        for (int b = 0; b < batch.size(); b++) {
            Example example = batch.examples().get(b);
            targets.add(SoftTargets.of(example, options.beam(), vocabulary));
            prompts.add(TokenLayout.prompt(example, vocabulary));
            continuations.add(TokenLayout.continuation(example, List.of(), vocabulary));
            steps[b] = SoftTargets.continuousSteps(example);
        }
        Rows rows = Rows.of(prompts, steps, continuations, vocabulary.id(Vocabulary.PAD));
        int batchSize = rows.batch();
        int length = rows.length();
        int maxSteps = rows.maxSteps();
        long d = model.config().dModel();

        float[] stepTargets = new float[batchSize * maxSteps * vocabularySize];
        float[] softTargets = new float[batchSize * length * vocabularySize];
        int[] labels = new int[batchSize * length];
        for (int b = 0; b < batchSize; b++) {
            for (int i = 0; i < steps[b]; i++) {
                int column = rows.predictingColumn(b, i);
                for (Map.Entry<Integer, Double> e : targets.get(b).get(i).entrySet()) {
                    stepTargets[(b * maxSteps + i) * vocabularySize + e.getKey()] = e.getValue().floatValue();
                    softTargets[(b * length + column) * vocabularySize + e.getKey()] = e.getValue().floatValue();
                }
            }
            int tokensFrom = prompts.get(b).size() + steps[b];   // the first column the tokens' labels supervise
            for (int c = 0; c < length; c++) {
                boolean supervised = c + 1 >= tokensFrom && c + 1 < rows.lengths()[b];
                labels[b * length + c] = supervised ? rows.ids()[b * length + c + 1] : LatentTrace.IGNORE;
            }
        }

        NDArray embeddings = embeddingMatrix(model, manager);
        NDArray tokenEmbeddings = model.embed(rows.ids(manager));
        NDArray latents;
        List<Forward> passes = new ArrayList<>();
        if (maxSteps == 0) {
            latents = manager.zeros(new Shape(batchSize, 0, d), tokenEmbeddings.getDataType());
            passes.add(model.forward(tokenEmbeddings, 0, null, Taps.ALL));
        } else if (options.feedback() == Cot2Options.Feedback.TARGET) {
            NDArray alpha = manager.create(stepTargets, new Shape(batchSize, maxSteps, vocabularySize));
            latents = alpha.matMul(embeddings);   // rows of absent steps are all zero, and so are their latents
            passes.add(model.forward(rows.inputs(tokenEmbeddings, latents, manager), 0, null, Taps.ALL));
        } else {
            latents = modelFeedback(model, rows, tokenEmbeddings, embeddings, options, passes, manager);
        }
        NDArray logits = concat(passes.stream().map(Forward::logits).toList());
        Map<String, NDArray> extras = new LinkedHashMap<>();
        for (String hook : passes.get(0).residualStream().keySet()) {
            extras.put(hook, concat(passes.stream().map(f -> f.residualStream().get(hook)).toList()));
        }
        extras.put(LatentTrace.SOFT_TARGETS, manager.create(softTargets, new Shape(batchSize, length, vocabularySize)));
        extras.put(LatentTrace.STEP_PROBABILITIES, maxSteps == 0
                ? manager.zeros(new Shape(batchSize, 0, vocabularySize), logits.getDataType())
                : rows.perSlot(distribution(logits, options), rows::predictingColumn, manager));
        extras.put(LatentTrace.LATENT_COLUMNS, rows.latentColumns(manager));
        extras.put(LatentTrace.STEP_INDEX, rows.stepIndex(manager));
        return new LatentTrace(logits, manager.create(labels, new Shape(batchSize, length)), latents, extras, rows.tokens());
    }

    /**
     * The passes of model feedback, appended to {@code passes}; returns the latents fed, {@code [batch, maxSteps, d]}.
     * A column where some rows have a slot and others a token feeds each row its own.
     */
    private static NDArray modelFeedback(Backbone model, Rows rows, NDArray tokenEmbeddings, NDArray embeddings, Cot2Options options,
                                         List<Forward> passes, NDManager manager) {
        int first = rows.firstSlotColumn();
        int end = rows.endOfSlots();
        int length = rows.length();
        Shape column = new Shape(rows.batch(), 1, model.config().dModel());
        KvCache cache = model.newCache();   // its arrays belong to the manager of the first pass: the batch's
        Forward pass = model.forward(tokenEmbeddings.get(new NDIndex(":, 0:{}, :", first)), 0, cache, Taps.ALL);
        passes.add(pass);
        List<NDArray> fed = new ArrayList<>();
        for (int c = first; c < end; c++) {
            NDArray alpha = distribution(pass.logits().get(new NDIndex(":, -1:, :")), options);   // [B, 1, V]
            NDArray z = alpha.matMul(embeddings);
            fed.add(z);
            NDArray input = NDArrays.where(rows.slotAt(c, manager).broadcast(column), z,
                    tokenEmbeddings.get(new NDIndex(":, {}:{}, :", c, c + 1)));
            pass = model.forward(input, c, cache, Taps.ALL);
            passes.add(pass);
        }
        if (end < length) {
            passes.add(model.forward(tokenEmbeddings.get(new NDIndex(":, {}:, :", end)), end, cache, Taps.ALL));
        }
        return rows.perSlot(concat(fed), (b, i) -> rows.slotColumn(b, i) - first, manager);
    }

    /** Per example: the prompt through the cache, s continuous steps fed as {@code decoding} says, then greedy decoding. */
    @Override
    public List<Answer> solve(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding) {
        Cot2Options options = Cot2Options.of(stage.settings());
        Vocabulary vocabulary = batch.vocabulary();
        List<Answer> answers = new ArrayList<>();
        for (Example example : batch.examples()) {
            int steps = SoftTargets.continuousSteps(example);
            Random random = options.decoding() == Cot2Options.Decoding.SAMPLE ? options.randomFor(example.id()) : null;
            try (NDManager manager = batch.manager().newSubManager(); KvCache cache = model.newCache()) {
                NDArray embeddings = embeddingMatrix(model, manager);
                int[] prompt = TokenLayout.prompt(example, vocabulary).stream().mapToInt(Integer::intValue).toArray();
                NDArray last = model.forward(model.embed(manager.create(prompt, new Shape(1, prompt.length))), 0, cache, Taps.HIDDEN)
                        .hidden().get(new NDIndex(":, -1:, :"));
                for (int i = 0; i < steps; i++) {
                    NDArray logits = model.lmHead(last);   // [1, 1, V]
                    NDArray alpha = random == null ? distribution(logits, options) : sampledMixture(logits, options, random, manager);
                    last = model.forward(alpha.matMul(embeddings), cache.length(), cache, Taps.HIDDEN).hidden();
                }
                List<String> generated = GreedyDecoder.decodeFrom(model, last, cache, vocabulary, decoding.maxNewTokens(), manager);
                answers.add(TokenLayout.answer(generated, steps));
            }
        }
        return answers;
    }

    /** The mean of K one-hot vectors drawn from softmax(logits / temperature), {@code [1, 1, V]}. */
    private static NDArray sampledMixture(NDArray logits, Cot2Options options, Random random, NDManager manager) {
        int size = Math.toIntExact(logits.getShape().get(2));
        float[] logProbabilities = logDistribution(logits, options).toFloatArray();
        float[] mixture = new float[size];
        TokenSampler.mixture(TokenSampler.draw(logProbabilities, 0, size, options.samples(), random), mixture, 0);
        return manager.create(mixture, new Shape(1, 1, size));
    }

    /**
     * All rollouts together, one column per pass through one key/value cache (prompts left-padded): each of a rollout's
     * s continuous steps draws K tokens and feeds their mean embedding, then {@code <answer>} is fed and the answer
     * sampled token by token until {@code <eos>} or {@link Decoding#maxNewTokens()} tokens ({@code <answer>} counts as the
     * first, as it does when the model writes it at evaluation).
     */
    @Override
    public Rollouts sample(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding, Random random) {
        Cot2Options options = Cot2Options.of(stage.settings());
        NDManager manager = batch.manager();
        Vocabulary vocabulary = batch.vocabulary();
        int n = batch.size();
        int size = model.config().vocabularySize();
        int k = options.samples();
        int maxAnswerTokens = Math.max(1, decoding.maxNewTokens() - 1);
        int pad = vocabulary.id(Vocabulary.PAD);
        int eos = vocabulary.id(Vocabulary.EOS);
        int answerToken = vocabulary.id(Vocabulary.ANSWER);
        long d = model.config().dModel();

        int[] steps = new int[n];
        List<List<Integer>> prompts = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            Example example = batch.examples().get(b);
            steps[b] = SoftTargets.continuousSteps(example);
            prompts.add(TokenLayout.prompt(example, vocabulary));
        }
        LeftPaddedPrompts padded = LeftPaddedPrompts.of(prompts, pad);
        int[] next = padded.lengths();   // each row's next position
        NDArray embeddings = embeddingMatrix(model, manager);
        KvCache cache = model.newCache();
        NDArray hidden = padded.forward(model, cache, Taps.HIDDEN, manager).hidden();
        NDArray logits = model.lmHead(hidden.get(new NDIndex(":, -1, :")));   // [n, V]

        List<List<int[]>> actions = new ArrayList<>();
        List<List<Double>> logProbabilities = new ArrayList<>();
        List<List<String>> generated = new ArrayList<>();
        int[] stepsDone = new int[n];
        boolean[] answerFed = new boolean[n];
        boolean[] done = new boolean[n];
        for (int b = 0; b < n; b++) {
            actions.add(new ArrayList<>());
            logProbabilities.add(new ArrayList<>());
            generated.add(new ArrayList<>(List.of(Vocabulary.ANSWER)));
        }
        while (true) {
            float[] log = logDistribution(logits, options).toFloatArray();
            int[] input = new int[n];
            int[] position = new int[n];
            int[] isReal = new int[n];
            boolean[] isSlot = new boolean[n];
            float[] mixture = new float[n * size];
            boolean any = false;
            for (int b = 0; b < n; b++) {
                input[b] = pad;
                if (done[b]) {
                    continue;
                }
                if (stepsDone[b] < steps[b]) {
                    int[] drawn = TokenSampler.draw(log, b * size, size, k, random);
                    actions.get(b).add(drawn);
                    logProbabilities.get(b).add(TokenSampler.meanLogProbability(log, b * size, drawn));
                    TokenSampler.mixture(drawn, mixture, b * size);
                    isSlot[b] = true;
                    stepsDone[b]++;
                } else if (!answerFed[b]) {
                    input[b] = answerToken;
                    answerFed[b] = true;
                } else {
                    int[] drawn = TokenSampler.draw(log, b * size, size, 1, random);
                    actions.get(b).add(drawn);
                    logProbabilities.get(b).add(TokenSampler.meanLogProbability(log, b * size, drawn));
                    int answered = actions.get(b).size() - steps[b];
                    if (drawn[0] == eos || answered >= maxAnswerTokens) {
                        if (drawn[0] != eos) {
                            generated.get(b).add(vocabulary.token(drawn[0]));
                        }
                        done[b] = true;
                        continue;
                    }
                    generated.get(b).add(vocabulary.token(drawn[0]));
                    input[b] = drawn[0];
                }
                position[b] = next[b]++;
                isReal[b] = 1;
                any = true;
            }
            if (!any) {
                break;
            }
            Shape one = new Shape(n, 1);
            NDArray slot = manager.create(isSlot, new Shape(n, 1, 1)).broadcast(new Shape(n, 1, d));
            NDArray inputs = NDArrays.where(slot, manager.create(mixture, new Shape(n, 1, size)).matMul(embeddings),
                    model.embed(manager.create(input, one)));
            hidden = model.forward(inputs, manager.create(position, one), manager.create(isReal, one), cache, Taps.HIDDEN).hidden();
            logits = model.lmHead(hidden.get(new NDIndex(":, -1, :")));
        }

        int longest = actions.stream().mapToInt(List::size).max().orElse(0);
        int[] tokens = new int[n * longest * k];
        int[] widths = new int[n * longest];
        float[] logs = new float[n * longest];
        float[] mask = new float[n * longest];
        java.util.Arrays.fill(tokens, -1);
        List<Answer> answers = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            List<int[]> row = actions.get(b);
            for (int j = 0; j < row.size(); j++) {
                System.arraycopy(row.get(j), 0, tokens, (b * longest + j) * k, row.get(j).length);
                widths[b * longest + j] = row.get(j).length;
                logs[b * longest + j] = logProbabilities.get(b).get(j).floatValue();
                mask[b * longest + j] = 1f;
            }
            answers.add(TokenLayout.answer(generated.get(b), steps[b]));
        }
        Map<String, NDArray> out = Map.of(
                TOKENS, manager.create(tokens, new Shape(n, longest, k)),
                WIDTH, manager.create(widths, new Shape(n, longest)),
                SOFT_STEPS, manager.create(steps, new Shape(n)));
        Shape shape = new Shape(n, longest);
        return new Rollouts(answers, out, manager.create(logs, shape), manager.create(mask, shape));
    }

    /**
     * One teacher-forced pass over {@code <bos> question <sep>}, the continuous steps rebuilt from the drawn tokens, {@code
     * <answer>} and the drawn answer tokens; each step's log-probability is the mean of its tokens' under softmax(logits /
     * temperature) at the column before it.
     */
    @Override
    public NDArray logProbabilities(Backbone model, Batch batch, Rollouts rollouts, CurriculumStage stage) {
        Cot2Options options = Cot2Options.of(stage.settings());
        NDManager manager = batch.manager();
        Vocabulary vocabulary = batch.vocabulary();
        int size = model.config().vocabularySize();
        NDArray tokenArray = rollouts.actions().get(TOKENS);
        NDArray widthArray = rollouts.actions().get(WIDTH);
        NDArray stepArray = rollouts.actions().get(SOFT_STEPS);
        int n = batch.size();
        if (tokenArray == null || widthArray == null || stepArray == null || tokenArray.getShape().dimension() != 3
                || tokenArray.getShape().get(0) != n) {
            throw new IllegalArgumentException("The cot2 method scores only rollouts it sampled itself for the same " + n
                    + " examples, with the actions '" + TOKENS + "', '" + WIDTH + "' and '" + SOFT_STEPS + "'.");
        }
        int longest = Math.toIntExact(tokenArray.getShape().get(1));
        int k = Math.toIntExact(tokenArray.getShape().get(2));
        int[] tokens = tokenArray.toType(DataType.INT32, false).toIntArray();
        int[] widths = widthArray.toType(DataType.INT32, false).toIntArray();
        int[] steps = stepArray.toType(DataType.INT32, false).toIntArray();

        List<List<Integer>> prompts = new ArrayList<>();
        List<List<Integer>> continuations = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            prompts.add(TokenLayout.prompt(batch.examples().get(b), vocabulary));
            List<Integer> continuation = new ArrayList<>(List.of(vocabulary.id(Vocabulary.ANSWER)));
            int taken = 0;
            while (taken < longest && widths[b * longest + taken] > 0) {
                taken++;
            }
            // every answer token but the last is fed back: the last ended the rollout
            for (int j = steps[b]; j < taken - 1; j++) {
                continuation.add(tokens[(b * longest + j) * k]);
            }
            continuations.add(continuation);
        }
        Rows rows = Rows.of(prompts, steps, continuations, vocabulary.id(Vocabulary.PAD));
        int maxSteps = rows.maxSteps();
        float[] mixtures = new float[n * maxSteps * size];
        long[] columns = new long[n * longest];
        float[] weights = new float[n * longest * size];
        for (int b = 0; b < n; b++) {
            for (int j = 0; j < longest; j++) {
                int w = widths[b * longest + j];
                if (w == 0) {
                    continue;
                }
                int[] drawn = java.util.Arrays.copyOfRange(tokens, (b * longest + j) * k, (b * longest + j) * k + w);
                TokenSampler.mixture(drawn, weights, (b * longest + j) * size);
                if (j < steps[b]) {
                    TokenSampler.mixture(drawn, mixtures, (b * maxSteps + j) * size);
                    columns[b * longest + j] = rows.predictingColumn(b, j);
                } else {
                    // the column of <answer> predicts the first answer token
                    columns[b * longest + j] = rows.slotColumn(b, steps[b]) + (j - steps[b]);
                }
            }
        }
        NDArray tokenEmbeddings = model.embed(rows.ids(manager));
        NDArray inputs = maxSteps == 0 ? tokenEmbeddings : rows.inputs(tokenEmbeddings,
                manager.create(mixtures, new Shape(n, maxSteps, size)).matMul(embeddingMatrix(model, manager)), manager);
        NDArray log = logDistribution(model.forward(inputs, 0, null, Taps.LOGITS).logits(), options);   // [n, T, V]
        Shape shape = new Shape(n, longest, size);
        NDArray atColumns = log.gather(manager.create(columns, new Shape(n, longest, 1)).broadcast(shape), 1);
        return atColumns.mul(manager.create(weights, shape)).sum(new int[] {2});
    }

    /** softmax(logits / temperature) over the last axis. */
    private static NDArray distribution(NDArray logits, Cot2Options options) {
        return tempered(logits, options).softmax(-1);
    }

    /** log softmax(logits / temperature) over the last axis. */
    private static NDArray logDistribution(NDArray logits, Cot2Options options) {
        return tempered(logits, options).logSoftmax(-1);
    }

    /**
     * logits / temperature. The divisor is an array of the logits' manager, alive until the step ends: DJL's
     * {@code div(Number)} frees its scalar at once, while the division's backward still reads it on PyTorch.
     */
    private static NDArray tempered(NDArray logits, Cot2Options options) {
        if (options.temperature() == 1.0) {
            return logits;
        }
        NDArray temperature = logits.getManager().create((float) options.temperature()).toDevice(logits.getDevice(), false);
        return logits.div(temperature);
    }

    /** The input embedding matrix E {@code [V, d]}, through the backbone's embedding so that gradients reach it. */
    static NDArray embeddingMatrix(Backbone model, NDManager manager) {
        int size = model.config().vocabularySize();
        int[] all = new int[size];
        for (int v = 0; v < size; v++) {
            all[v] = v;
        }
        return model.embed(manager.create(all, new Shape(1, size))).reshape(size, model.config().dModel());
    }

    private static NDArray concat(List<NDArray> arrays) {
        return arrays.size() == 1 ? arrays.get(0) : NDArrays.concat(new NDList(arrays), 1);
    }
}
