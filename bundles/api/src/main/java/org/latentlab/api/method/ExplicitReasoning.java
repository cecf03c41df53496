package org.latentlab.api.method;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.Capability;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.Forward;
import org.latentlab.api.model.KvCache;
import org.latentlab.api.model.Taps;

/**
 * A method that reasons in tokens only: it trains on {@code <bos> question <sep> [silent tokens] reasoning <answer>
 * answer <eos>} with cross-entropy on everything after {@code <sep>} and the silent tokens, and answers by greedy
 * decoding after the prompt and the silent tokens. Subclasses choose the reasoning the model is taught to write and
 * any silent tokens (pauses) it is given for free. As a {@link Policy} every generated token is one action, sampled
 * from softmax(logits) until {@code <eos>}, so GRPO can train any such method on tokens.
 */
public abstract class ExplicitReasoning implements ReasoningMethod, Policy {

    /** Action arrays of {@link Rollouts#actions()}: the sampled token ids {@code [n, L]} int32, {@code <eos>} included, -1 past the end. */
    public static final String TOKENS = "tokens";

    /** The reasoning steps this method teaches for an example (none for answer-only training). */
    protected abstract List<String> reasoning(Example example);

    /** Tokens placed after {@code <sep>} that the model reads but is not taught to write (none by default). */
    protected List<String> silentTokens(Example example, CurriculumStage stage) {
        return List.of();
    }

    /** The prompt the model starts from: {@code <bos> question <sep>} and the silent tokens. */
    protected List<Integer> prompt(Example example, CurriculumStage stage, Vocabulary vocabulary) {
        List<Integer> ids = TokenLayout.prompt(example, vocabulary);
        for (String token : silentTokens(example, stage)) {
            ids.add(vocabulary.id(token));
        }
        return ids;
    }

    @Override
    public Set<Capability> provides() {
        return Set.of(Capability.TOKEN_LOGITS, Capability.LAYER_STATES, Capability.POLICY_LOGPROB);
    }

    @Override
    public Curriculum curriculum(Map<String, Object> options, int epochs) {
        return Curriculum.single(epochs, options);
    }

    @Override
    public LatentTrace forward(Backbone model, Batch batch, CurriculumStage stage) {
        List<TokenLayout.Sequence> sequences = new ArrayList<>();
        for (Example example : batch.examples()) {
            List<Integer> ids = prompt(example, stage, batch.vocabulary());
            int promptLength = ids.size();
            ids.addAll(TokenLayout.continuation(example, reasoning(example), batch.vocabulary()));
            sequences.add(new TokenLayout.Sequence(ids, promptLength));
        }
        TokenLayout.Packed packed = TokenLayout.pack(sequences, batch.vocabulary(), batch.manager());
        Forward forward = model.forward(model.embed(packed.ids()), 0, null, Taps.ALL);   // the states exist for backward anyway
        return new LatentTrace(forward.logits(), packed.labels(), null, forward.residualStream(), packed.tokens());
    }

    /**
     * Greedy answers for the whole batch at once, through one key/value cache, prompts left-padded: one pass over the
     * prompts, then one single-column pass per generated token for every row still writing, until each row has written
     * {@code <eos>} or {@link Decoding#maxNewTokens()} tokens. Padding is masked, so a row's answer does not depend on the
     * rows beside it (up to the last bits of the products' rounding, which can differ with the batch's shape).
     */
    @Override
    public List<Answer> solve(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding) {
        NDManager manager = batch.manager();
        Vocabulary vocabulary = batch.vocabulary();
        int pad = vocabulary.id(Vocabulary.PAD);
        List<List<Integer>> prompts = new ArrayList<>();
        for (Example example : batch.examples()) {
            prompts.add(prompt(example, stage, vocabulary));
        }
        List<List<String>> generated;
        try (NDManager scope = manager.newSubManager(); KvCache cache = model.newCache()) {
            LeftPaddedPrompts padded = LeftPaddedPrompts.of(prompts, pad);
            NDArray hidden = padded.forward(model, cache, Taps.HIDDEN, scope).hidden();
            generated = GreedyDecoder.decodeRows(model, hidden.get(new NDIndex(":, -1:, :")), padded.lengths(), cache, vocabulary,
                    decoding.maxNewTokens(), scope);
        }
        List<Answer> answers = new ArrayList<>();
        for (List<String> tokens : generated) {
            answers.add(TokenLayout.answer(tokens, 0));
        }
        return answers;
    }

    /**
     * All rollouts together through one key/value cache, prompts left-padded: each draws a token from softmax(logits)
     * until {@code <eos>} or {@link Decoding#maxNewTokens()} tokens ({@code <eos>} counts as an action but not as a
     * generated token).
     */
    @Override
    public Rollouts sample(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding, Random random) {
        return sample(model, batch, stage, decoding, random, 1.0);
    }

    /**
     * {@link #sample(Backbone, Batch, CurriculumStage, Decoding, Random)} from softmax(logits / temperature), as best-of-N
     * sampling draws; the recorded log-probabilities are those of the tempered distribution.
     *
     * @throws IllegalArgumentException when the temperature is not a positive number
     */
    public Rollouts sample(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding, Random random, double temperature) {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("The sampling temperature must be a positive number, not " + temperature + ".");
        }
        NDManager manager = batch.manager();
        Vocabulary vocabulary = batch.vocabulary();
        int n = batch.size();
        int size = model.config().vocabularySize();
        int pad = vocabulary.id(Vocabulary.PAD);
        int eos = vocabulary.id(Vocabulary.EOS);
        List<List<Integer>> prompts = new ArrayList<>();
        for (Example example : batch.examples()) {
            prompts.add(prompt(example, stage, vocabulary));
        }
        LeftPaddedPrompts padded = LeftPaddedPrompts.of(prompts, pad);
        int[] next = padded.lengths();
        try (KvCache cache = model.newCache()) {
            NDArray hidden = padded.forward(model, cache, Taps.HIDDEN, manager).hidden();
            NDArray logits = model.lmHead(hidden.get(new NDIndex(":, -1, :")));   // [n, V]
            List<List<Integer>> tokens = new ArrayList<>();
            List<List<Float>> logs = new ArrayList<>();
            boolean[] done = new boolean[n];
            for (int b = 0; b < n; b++) {
                tokens.add(new ArrayList<>());
                logs.add(new ArrayList<>());
            }
            for (int t = 0; t < decoding.maxNewTokens(); t++) {
                NDArray tempered = temperature == 1.0 ? logits : logits.div(manager.create((float) temperature));
                float[] log = tempered.logSoftmax(-1).toType(DataType.FLOAT32, false).toFloatArray();
                int[] input = new int[n];
                int[] position = new int[n];
                int[] isReal = new int[n];
                boolean any = false;
                for (int b = 0; b < n; b++) {
                    input[b] = pad;
                    if (done[b]) {
                        continue;
                    }
                    int token = TokenSampling.draw(log, b * size, size, random);
                    tokens.get(b).add(token);
                    logs.get(b).add(log[b * size + token]);
                    if (token == eos || tokens.get(b).size() == decoding.maxNewTokens()) {
                        done[b] = true;
                        continue;
                    }
                    input[b] = token;
                    position[b] = next[b]++;
                    isReal[b] = 1;
                    any = true;
                }
                if (!any) {
                    break;
                }
                Shape one = new Shape(n, 1);
                hidden = model.forward(model.embed(manager.create(input, one)), manager.create(position, one),
                        manager.create(isReal, one), cache, Taps.HIDDEN).hidden();
                logits = model.lmHead(hidden.get(new NDIndex(":, -1, :")));
            }
            return tokenRollouts(tokens, logs, vocabulary, manager);
        }
    }

    /** One teacher-forced pass over each prompt and its sampled tokens; the log-probability of each token at the column before it. */
    @Override
    public NDArray logProbabilities(Backbone model, Batch batch, Rollouts rollouts, CurriculumStage stage) {
        NDManager manager = batch.manager();
        Vocabulary vocabulary = batch.vocabulary();
        int n = batch.size();
        NDArray tokenArray = sampledTokens(rollouts, n);
        int longest = Math.toIntExact(tokenArray.getShape().get(1));
        int[] tokens = tokenArray.toType(DataType.INT32, false).toIntArray();
        List<List<Integer>> sequences = new ArrayList<>();
        int length = 1;
        int[] promptLengths = new int[n];
        for (int b = 0; b < n; b++) {
            List<Integer> ids = prompt(batch.examples().get(b), stage, vocabulary);
            promptLengths[b] = ids.size();
            for (int j = 0; j < longest && tokens[b * longest + j] >= 0; j++) {
                ids.add(tokens[b * longest + j]);
            }
            sequences.add(ids);
            length = Math.max(length, ids.size());
        }
        int pad = vocabulary.id(Vocabulary.PAD);
        int[] ids = new int[n * length];
        long[] columns = new long[n * longest];
        long[] targets = new long[n * longest];
        for (int b = 0; b < n; b++) {
            List<Integer> row = sequences.get(b);
            for (int t = 0; t < length; t++) {
                ids[b * length + t] = t < row.size() ? row.get(t) : pad;
            }
            for (int j = 0; j < longest; j++) {
                int token = tokens[b * longest + j];
                columns[b * longest + j] = token < 0 ? 0 : promptLengths[b] - 1 + j;
                targets[b * longest + j] = Math.max(token, 0);
            }
        }
        NDArray log = model.forward(model.embed(manager.create(ids, new Shape(n, length))), 0, null, Taps.LOGITS).logits()
                .logSoftmax(-1);   // [n, T, V]
        int size = Math.toIntExact(log.getShape().get(2));
        NDArray atColumns = log.gather(manager.create(columns, new Shape(n, longest, 1)).broadcast(new Shape(n, longest, size)), 1);
        return atColumns.gather(manager.create(targets, new Shape(n, longest, 1)), 2).squeeze(2);
    }

    /**
     * Token rollouts as {@link #sample} lays them out: per rollout its sampled token ids ({@code <eos>} included where it
     * came) and their log-probabilities, as {@link #TOKENS} {@code [n, L]} (-1 past the end), log-probabilities and mask,
     * with each rollout's answer split from its tokens.
     */
    protected static Rollouts tokenRollouts(List<List<Integer>> tokens, List<List<Float>> logProbabilities, Vocabulary vocabulary,
                                            NDManager manager) {
        int n = tokens.size();
        int eos = vocabulary.id(Vocabulary.EOS);
        int longest = tokens.stream().mapToInt(List::size).max().orElse(0);
        int[] actions = new int[n * longest];
        float[] logs = new float[n * longest];
        float[] mask = new float[n * longest];
        java.util.Arrays.fill(actions, -1);
        List<Answer> answers = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            List<Integer> row = tokens.get(b);
            List<String> generated = new ArrayList<>();
            for (int j = 0; j < row.size(); j++) {
                actions[b * longest + j] = row.get(j);
                logs[b * longest + j] = logProbabilities.get(b).get(j);
                mask[b * longest + j] = 1f;
                if (row.get(j) != eos) {
                    generated.add(vocabulary.token(row.get(j)));
                }
            }
            answers.add(TokenLayout.answer(generated, 0));
        }
        Shape shape = new Shape(n, longest);
        return new Rollouts(answers, Map.of(TOKENS, manager.create(actions, shape)), manager.create(logs, shape),
                manager.create(mask, shape));
    }

    /**
     * The {@link #TOKENS} action {@code [n, L]} of rollouts this method sampled for {@code n} examples.
     *
     * @throws IllegalArgumentException when the rollouts carry no such action for {@code n} examples
     */
    protected static NDArray sampledTokens(Rollouts rollouts, int n) {
        NDArray tokens = rollouts.actions().get(TOKENS);
        if (tokens == null || tokens.getShape().dimension() != 2 || tokens.getShape().get(0) != n) {
            throw new IllegalArgumentException("A token policy scores only rollouts it sampled itself for the same " + n
                    + " examples, with the action '" + TOKENS + "'.");
        }
        return tokens;
    }
}
