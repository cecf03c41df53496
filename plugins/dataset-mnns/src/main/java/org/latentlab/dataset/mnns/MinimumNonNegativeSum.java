package org.latentlab.dataset.mnns;

import java.util.ArrayList;
import java.util.List;

/**
 * Solves Minimum Non-Negative Sum: the signs s<sub>i</sub> ∈ {+1, -1} that make Σ s<sub>i</sub> d<sub>i</sub> the
 * smallest non-negative value. Every sign is free, the first one included, so an answer always exists (it is
 * min |Σ s<sub>i</sub> d<sub>i</sub>|, because negating every sign negates the sum).
 *
 * <p>Among the sign vectors that reach the answer the solver returns the lexicographically first, with + before -:
 * walking the digits in order, it takes + whenever the rest of the digits can still reach the answer.
 *
 * <p>Method: the sums the suffix d<sub>i</sub> … d<sub>m</sub> can reach, for each i, in O(m · 9m) steps.
 */
final class MinimumNonNegativeSum {

    private MinimumNonNegativeSum() {
    }

    /** The best sign path for {@code digits} (each 1 to 9). */
    static SignedSum solve(List<Integer> digits) {
        int m = digits.size();
        int offset = 0;
        for (int d : digits) {
            if (d < 1 || d > 9) {
                throw new IllegalArgumentException("An MNNS digit must be between 1 and 9, not " + d + ".");
            }
            offset += d;
        }
        // reach[i][offset + s]: the digits i … m-1 with some signs sum to s
        boolean[][] reach = new boolean[m + 1][2 * offset + 1];
        reach[m][offset] = true;
        for (int i = m - 1; i >= 0; i--) {
            int d = digits.get(i);
            for (int s = 0; s < reach[i + 1].length; s++) {
                if (reach[i + 1][s]) {
                    if (s + d < reach[i].length) {
                        reach[i][s + d] = true;
                    }
                    if (s - d >= 0) {
                        reach[i][s - d] = true;
                    }
                }
            }
        }
        int answer = 0;
        while (!reach[0][offset + answer]) {
            answer++;
        }
        List<Integer> signs = new ArrayList<>(m);
        int rest = answer; // what digits i … m-1 must still sum to
        for (int i = 0; i < m; i++) {
            int d = digits.get(i);
            int afterPlus = rest - d;
            if (afterPlus + offset >= 0 && afterPlus + offset < reach[i + 1].length && reach[i + 1][afterPlus + offset]) {
                signs.add(1);
                rest = afterPlus;
            } else {
                signs.add(-1);
                rest += d;
            }
        }
        return new SignedSum(digits, signs, answer);
    }
}
