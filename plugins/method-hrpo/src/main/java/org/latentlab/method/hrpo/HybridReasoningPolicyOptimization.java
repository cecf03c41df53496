package org.latentlab.method.hrpo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.osgi.service.component.annotations.Component;

import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.Curriculum;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.method.ExplicitReasoning;
import org.latentlab.api.method.ReasoningMethod;
import org.latentlab.api.method.Rollouts;
import org.latentlab.api.method.TokenLayout;
import org.latentlab.api.method.TokenSampling;
import org.latentlab.api.model.Backbone;

/**
 * Hybrid Reasoning Policy Optimization (Yue et al., "Hybrid Latent Reasoning via Reinforcement Learning"). Supervised,
 * it is plain chain of thought. As a policy and when it answers, every token it writes after {@code <sep>} and before
 * {@code <answer>} is fed back as a hybrid input: the token's embedding ê mixed by a learned gate with h̃, the hidden
 * state projected to embedding space ({@link HybridGate}, {@link HiddenInput}); from {@code <answer>} on (that token
 * included) it reads plain token embeddings. The gates start near the token embedding, so HRPO starts as the {@code cot}
 * method's GRPO and learns how much of the hidden state to read.
 */
@Component(service = ReasoningMethod.class)
@ComponentName("hrpo")
public final class HybridReasoningPolicyOptimization extends ExplicitReasoning {

    @Override
    protected List<String> reasoning(Example example) {
        return example.steps();
    }

    @Override
    public Set<String> options() {
        return HrpoOptions.NAMES;
    }

    /** The gates and Λ learn at their own rates, as in the paper's code, so the hidden features can phase in. */
    @Override
    public Map<String, Double> learningRateScales(Map<String, Object> options) {
        HrpoOptions checked = HrpoOptions.of(options);
        return Map.of(HybridGate.RESET_WEIGHT, checked.gateLearningRate(), HybridGate.RESET_BIAS, checked.gateLearningRate(),
                HybridGate.INPUT_WEIGHT, checked.gateLearningRate(), HybridGate.INPUT_BIAS, checked.gateLearningRate(),
                HybridGate.LAMBDA, checked.lambdaLearningRate());
    }

    /** Adds the gates W_r, W_i (with biases) and Λ to the backbone, Λ set from the option {@code gateInit}. */
    @Override
    public void initialise(Backbone model, Vocabulary vocabulary, Map<String, Object> options) {
        HybridGate.addTo(model, HrpoOptions.of(options).gateInit());
    }

    /** One stage of every epoch, carrying the checked options with their defaults. */
    @Override
    public Curriculum curriculum(Map<String, Object> options, int epochs) {
        return Curriculum.single(epochs, HrpoOptions.of(options).settings());
    }

    /** Greedy tokens, fed as hybrid inputs while reasoning, until {@code <eos>} or {@link Decoding#maxNewTokens()} tokens. */
    @Override
    public List<Answer> solve(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding) {
        try (NDManager manager = batch.manager().newSubManager()) {
            Generated generated = generate(model, batch, stage, decoding, manager, HybridReasoningPolicyOptimization::argMax);
            List<Answer> answers = new ArrayList<>();
            for (List<Integer> row : generated.tokens()) {
                answers.add(answer(row, batch.vocabulary()));
            }
            return answers;
        }
    }

    /**
     * All rollouts together through one key/value cache, prompts left-padded: each draws a token from softmax(logits)
     * and feeds its hybrid input while reasoning, until {@code <eos>} or {@link Decoding#maxNewTokens()} tokens
     * ({@code <eos>} counts as an action but not as a generated token). The actions are {@link #TOKENS}, laid out as
     * {@link ExplicitReasoning}'s.
     */
    @Override
    public Rollouts sample(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding, Random random) {
        NDManager manager = batch.manager();
        Generated generated;
        try (NDManager scratch = manager.newSubManager()) {
            generated = generate(model, batch, stage, decoding, scratch,
                    (log, offset, size) -> TokenSampling.draw(log, offset, size, random));
        }
        return tokenRollouts(generated.tokens(), generated.logProbabilities(), batch.vocabulary(), manager);
    }

    /**
     * Replays the rollouts column by column through one key/value cache under the current parameters, feeding each
     * stored token's hybrid input (rebuilt from the current logits and gates) while reasoning, and gathers each token's
     * log-probability under softmax(logits); gradients reach the backbone, the gates and Λ, and the h̃ path.
     */
    @Override
    public NDArray logProbabilities(Backbone model, Batch batch, Rollouts rollouts, CurriculumStage stage) {
        NDManager manager = batch.manager();
        Vocabulary vocabulary = batch.vocabulary();
        int n = batch.size();
        NDArray tokenArray = sampledTokens(rollouts, n);
        int longest = Math.toIntExact(tokenArray.getShape().get(1));
        int[] tokens = tokenArray.toType(DataType.INT32, false).toIntArray();
        int answerId = vocabulary.id(Vocabulary.ANSWER);
        HrpoOptions options = HrpoOptions.of(stage.settings());
        try (HybridColumns columns = new HybridColumns(model, options.temperature(), vocabulary.id(Vocabulary.PAD), manager)) {
            NDArray logits = columns.prompts(prompts(batch));
            boolean[] answered = new boolean[n];
            List<NDArray> scored = new ArrayList<>();
            for (int j = 0; j < longest; j++) {
                long[] targets = new long[n];
                int[] fed = new int[n];
                boolean[] real = new boolean[n];
                boolean[] thinking = new boolean[n];
                for (int b = 0; b < n; b++) {
                    int token = tokens[b * longest + j];
                    targets[b] = Math.max(token, 0);   // past a rollout's end: any finite entry, the mask drops it
                    answered[b] |= token == answerId;
                    real[b] = token >= 0 && j + 1 < longest && tokens[b * longest + j + 1] >= 0;
                    fed[b] = Math.max(token, 0);
                    thinking[b] = !answered[b];
                }
                // log π(token_j) at the column that predicted it
                scored.add(logits.logSoftmax(-1).gather(manager.create(targets, new Shape(n, 1)), 1));
                if (j + 1 < longest) {
                    logits = columns.feed(fed, real, thinking, logits);
                }
            }
            if (scored.isEmpty()) {
                return manager.zeros(new Shape(n, 0));
            }
            return NDArrays.concat(new NDList(scored), 1);
        }
    }

    /** The prompts {@code <bos> question <sep>} of a batch. */
    private static List<List<Integer>> prompts(Batch batch) {
        List<List<Integer>> prompts = new ArrayList<>();
        for (Example example : batch.examples()) {
            prompts.add(TokenLayout.prompt(example, batch.vocabulary()));
        }
        return prompts;
    }

    /** How a rollout picks its next token from a row of log-probabilities. */
    @FunctionalInterface
    private interface TokenChoice {
        int pick(float[] logProbabilities, int offset, int size);
    }

    /** Each rollout's tokens ({@code <eos>} included when it came) and their log-probabilities. */
    private record Generated(List<List<Integer>> tokens, List<List<Float>> logProbabilities) {
    }

    /** The rollouts of a batch, each picking tokens by {@code choice} until {@code <eos>} or the token budget. */
    private static Generated generate(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding, NDManager manager,
                                      TokenChoice choice) {
        Vocabulary vocabulary = batch.vocabulary();
        int n = batch.size();
        int size = model.config().vocabularySize();
        int eos = vocabulary.id(Vocabulary.EOS);
        int answerId = vocabulary.id(Vocabulary.ANSWER);
        HrpoOptions options = HrpoOptions.of(stage.settings());
        List<List<Integer>> tokens = new ArrayList<>();
        List<List<Float>> logs = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            tokens.add(new ArrayList<>());
            logs.add(new ArrayList<>());
        }
        try (HybridColumns columns = new HybridColumns(model, options.temperature(), vocabulary.id(Vocabulary.PAD), manager)) {
            NDArray logits = columns.prompts(prompts(batch));
            boolean[] done = new boolean[n];
            boolean[] answered = new boolean[n];
            for (int t = 0; t < decoding.maxNewTokens(); t++) {
                float[] log = logits.logSoftmax(-1).toType(DataType.FLOAT32, false).toFloatArray();
                int[] input = new int[n];
                boolean[] real = new boolean[n];
                boolean[] thinking = new boolean[n];
                boolean any = false;
                for (int b = 0; b < n; b++) {
                    if (done[b]) {
                        continue;
                    }
                    int token = choice.pick(log, b * size, size);
                    tokens.get(b).add(token);
                    logs.get(b).add(log[b * size + token]);
                    if (token == eos || tokens.get(b).size() == decoding.maxNewTokens()) {
                        done[b] = true;
                        continue;
                    }
                    answered[b] |= token == answerId;
                    input[b] = token;
                    real[b] = true;
                    thinking[b] = !answered[b];
                    any = true;
                }
                if (!any) {
                    break;
                }
                logits = columns.feed(input, real, thinking, logits);
            }
        }
        return new Generated(tokens, logs);
    }

    private static int argMax(float[] logProbabilities, int offset, int size) {
        int best = 0;
        for (int v = 1; v < size; v++) {
            if (logProbabilities[offset + v] > logProbabilities[offset + best]) {
                best = v;
            }
        }
        return best;
    }

    /** The answer of a rollout's tokens, {@code <eos>} left out. */
    private static Answer answer(List<Integer> row, Vocabulary vocabulary) {
        int eos = vocabulary.id(Vocabulary.EOS);
        List<String> generated = new ArrayList<>();
        for (int token : row) {
            if (token != eos) {
                generated.add(vocabulary.token(token));
            }
        }
        return TokenLayout.answer(generated, 0);
    }
}
