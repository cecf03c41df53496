package org.latentlab.method.colar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
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
import org.latentlab.api.method.TokenSampling;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.Forward;
import org.latentlab.api.model.KvCache;
import org.latentlab.api.model.Taps;

import org.osgi.service.component.annotations.Component;

/**
 * CoLaR, compressed latent reasoning (Tan et al., "Think Silently, Think Fast: Dynamic Latent Compression of LLM
 * Reasoning Chains"). Supervised training draws a compression factor r per batch and lays out {@code <bos> question
 * <sep> <speed-r> <bot> c_1 … c_m <eot> <answer> answer <eos>}, each c_j the compressed embedding of r consecutive
 * reasoning tokens ({@link Compression}); the language model predicts a token of each next group and {@code <eot>}
 * after the last, while the {@link LatentHead} learns the next compressed embedding as a Gaussian. At inference the
 * model reasons by sampling latents from its head until its language head says {@code <eot>}. As a {@link Policy} every
 * stop-or-continue decision, every latent and every answer token is an action, so GRPO can refine the latent reasoning.
 */
@Component(service = ReasoningMethod.class)
@ComponentName("colar")
public final class CompressedLatentReasoning implements ReasoningMethod, Policy {

    /** Begins the latent reasoning. */
    static final String BOT = "<bot>";
    /** Ends the latent reasoning. */
    static final String EOT = "<eot>";

    /** Action arrays of {@link Rollouts#actions()}: what each step is {@code [n, S]} int32, one of the {@code KIND_} values. */
    static final String KINDS = "kinds";
    /** Action arrays: the token of a stop or answer step {@code [n, S]} int32, 0 elsewhere. */
    static final String TOKENS = "tokens";
    /** Action arrays: the sampled latents z {@code [n, L, d]} float, in units of σ_e, zeros past a rollout's own. */
    static final String LATENTS = "latents";
    /** Action arrays: each rollout's number of latents {@code [n]} int32. */
    static final String LATENT_COUNTS = "latentCounts";

    /** Step kinds: past a rollout's end, the decision to continue, to stop, a latent, an answer token. */
    static final int KIND_NONE = 0;
    static final int KIND_CONTINUE = 1;
    static final int KIND_STOP = 2;
    static final int KIND_LATENT = 3;
    static final int KIND_TOKEN = 4;

    /** The speed token that tells the model to compress r tokens per latent. */
    static String speed(int r) {
        return "<speed-" + r + ">";
    }

    @Override
    public Set<Capability> provides() {
        return Set.of(Capability.TOKEN_LOGITS, Capability.LATENT_STEPS, Capability.LAYER_STATES, Capability.POLICY_LOGPROB);
    }

    /** {@code <bot>}, {@code <eot>} and the speed tokens {@code <speed-1>} … {@code <speed-8>}. */
    @Override
    public List<String> specialTokens() {
        List<String> tokens = new ArrayList<>(List.of(BOT, EOT));
        for (int r = 1; r <= ColarOptions.SPEED_TOKENS; r++) {
            tokens.add(speed(r));
        }
        return tokens;
    }

    @Override
    public Set<String> options() {
        return ColarOptions.NAMES;
    }

    /** Adds the latent head's parameters to the model, drawn from the {@code seed} option. */
    @Override
    public void initialise(Backbone model, Vocabulary vocabulary, Map<String, Object> options) {
        LatentHead.addTo(model, ColarOptions.of(options).seed());
    }

    /** One stage of every epoch, carrying the checked options with their defaults. */
    @Override
    public Curriculum curriculum(Map<String, Object> options, int epochs) {
        ColarOptions checked = ColarOptions.of(options);
        if (epochs < 1) {
            throw new IllegalArgumentException("The colar method needs at least one epoch to train, not " + epochs + ".");
        }
        return Curriculum.single(epochs, checked.settings());
    }

    /**
     * One teacher-forced pass over the compressed layout at a compression factor r drawn for the batch; the latent head's
     * loss, weighted, goes to {@link LatentTrace#METHOD_LOSS}.
     */
    @Override
    public LatentTrace forward(Backbone model, Batch batch, CurriculumStage stage) {
        ColarOptions options = ColarOptions.of(stage.settings());
        NDManager manager = batch.manager();
        Vocabulary vocabulary = batch.vocabulary();
        checkVocabulary(model, vocabulary);
        LatentHead head = LatentHead.of(model);
        Random random = options.randomFor(batch.examples());
        int r = 1 + random.nextInt(options.maxCompression());   // r ~ U{1, …, r_max}
        int n = batch.size();
        int pad = vocabulary.id(Vocabulary.PAD);
        long d = model.config().dModel();

        List<List<Integer>> reasoning = new ArrayList<>();
        List<List<Integer>> prompts = new ArrayList<>();
        List<List<Integer>> continuations = new ArrayList<>();
        int[] reasoningTokens = new int[n];
        int[] slots = new int[n];
        int maxTokens = 0;
        for (int b = 0; b < n; b++) {
            Example example = batch.examples().get(b);
            List<Integer> tokens = new ArrayList<>();
            for (String step : example.steps()) {
                tokens.addAll(vocabulary.encode(step));
            }
            reasoning.add(tokens);
            reasoningTokens[b] = tokens.size();
            slots[b] = Compression.groups(tokens.size(), r);
            maxTokens = Math.max(maxTokens, tokens.size());
            prompts.add(prompt(example, r, vocabulary));
            List<Integer> continuation = new ArrayList<>(List.of(vocabulary.id(EOT)));
            continuation.addAll(TokenLayout.continuation(example, List.of(), vocabulary));
            continuations.add(continuation);
        }
        LatentRows rows = LatentRows.of(prompts, slots, continuations, pad);
        int length = rows.length();

        // labels: a token drawn from each next group where a latent is predicted, the tokens after the latents, IGNORE before
        int[] labels = new int[n * length];
        java.util.Arrays.fill(labels, LatentTrace.IGNORE);
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < slots[b]; i++) {
                int size = Compression.groupSize(reasoningTokens[b], r, i);
                labels[b * length + rows.predictingColumn(b, i)] = reasoning.get(b).get(i * r + random.nextInt(size));
            }
            for (int c = rows.slotColumn(b, slots[b]) - 1; c + 1 < rows.lengths()[b]; c++) {
                labels[b * length + c] = rows.ids()[b * length + c + 1];
            }
        }

        int[] reasoningIds = new int[n * maxTokens];
        java.util.Arrays.fill(reasoningIds, pad);
        for (int b = 0; b < n; b++) {
            for (int t = 0; t < reasoningTokens[b]; t++) {
                reasoningIds[b * maxTokens + t] = reasoning.get(b).get(t);
            }
        }
        NDArray compressed = maxTokens == 0
                ? manager.zeros(new Shape(n, 0, d), DataType.FLOAT32)
                : Compression.compress(model.embed(manager.create(reasoningIds, new Shape(n, maxTokens))), reasoningTokens, r, manager);
        Forward pass = model.forward(rows.inputs(model.embed(rows.ids(manager)), compressed, manager), 0, null, Taps.ALL);

        Map<String, NDArray> extras = new LinkedHashMap<>(pass.residualStream());
        extras.put(LatentTrace.LATENT_COLUMNS, rows.latentColumns(manager));
        extras.put(LatentTrace.METHOD_LOSS, latentLoss(model, head, rows, pass.hidden(), compressed, options, random, manager));
        return new LatentTrace(pass.logits(), manager.create(labels, new Shape(n, length)), compressed, extras, rows.tokens());
    }

    /**
     * latentWeight × the latent loss of the head's predictions at {@code <bot>} and c_1 … c_{m−1} against the next
     * compressed embeddings c_j / σ_e, detached; zero when no row has a latent.
     */
    private static NDArray latentLoss(Backbone model, LatentHead head, LatentRows rows, NDArray hidden, NDArray compressed,
                                      ColarOptions options, Random random, NDManager manager) {
        int count = java.util.Arrays.stream(rows.slots()).sum();
        if (count == 0) {
            return manager.zeros(new Shape(), DataType.FLOAT32);
        }
        long d = model.config().dModel();
        NDArray scale = manager.create(LatentHead.embeddingScale(model, manager));
        NDArray target = rows.present(compressed, manager).stopGradient().div(scale);   // c_j / σ_e, detached
        LatentHead.Prediction prediction = head.predict(rows.atPredictingColumns(hidden, manager));
        float[] noise = new float[Math.toIntExact(count * d)];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) random.nextGaussian();   // ε ~ N(0, 1)
        }
        NDArray loss = LatentHead.loss(prediction.mean(), prediction.std(), manager.create(noise, new Shape(count, d)), target,
                options.latentLoss());
        return loss.mul(manager.create((float) options.latentWeight()));
    }

    /**
     * Per example: the prompt with {@code <speed-compression> <bot>} through the cache, then latents z = (μ + σε)·σ_e (or
     * μ·σ_e) fed one at a time until the language head's argmax is {@code <eot>} or {@link #latentCap} latents are taken, then {@code
     * <eot>} and greedy decoding.
     */
    @Override
    public List<Answer> solve(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding) {
        ColarOptions options = ColarOptions.of(stage.settings());
        Vocabulary vocabulary = batch.vocabulary();
        checkVocabulary(model, vocabulary);
        LatentHead head = LatentHead.of(model);
        int eot = vocabulary.id(EOT);
        long d = model.config().dModel();
        List<Answer> answers = new ArrayList<>();
        for (Example example : batch.examples()) {
            Random random = options.latentSampling() == ColarOptions.LatentSampling.SAMPLE ? options.randomFor(example.id()) : null;
            try (NDManager manager = batch.manager().newSubManager(); KvCache cache = model.newCache()) {
                NDArray scale = manager.create(LatentHead.embeddingScale(model, manager));
                int[] prompt = ints(prompt(example, options.compression(), vocabulary));
                NDArray last = model.forward(model.embed(manager.create(prompt, new Shape(1, prompt.length))), 0, cache, Taps.HIDDEN)
                        .hidden().get(new NDIndex(":, -1:, :"));
                int cap = latentCap(model, options, prompt.length, decoding);
                int latents = 0;
                while (latents < cap && argMax(model.lmHead(last)) != eot) {
                    LatentHead.Prediction prediction = head.predict(last);
                    NDArray z = prediction.mean();
                    if (random != null) {
                        z = z.add(prediction.std().mul(manager.create(gaussian((int) d, random), new Shape(1, 1, d))));   // μ + σε
                    }
                    last = model.forward(z.mul(scale), cache.length(), cache, Taps.HIDDEN).hidden();
                    latents++;
                }
                last = model.forward(model.embed(manager.create(new int[] {eot}, new Shape(1, 1))), cache.length(), cache, Taps.HIDDEN)
                        .hidden();
                List<String> generated = GreedyDecoder.decodeFrom(model, last, cache, vocabulary, decoding.maxNewTokens(), manager);
                answers.add(TokenLayout.answer(generated, latents));
            }
        }
        return answers;
    }

    /**
     * The most latents a problem may take: maxLatents, and no more than leave room within the backbone's positions for
     * {@code <eot>} and {@link Decoding#maxNewTokens()} answer tokens after a prompt of {@code promptLength}, so a model that
     * never predicts {@code <eot>} (untrained, or drifting) still answers instead of running off the end.
     */
    static int latentCap(Backbone model, ColarOptions options, int promptLength, Decoding decoding) {
        int room = model.config().maxPositions() - promptLength - 1 - decoding.maxNewTokens();
        return Math.max(0, Math.min(options.maxLatents(), room));
    }

    /**
     * All rollouts together at the {@code compression} factor, one column per pass through one key/value cache (prompts
     * left-padded). At each latent position the rollout samples a token from the language head: {@code <eot>} stops (log
     * p(eot)), anything else continues (log(1 − p(eot))) and a latent z ~ N(μ, σ) is drawn, scored by its Gaussian
     * log-density averaged over the d dimensions and fed as z·σ_e; at maxLatents {@code <eot>} is fed without a decision.
     * After {@code <eot>} answer tokens are sampled until {@code <eos>} or {@link Decoding#maxNewTokens()} draws.
     */
    @Override
    public Rollouts sample(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding, Random random) {
        ColarOptions options = ColarOptions.of(stage.settings());
        NDManager manager = batch.manager();
        Vocabulary vocabulary = batch.vocabulary();
        checkVocabulary(model, vocabulary);
        LatentHead head = LatentHead.of(model);
        int n = batch.size();
        int size = model.config().vocabularySize();
        int d = model.config().dModel();
        int pad = vocabulary.id(Vocabulary.PAD);
        int eos = vocabulary.id(Vocabulary.EOS);
        int eot = vocabulary.id(EOT);
        float scale = LatentHead.embeddingScale(model, manager);

        List<List<Integer>> prompts = new ArrayList<>();
        for (Example example : batch.examples()) {
            prompts.add(prompt(example, options.compression(), vocabulary));
        }
        LeftPaddedPrompts padded = LeftPaddedPrompts.of(prompts, pad);
        int[] next = padded.lengths();
        KvCache cache = model.newCache();   // its arrays belong to the batch's manager
        NDArray hidden = padded.forward(model, cache, Taps.HIDDEN, manager).hidden().get(new NDIndex(":, -1, :"));   // [n, d]

        List<List<int[]>> steps = new ArrayList<>();   // per rollout: {kind, token}
        List<List<Double>> logProbabilities = new ArrayList<>();
        List<List<float[]>> latents = new ArrayList<>();
        List<List<String>> generated = new ArrayList<>();
        boolean[] reasoning = new boolean[n];
        boolean[] done = new boolean[n];
        int[] draws = new int[n];
        for (int b = 0; b < n; b++) {
            steps.add(new ArrayList<>());
            logProbabilities.add(new ArrayList<>());
            latents.add(new ArrayList<>());
            generated.add(new ArrayList<>());
            reasoning[b] = true;
        }
        while (true) {
            float[] log = model.lmHead(hidden).logSoftmax(-1).toFloatArray();
            LatentHead.Prediction prediction = head.predict(hidden);
            float[] mean = prediction.mean().toFloatArray();
            float[] logStd = prediction.logStd().toFloatArray();
            int[] input = new int[n];
            int[] position = new int[n];
            int[] isReal = new int[n];
            boolean[] isLatent = new boolean[n];
            float[] fed = new float[n * d];
            boolean any = false;
            for (int b = 0; b < n; b++) {
                input[b] = pad;
                if (done[b]) {
                    continue;
                }
                if (reasoning[b]) {
                    if (latents.get(b).size() >= latentCap(model, options, prompts.get(b).size(), decoding)) {
                        input[b] = eot;   // the cap stops the reasoning: no decision taken
                        reasoning[b] = false;
                    } else if (TokenSampling.draw(log, b * size, size, random) == eot) {
                        steps.get(b).add(new int[] {KIND_STOP, eot});
                        logProbabilities.get(b).add((double) log[b * size + eot]);
                        input[b] = eot;
                        reasoning[b] = false;
                    } else {
                        steps.get(b).add(new int[] {KIND_CONTINUE, 0});
                        logProbabilities.get(b).add(logNot(log, b * size, size, eot));
                        double[] noise = new double[d];
                        float[] z = new float[d];
                        for (int i = 0; i < d; i++) {
                            noise[i] = random.nextGaussian();
                            z[i] = (float) (mean[b * d + i] + Math.exp(logStd[b * d + i]) * noise[i]);   // z = μ + σε
                            fed[b * d + i] = z[i] * scale;
                        }
                        steps.get(b).add(new int[] {KIND_LATENT, 0});
                        logProbabilities.get(b).add(LatentHead.logDensity(noise, logStd, b * d));
                        latents.get(b).add(z);
                        isLatent[b] = true;
                    }
                } else {
                    int token = TokenSampling.draw(log, b * size, size, random);
                    steps.get(b).add(new int[] {KIND_TOKEN, token});
                    logProbabilities.get(b).add((double) log[b * size + token]);
                    draws[b]++;
                    if (token != eos) {
                        generated.get(b).add(vocabulary.token(token));
                    }
                    if (token == eos || draws[b] >= decoding.maxNewTokens()) {
                        done[b] = true;
                        continue;
                    }
                    input[b] = token;
                }
                position[b] = next[b]++;
                isReal[b] = 1;
                any = true;
            }
            if (!any) {
                break;
            }
            Shape one = new Shape(n, 1);
            NDArray latent = manager.create(isLatent, new Shape(n, 1, 1)).broadcast(new Shape(n, 1, d));
            NDArray inputs = NDArrays.where(latent, manager.create(fed, new Shape(n, 1, d)), model.embed(manager.create(input, one)));
            hidden = model.forward(inputs, manager.create(position, one), manager.create(isReal, one), cache, Taps.HIDDEN)
                    .hidden().get(new NDIndex(":, -1, :"));
        }

        int longest = steps.stream().mapToInt(List::size).max().orElse(0);
        int mostLatents = latents.stream().mapToInt(List::size).max().orElse(0);
        int[] kinds = new int[n * longest];
        int[] tokens = new int[n * longest];
        float[] logs = new float[n * longest];
        float[] mask = new float[n * longest];
        float[] z = new float[n * mostLatents * d];
        int[] counts = new int[n];
        List<Answer> answers = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            for (int j = 0; j < steps.get(b).size(); j++) {
                kinds[b * longest + j] = steps.get(b).get(j)[0];
                tokens[b * longest + j] = steps.get(b).get(j)[1];
                logs[b * longest + j] = logProbabilities.get(b).get(j).floatValue();
                mask[b * longest + j] = 1f;
            }
            counts[b] = latents.get(b).size();
            for (int i = 0; i < counts[b]; i++) {
                System.arraycopy(latents.get(b).get(i), 0, z, (b * mostLatents + i) * d, d);
            }
            answers.add(TokenLayout.answer(generated.get(b), counts[b]));
        }
        Shape shape = new Shape(n, longest);
        Map<String, NDArray> actions = Map.of(
                KINDS, manager.create(kinds, shape),
                TOKENS, manager.create(tokens, shape),
                LATENTS, manager.create(z, new Shape(n, mostLatents, d)),
                LATENT_COUNTS, manager.create(counts, new Shape(n)));
        return new Rollouts(answers, actions, manager.create(logs, shape), manager.create(mask, shape));
    }

    /**
     * One teacher-forced pass over the prompt, the rollouts' latents (fed as z·σ_e), {@code <eot>} and every answer token
     * but the last (which ended the rollout), scoring each step as {@link #sample} did.
     */
    @Override
    public NDArray logProbabilities(Backbone model, Batch batch, Rollouts rollouts, CurriculumStage stage) {
        ColarOptions options = ColarOptions.of(stage.settings());
        NDManager manager = batch.manager();
        Vocabulary vocabulary = batch.vocabulary();
        LatentHead head = LatentHead.of(model);
        int n = batch.size();
        int size = model.config().vocabularySize();
        int eot = vocabulary.id(EOT);
        NDArray kindArray = rollouts.actions().get(KINDS);
        NDArray tokenArray = rollouts.actions().get(TOKENS);
        NDArray latentArray = rollouts.actions().get(LATENTS);
        NDArray countArray = rollouts.actions().get(LATENT_COUNTS);
        if (kindArray == null || tokenArray == null || latentArray == null || countArray == null
                || kindArray.getShape().dimension() != 2 || kindArray.getShape().get(0) != n) {
            throw new IllegalArgumentException("The colar method scores only rollouts it sampled itself for the same " + n
                    + " examples, with the actions '" + KINDS + "', '" + TOKENS + "', '" + LATENTS + "' and '" + LATENT_COUNTS + "'.");
        }
        int longest = Math.toIntExact(kindArray.getShape().get(1));
        int[] kinds = kindArray.toType(DataType.INT32, false).toIntArray();
        int[] tokens = tokenArray.toType(DataType.INT32, false).toIntArray();
        int[] counts = countArray.toType(DataType.INT32, false).toIntArray();

        List<List<Integer>> prompts = new ArrayList<>();
        List<List<Integer>> continuations = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            prompts.add(prompt(batch.examples().get(b), options.compression(), vocabulary));
            List<Integer> answer = new ArrayList<>();
            for (int j = 0; j < longest; j++) {
                if (kinds[b * longest + j] == KIND_TOKEN) {
                    answer.add(tokens[b * longest + j]);
                }
            }
            List<Integer> continuation = new ArrayList<>(List.of(eot));
            continuation.addAll(answer.subList(0, Math.max(0, answer.size() - 1)));
            continuations.add(continuation);
        }
        LatentRows rows = LatentRows.of(prompts, counts, continuations, vocabulary.id(Vocabulary.PAD));
        int length = rows.length();
        int mostLatents = Math.toIntExact(latentArray.getShape().get(1));

        // per step: the column whose output scores it, and per column the token a stop or answer step took
        long[] columns = new long[n * longest];
        long[] tokenAt = new long[n * length];
        boolean[] isToken = new boolean[n * longest];
        boolean[] isContinue = new boolean[n * longest];
        boolean[] isLatent = new boolean[n * longest];
        float[] placement = new float[n * length * Math.max(1, mostLatents)];
        for (int b = 0; b < n; b++) {
            int latent = 0;
            int answered = 0;
            for (int j = 0; j < longest; j++) {
                int at = b * longest + j;
                int kind = kinds[at];
                int column;
                if (kind == KIND_NONE) {
                    continue;
                } else if (kind == KIND_TOKEN) {
                    column = rows.slotColumn(b, counts[b]) + answered++;   // the <eot> column predicts the first
                } else {
                    column = rows.predictingColumn(b, latent);
                }
                columns[at] = column;
                isToken[at] = kind == KIND_TOKEN || kind == KIND_STOP;
                isContinue[at] = kind == KIND_CONTINUE;
                isLatent[at] = kind == KIND_LATENT;
                if (isToken[at]) {
                    tokenAt[b * length + column] = kind == KIND_STOP ? eot : tokens[at];
                }
                if (kind == KIND_LATENT) {
                    placement[(b * length + column) * mostLatents + latent] = 1f;
                    latent++;
                }
            }
        }

        NDArray scale = manager.create(LatentHead.embeddingScale(model, manager));
        NDArray latents = latentArray.toType(DataType.FLOAT32, false);
        NDArray inputs = rows.inputs(model.embed(rows.ids(manager)), rows.maxSlots() == 0 ? latents : latents.mul(scale), manager);
        Forward pass = model.forward(inputs, 0, null, Taps.LOGITS);
        NDArray log = pass.logits().logSoftmax(-1);   // [n, T, V]
        NDArray tokenLog = log.gather(manager.create(tokenAt, new Shape(n, length, 1)), -1).squeeze(-1);
        float[] notEot = new float[size];
        java.util.Arrays.fill(notEot, 1f);
        notEot[eot] = 0f;
        NDArray continueLog = log.exp().mul(manager.create(notEot)).sum(new int[] {-1})
                .maximum(manager.create(Float.MIN_NORMAL)).log();   // log(1 − p(eot))
        NDArray latentLog;
        if (mostLatents == 0) {
            latentLog = manager.zeros(new Shape(n, length), DataType.FLOAT32);
        } else {
            NDArray zAtColumns = manager.create(placement, new Shape(n, length, mostLatents)).matMul(latents);
            latentLog = LatentHead.logDensity(zAtColumns, head.predict(pass.hidden()));
        }
        Shape shape = new Shape(n, longest);
        NDArray index = manager.create(columns, shape);
        NDArray zero = manager.zeros(shape, DataType.FLOAT32);
        NDArray out = NDArrays.where(manager.create(isToken, shape), tokenLog.gather(index, 1), zero);
        out = out.add(NDArrays.where(manager.create(isContinue, shape), continueLog.gather(index, 1), zero));
        return out.add(NDArrays.where(manager.create(isLatent, shape), latentLog.gather(index, 1), zero));
    }

    /** {@code <bos> question <sep> <speed-r> <bot>}. */
    static List<Integer> prompt(Example example, int r, Vocabulary vocabulary) {
        List<Integer> ids = TokenLayout.prompt(example, vocabulary);
        ids.add(vocabulary.id(speed(r)));
        ids.add(vocabulary.id(BOT));
        return ids;
    }

    private void checkVocabulary(Backbone model, Vocabulary vocabulary) {
        int vocabularySize = model.config().vocabularySize();
        if (vocabulary.size() > vocabularySize) {
            throw new IllegalArgumentException("The vocabulary has " + vocabulary.size() + " tokens but the backbone only "
                    + vocabularySize + " embeddings; build the backbone with the data's vocabulary size.");
        }
        for (String token : specialTokens()) {
            if (!vocabulary.contains(token)) {
                throw new IllegalArgumentException("The vocabulary lacks the colar method's token '" + token
                        + "'; build it with the method's special tokens.");
            }
        }
    }

    /** log Σ_{v ≠ excluded} p(v) = log(1 − p(excluded)), from a row of log-probabilities. */
    private static double logNot(float[] log, int offset, int size, int excluded) {
        double sum = 0;
        for (int v = 0; v < size; v++) {
            if (v != excluded) {
                sum += Math.exp(log[offset + v]);
            }
        }
        return Math.log(Math.max(sum, Float.MIN_NORMAL));
    }

    private static int argMax(NDArray logits) {
        return (int) logits.argMax(-1).toType(DataType.INT64, false).getLong();
    }

    private static float[] gaussian(int n, Random random) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }

    private static int[] ints(List<Integer> ids) {
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
