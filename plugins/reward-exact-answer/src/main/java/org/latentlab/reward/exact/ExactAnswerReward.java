package org.latentlab.reward.exact;

import java.util.Map;

import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.api.reward.Reward;
import org.osgi.service.component.annotations.Component;

/**
 * The outcome reward of exact match: 1 when the answer's tokens are the expected answer's words, else 0. It is the
 * same test evaluation applies, so a policy trained on it is trained on what is measured.
 */
@Component(service = Reward.class)
@ComponentName("exact-answer")
public final class ExactAnswerReward implements Reward {

    @Override
    public double score(Example example, Answer answer, Map<String, Object> options) {
        return answer.answer().equals(Vocabulary.words(example.answer())) ? 1.0 : 0.0;
    }
}
