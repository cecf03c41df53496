package org.latentlab.reward.multiplication;

import java.math.BigInteger;
import java.util.List;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;

/**
 * The operands of a multiplication question in the form of the implicit chain-of-thought papers' data (Deng et al.,
 * 2023 and 2024), which the published {@code 4x4_valid.txt} and {@code 5x5_valid.txt} files and the multiplication
 * dataset share: single digits separated by spaces, <em>least significant digit first</em>, the multiplicand, then
 * {@code *}, then the multiplier. For 2365 × 4347 the question is {@code "5 6 3 2 * 7 4 3 4"}.
 *
 * @param multiplicand the multiplicand's digits, least significant first
 * @param multiplier   the multiplier's digits, least significant first
 */
record MultiplicationQuestion(List<Integer> multiplicand, List<Integer> multiplier) {

    private static final String TIMES = "*";

    MultiplicationQuestion {
        multiplicand = List.copyOf(multiplicand);
        multiplier = List.copyOf(multiplier);
    }

    /**
     * Reads the question of an example.
     *
     * @throws IllegalArgumentException when the question is not two runs of single digits joined by one {@code *}
     */
    static MultiplicationQuestion of(Example example) {
        List<String> words = Vocabulary.words(example.question());
        int times = words.indexOf(TIMES);
        List<Integer> a = times < 0 ? null : WrittenNumber.digits(words.subList(0, times));
        List<Integer> b = times < 0 ? null : WrittenNumber.digits(words.subList(times + 1, words.size()));
        if (a == null || b == null || a.isEmpty() || b.isEmpty()) {
            throw new IllegalArgumentException("The question of example " + example.id() + " is not a multiplication in the "
                    + "dataset's form (single digits least significant first, '*', then the multiplier's digits, as in "
                    + "'5 6 3 2 * 7 4 3 4'), so the multiplication-verifier cannot check reasoning about it.");
        }
        return new MultiplicationQuestion(a, b);
    }

    /** m, the number of steps: one partial product per digit of the multiplier. */
    int steps() {
        return multiplier.size();
    }

    /** The partial product of step k: the multiplicand times digit k of the multiplier, shifted k places (× 10^k). */
    BigInteger partialProduct(int k) {
        return WrittenNumber.value(multiplicand).multiply(BigInteger.valueOf(multiplier.get(k))).multiply(BigInteger.TEN.pow(k));
    }

    /** How many digits step k writes for its partial product and its running sum: n + 1 + k. */
    int stepWidth(int k) {
        return multiplicand.size() + 1 + k;
    }

    /** How many digits the answer has: n + m, the product padded with zeros. */
    int answerWidth() {
        return multiplicand.size() + multiplier.size();
    }
}
