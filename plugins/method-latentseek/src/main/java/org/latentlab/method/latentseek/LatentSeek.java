package org.latentlab.method.latentseek;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.Curriculum;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.method.ReasoningMethod;
import org.latentlab.api.method.TokenLayout;
import org.latentlab.api.model.Backbone;

import org.osgi.service.component.annotations.Component;

/**
 * LatentSeek (Li et al., "Seek in the Dark: Reasoning via Test-Time Instance-Level Policy Gradient in Latent Space"):
 * a chain-of-thought model, trained exactly as {@code cot}, that searches each problem's answer at test time by policy
 * gradient on the latents behind its first tokens, the model's weights untouched.
 * <p>
 * Per problem: decode greedily x_1 … x_T with z_t the final hidden state whose LM head gave x_t, and score it; while the
 * reward R stays below {@code threshold}, for at most {@code iterations} steps, take one Adam step on z_1 … z_k
 * (k = ⌈ρ·T⌉ of the first solution, as the paper's code fixes it) along the gradient of
 * −(R − b) · Σ_{t ≤ k} log softmax(lmHead(z_t))[x_t], decode x'_t = argmax lmHead(z'_t) for t ≤ k, let the model go on
 * greedily after them, and score the new solution. The answer returned is the best-rewarded one seen (the later on a tie).
 * <p>
 * The advantage R − b stands where the paper has R: its self-reward is negative for a bad answer, so the gradient pushes
 * the latents away from that answer's tokens; with a 0/1 reward and the default baseline b = 1 a wrong answer (R = 0)
 * does the same, and a reward equal to b moves nothing. Without a reward the method is plain chain of thought:
 * {@link #solve} decodes greedily.
 */
@Component(service = ReasoningMethod.class)
@ComponentName(LatentSeek.NAME)
public final class LatentSeek extends SearchingChainOfThought {

    /** The name a spec gives this method. */
    static final String NAME = "latentseek";

    @Override
    public Set<String> options() {
        return LatentSeekOptions.NAMES;
    }

    /** One stage of every epoch, carrying the checked options with their defaults. */
    @Override
    public Curriculum curriculum(Map<String, Object> options, int epochs) {
        return Curriculum.single(epochs, LatentSeekOptions.of(options).settings());
    }

    @Override
    public List<Found> search(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding, Score reward) {
        LatentSeekOptions options = LatentSeekOptions.of(stage.settings());
        List<Found> found = new ArrayList<>();
        try (NDManager scope = batch.manager().newSubManager()) {
            ParameterGradients untouched = ParameterGradients.save(model, scope);
            try {
                for (Example example : batch.examples()) {
                    try (NDManager manager = batch.manager().newSubManager()) {
                        found.add(seek(model, example, stage, batch.vocabulary(), decoding, reward, options, manager));
                    }
                }
            } finally {
                untouched.restore(model);
            }
        }
        return found;
    }

    /** The search on one problem. */
    private Found seek(Backbone model, Example example, CurriculumStage stage, Vocabulary vocabulary, Decoding decoding,
                       Score reward, LatentSeekOptions options, NDManager manager) {
        List<Integer> prompt = prompt(example, stage, vocabulary);
        GreedySolution solution = GreedySolution.decode(model, prompt, List.of(), vocabulary, decoding.maxNewTokens(), manager);
        Answer answer = solution.answer(vocabulary);
        double r = SearchReward.of(reward, example, answer);
        int decodes = 1;
        Answer best = answer;
        double bestReward = r;
        if (r >= options.threshold() || options.iterations() == 0) {
            return new Found(best, decodes, bestReward);
        }
        int k = options.optimisedLatents(solution.tokens().size());
        long d = model.config().dModel();
        NDArray first = solution.latents().get("0:" + k);
        DataType type = first.getDataType();
        float[] z = first.toType(DataType.FLOAT32, false).toFloatArray();
        int[] x = solution.tokens().subList(0, k).stream().mapToInt(Integer::intValue).toArray();
        int counted = k;
        LatentAdam adam = new LatentAdam(z.length, options.learningRate());
        for (int i = 0; i < options.iterations(); i++) {
            adam.step(z, LatentPolicyGradient.gradient(model, z, x, counted, r - options.baseline(), type, manager));
            x = tokens(model, z, k, d, type, manager);   // x'_t = argmax lmHead(z'_t), t ≤ k
            List<Integer> written = new ArrayList<>();
            for (int token : x) {
                written.add(token);
            }
            try (NDManager pass = manager.newSubManager()) {
                solution = GreedySolution.decode(model, prompt, written, vocabulary, decoding.maxNewTokens(), pass);
                answer = solution.answer(vocabulary);
            }
            counted = Math.min(k, solution.tokens().size());   // an <eos> among x'_1 … x'_k ends the solution there
            r = SearchReward.of(reward, example, answer);
            decodes++;
            if (r >= bestReward) {
                best = answer;
                bestReward = r;
            }
            if (r >= options.threshold()) {
                break;
            }
        }
        return new Found(best, decodes, bestReward);
    }

    /** argmax lmHead(z_t) for each of the k latents. */
    private static int[] tokens(Backbone model, float[] z, int k, long d, DataType type, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray latents = scope.create(z, new Shape(k, d)).toType(type, false);
            return model.lmHead(latents).argMax(-1).toType(DataType.INT32, false).toIntArray();
        }
    }
}
