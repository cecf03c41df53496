package org.latentlab.api.method;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDManager;
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
 * any silent tokens (pauses) it is given for free.
 */
public abstract class ExplicitReasoning implements ReasoningMethod {

    /** The reasoning steps this method teaches for an example (none for answer-only training). */
    protected abstract List<String> reasoning(Example example);

    /** Tokens placed after {@code <sep>} that the model reads but is not taught to write (none by default). */
    protected List<String> silentTokens(Example example, CurriculumStage stage) {
        return List.of();
    }

    /** The prompt the model starts from: {@code <bos> question <sep>} and the silent tokens. */
    private List<Integer> prompt(Example example, CurriculumStage stage, Vocabulary vocabulary) {
        List<Integer> ids = TokenLayout.prompt(example, vocabulary);
        for (String token : silentTokens(example, stage)) {
            ids.add(vocabulary.id(token));
        }
        return ids;
    }

    @Override
    public Set<Capability> provides() {
        return Set.of(Capability.TOKEN_LOGITS, Capability.LAYER_STATES);
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

    @Override
    public List<Answer> solve(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding) {
        Vocabulary vocabulary = batch.vocabulary();
        List<Answer> answers = new ArrayList<>();
        for (Example example : batch.examples()) {
            try (NDManager manager = batch.manager().newSubManager(); KvCache cache = model.newCache()) {
                List<Integer> prompt = prompt(example, stage, vocabulary);
                int[] ids = prompt.stream().mapToInt(Integer::intValue).toArray();
                List<String> generated = GreedyDecoder.decode(model, model.embed(manager.create(ids, new Shape(1, ids.length))),
                        cache, vocabulary, decoding.maxNewTokens(), manager);
                answers.add(TokenLayout.answer(generated, 0));
            }
        }
        return answers;
    }
}
