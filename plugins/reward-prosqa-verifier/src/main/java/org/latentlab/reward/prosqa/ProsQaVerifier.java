package org.latentlab.reward.prosqa;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Example;
import org.latentlab.api.method.Answer;
import org.latentlab.api.reward.Reward;
import org.osgi.service.component.annotations.Component;

/**
 * A process reward for ProsQA that needs no answer key: the stated reasoning is checked against the facts of the
 * question itself (see {@link ProsQaQuestion} for the wording it reads), so a test-time search or a policy-gradient
 * trainer can score chains of thought on questions whose answer it does not know.
 *
 * <p>Scoring. The reasoning tokens are cut into stated steps after each {@code "."} token (a last piece without one
 * is a step too); let k be their number. A step is <em>valid</em> when it is, token for token, one of the question's
 * fact sentences and its subject continues the chain: the first step's subject is the person asked about, every
 * later step's subject is the previous step's object. Let L be the number of leading valid steps (the chain up to its
 * first break). The answer <em>follows</em> when its tokens are exactly the dataset's answer sentence
 * {@code "<person> is a <concept>."} for the asked person, the concept is one of the question's two options, and it
 * is the object of the last stated step. Then
 *
 * <pre>
 * score = 1                          when k &gt; 0, L = k and the answer follows
 * score = (L / k) · (1 or 1/2)       otherwise, the factor 1/2 when the answer does not follow
 * score = 0                          when there is no stated step (k = 0)
 * </pre>
 *
 * so every score is in [0, 1] and only a complete chain with the answer it reaches earns 1. Because the negative
 * option of a ProsQA question cannot be reached from the person, a score of 1 also means the answer is right. With
 * the option {@code partialCredit} false the score is 1 or 0.
 *
 * <p>Options: {@code partialCredit} (true or false, default true). A question not in ProsQA's form is refused with
 * an {@link IllegalArgumentException} naming the example: scoring it 0 would hide a misconfigured study.
 */
@Component(service = Reward.class)
@ComponentName("prosqa-verifier")
public final class ProsQaVerifier implements Reward {

    /** Option: graded credit below 1 for broken chains (true, the default) or 1 and 0 only (false). */
    public static final String PARTIAL_CREDIT = "partialCredit";

    /** What a complete valid chain earns when the answer does not name the option it reaches. */
    static final double ANSWER_MISSED = 0.5;

    @Override
    public Set<String> options() {
        return Set.of(PARTIAL_CREDIT);
    }

    @Override
    public void checkOptions(Map<String, Object> options) {
        partialCredit(options);
    }

    @Override
    public double score(Example example, Answer answer, Map<String, Object> options) {
        boolean partialCredit = partialCredit(options);
        ProsQaQuestion question = ProsQaQuestion.of(example);
        List<List<String>> steps = ProsQaQuestion.sentences(answer.reasoning());
        if (steps.isEmpty()) {
            return 0.0;
        }
        int valid = leadingValidSteps(question, steps);
        boolean follows = answerFollows(question, steps.get(steps.size() - 1), answer.answer());
        if (valid == steps.size() && follows) {
            return 1.0;
        }
        if (!partialCredit) {
            return 0.0;
        }
        return (double) valid / steps.size() * (follows ? 1.0 : ANSWER_MISSED);
    }

    /** L: how many steps, from the first, are facts of the question that continue the chain from the asked person. */
    private static int leadingValidSteps(ProsQaQuestion question, List<List<String>> steps) {
        String reached = question.person();
        int valid = 0;
        for (List<String> step : steps) {
            ProsQaQuestion.Edge edge = question.fact(step);
            if (edge == null || !edge.subject().equals(reached)) {
                break;
            }
            reached = edge.object();
            valid++;
        }
        return valid;
    }

    /** Whether the answer is "person is a concept." for the option the last stated step ends at. */
    private static boolean answerFollows(ProsQaQuestion question, List<String> lastStep, List<String> answer) {
        ProsQaQuestion.Edge last = ProsQaQuestion.edge(lastStep);
        return last != null && question.options().contains(last.object())
                && answer.equals(question.answerNaming(last.object()));
    }

    private static boolean partialCredit(Map<String, Object> options) {
        Object value = options.getOrDefault(PARTIAL_CREDIT, Boolean.TRUE);
        if (!(value instanceof Boolean b)) {
            throw new IllegalArgumentException("The prosqa-verifier reward's option '" + PARTIAL_CREDIT
                    + "' must be true or false, not " + value + ".");
        }
        return b;
    }
}
