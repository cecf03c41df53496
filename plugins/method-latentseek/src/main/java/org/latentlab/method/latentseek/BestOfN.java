package org.latentlab.method.latentseek;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import ai.djl.ndarray.NDManager;

import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Example;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.Curriculum;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.method.ReasoningMethod;
import org.latentlab.api.model.Backbone;

import org.osgi.service.component.annotations.Component;

/**
 * Best-of-N, LatentSeek's baseline at an equal decoding budget: a chain-of-thought model, trained exactly as {@code cot},
 * that answers each problem greedily, then draws whole answers at {@code temperature} one at a time until one's reward
 * reaches {@code threshold} or {@code samples} answers are decoded in all, the greedy one included, and returns the
 * best-rewarded (the earlier on a tie). Without a reward it is plain chain of thought: {@link #solve} decodes greedily.
 */
@Component(service = ReasoningMethod.class)
@ComponentName(BestOfN.NAME)
public final class BestOfN extends SearchingChainOfThought {

    /** The name a spec gives this method. */
    static final String NAME = "best-of-n";

    @Override
    public Set<String> options() {
        return BestOfNOptions.NAMES;
    }

    /** One stage of every epoch, carrying the checked options with their defaults. */
    @Override
    public Curriculum curriculum(Map<String, Object> options, int epochs) {
        return Curriculum.single(epochs, BestOfNOptions.of(options).settings());
    }

    @Override
    public List<Found> search(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding, Score reward) {
        BestOfNOptions options = BestOfNOptions.of(stage.settings());
        List<Found> found = new ArrayList<>();
        for (Example example : batch.examples()) {
            Random random = options.randomFor(example.id());
            Answer best;
            try (NDManager manager = batch.manager().newSubManager()) {
                best = solve(model, new Batch(List.of(example), batch.vocabulary(), manager), stage, decoding).get(0);
            }
            double bestReward = SearchReward.of(reward, example, best);
            int decodes = 1;
            while (bestReward < options.threshold() && decodes < options.samples()) {
                Answer sample;
                try (NDManager manager = batch.manager().newSubManager()) {
                    sample = sample(model, new Batch(List.of(example), batch.vocabulary(), manager), stage, decoding, random,
                            options.temperature())
                            .answers().get(0);
                }
                double r = SearchReward.of(reward, example, sample);
                decodes++;
                if (r > bestReward) {
                    best = sample;
                    bestReward = r;
                }
            }
            found.add(new Found(best, decodes, bestReward));
        }
        return found;
    }
}
