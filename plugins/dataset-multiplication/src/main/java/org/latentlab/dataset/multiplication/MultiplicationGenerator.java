package org.latentlab.dataset.multiplication;

import java.util.Random;
import java.util.Set;

import org.latentlab.api.data.Example;

/**
 * Draws n-by-n multiplication problems: each operand uniform over the n-digit numbers (leading digit 1 to 9, as in
 * the published files), drawing again whenever the question is one of the excluded ones.
 */
final class MultiplicationGenerator {

    private final int digits;
    private final int operands;
    private final int smallest;
    private final Set<String> excluded;
    private final Random random;

    /** @param excluded questions, in the published text, that are never drawn */
    MultiplicationGenerator(MultiplicationOptions options, Set<String> excluded, long seed) {
        this.digits = options.digits();
        this.operands = options.operands();
        this.smallest = operands / 9;
        this.excluded = excluded;
        this.random = new Random(seed);
    }

    /** The next problem of this generator's stream. */
    Example next(String id) {
        while (true) {
            int[] a = operand();
            int[] b = operand();
            if (!excluded.contains(MultiplicationText.question(a, b))) {
                return MultiplicationText.example(id, a, b);
            }
        }
    }

    /** A uniform n-digit number, least significant digit first. */
    private int[] operand() {
        int value = smallest + random.nextInt(operands);
        int[] out = new int[digits];
        for (int i = 0; i < digits; i++) {
            out[i] = value % 10;
            value /= 10;
        }
        return out;
    }
}
