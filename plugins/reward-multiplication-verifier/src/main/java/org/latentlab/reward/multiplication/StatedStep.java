package org.latentlab.reward.multiplication;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * One step of long multiplication as a model states it, in the data's form: {@code "+"} (on every step but the
 * first), the shifted partial product's digits, and on the middle steps the running sum in brackets:
 * {@code "+ 0 0 6 4 9 0 ( 5 5 1 1 1 1 )"}.
 *
 * @param plus    whether the step starts with {@code "+"}
 * @param partial the tokens after the {@code "+"} up to the first {@code "("}: the partial product's digits
 * @param tail    the tokens from the first {@code "("} on: the bracketed running sum, or nothing
 */
record StatedStep(boolean plus, List<String> partial, List<String> tail) {

    private static final String PLUS = "+";
    private static final String OPEN = "(";
    private static final String CLOSE = ")";

    StatedStep {
        partial = List.copyOf(partial);
        tail = List.copyOf(tail);
    }

    /** The reasoning tokens cut before each {@code "+"}, as the published files' steps are cut. */
    static List<StatedStep> split(List<String> reasoning) {
        List<StatedStep> steps = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= reasoning.size(); i++) {
            if (i == reasoning.size() || reasoning.get(i).equals(PLUS)) {
                if (i > start) {
                    steps.add(of(reasoning.subList(start, i)));
                }
                start = i;
            }
        }
        return steps;
    }

    private static StatedStep of(List<String> tokens) {
        boolean plus = tokens.get(0).equals(PLUS);
        List<String> rest = tokens.subList(plus ? 1 : 0, tokens.size());
        int open = rest.indexOf(OPEN);
        return open < 0 ? new StatedStep(plus, rest, List.of()) : new StatedStep(plus, rest.subList(0, open), rest.subList(open, rest.size()));
    }

    /** The partial product when it is written as exactly {@code width} digits; else {@code null}. */
    BigInteger partialProduct(int width) {
        return WrittenNumber.value(partial, width);
    }

    /** The running sum when the tail is exactly {@code ( d ... d )} with {@code width} digits; else {@code null}. */
    BigInteger runningSum(int width) {
        if (tail.size() < 2 || !tail.get(0).equals(OPEN) || !tail.get(tail.size() - 1).equals(CLOSE)) {
            return null;
        }
        return WrittenNumber.value(tail.subList(1, tail.size() - 1), width);
    }
}
