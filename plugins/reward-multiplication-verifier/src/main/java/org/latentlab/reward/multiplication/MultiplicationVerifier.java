package org.latentlab.reward.multiplication;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Example;
import org.latentlab.api.method.Answer;
import org.latentlab.api.reward.Reward;
import org.osgi.service.component.annotations.Component;

/**
 * A process reward for long multiplication that needs no answer key: each stated partial product is checked against
 * the operands of the question, each stated running sum and the answer against the steps before them. The text is
 * the multiplication data's (see {@link MultiplicationQuestion}, {@link StatedStep}): digits least significant first,
 * one token each. For 2365 × 4347 the steps are {@code 5 5 5 6 1}, {@code + 0 0 6 4 9 0 ( 5 5 1 1 1 1 )},
 * {@code + 0 0 5 9 0 7 0 ( 5 5 6 0 2 8 0 )}, {@code + 0 0 0 0 6 4 9 0} and the answer {@code 5 5 6 0 8 2 0 1}.
 *
 * <p>Scoring, for a multiplicand of n digits and a multiplier b of m digits. The reasoning tokens are cut before each
 * {@code "+"} into stated steps s<sub>0</sub>, s<sub>1</sub>, .... A number is read from a run of tokens only when
 * the run is exactly the expected count of single digits; otherwise it is unread. The checks are:
 *
 * <ol>
 * <li>partial product, for each k in 0..m-1: s<sub>k</sub> exists, starts with {@code "+"} exactly when k &gt; 0,
 *     carries a bracket only when 0 &lt; k &lt; m-1, and its digits before any bracket are the n + 1 + k digits of
 *     multiplicand × b<sub>k</sub> × 10<sup>k</sup> (k leading zeros, then the product);</li>
 * <li>running sum, for each k in 1..m-2: s<sub>k</sub> ends with {@code ( S )}, S read as n + 1 + k digits, and S =
 *     T<sub>k-1</sub> + P<sub>k</sub>, where P<sub>k</sub> is the partial product as stated in s<sub>k</sub> and
 *     T<sub>k</sub> the total as stated: T<sub>0</sub> = P<sub>0</sub>; T<sub>k</sub> = S when S is read, else
 *     T<sub>k-1</sub> + P<sub>k</sub>; T<sub>m-1</sub> = T<sub>m-2</sub> + P<sub>m-1</sub> (the last step states
 *     no sum); a total built from an unread number is unread and fails every check that uses it;</li>
 * <li>answer: the answer's tokens are exactly n + m digits whose value is T<sub>m-1</sub>.</li>
 * </ol>
 *
 * That makes 2m - 1 checks for m &ge; 2 (7 for 4 × 4) and 2 for m = 1; every stated step beyond the m-th adds one
 * failed check. Reward = passed checks / checks, in [0, 1]; 1 only when the steps are those of the data and the
 * answer is the product. Each check compares with the stated steps before it, so one wrong partial product costs its
 * own check and the next running sum, not every later one. Empty reasoning scores 0.
 *
 * <p>Options: none. A question not in the data's form is refused with an {@link IllegalArgumentException} naming
 * the example: scoring it 0 would hide a misconfigured study.
 */
@Component(service = Reward.class)
@ComponentName("multiplication-verifier")
public final class MultiplicationVerifier implements Reward {

    @Override
    public double score(Example example, Answer answer, Map<String, Object> options) {
        MultiplicationQuestion question = MultiplicationQuestion.of(example);
        List<StatedStep> steps = StatedStep.split(answer.reasoning());
        int m = question.steps();
        int checks = 0;
        int passed = 0;
        BigInteger total = null;
        for (int k = 0; k < m; k++) {
            StatedStep step = k < steps.size() ? steps.get(k) : null;
            int width = question.stepWidth(k);
            boolean carriesSum = k > 0 && k < m - 1;
            BigInteger partial = step == null ? null : step.partialProduct(width);

            checks++;
            if (step != null && step.plus() == (k > 0) && (carriesSum || step.tail().isEmpty())
                    && question.partialProduct(k).equals(partial)) {
                passed++;
            }

            BigInteger sum = k == 0 ? partial : add(total, partial);
            if (carriesSum) {
                BigInteger stated = step == null ? null : step.runningSum(width);
                checks++;
                if (stated != null && stated.equals(sum)) {
                    passed++;
                }
                total = stated != null ? stated : sum;
            } else {
                total = sum;
            }
        }

        checks++;
        if (total != null && total.equals(WrittenNumber.value(answer.answer(), question.answerWidth()))) {
            passed++;
        }
        checks += Math.max(0, steps.size() - m);
        return (double) passed / checks;
    }

    /** x + y, unread when either is. */
    private static BigInteger add(BigInteger x, BigInteger y) {
        return x == null || y == null ? null : x.add(y);
    }
}
