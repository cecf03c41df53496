package org.latentlab.dataset.mnns;

import java.util.ArrayList;
import java.util.List;

/**
 * Digits d<sub>1</sub> … d<sub>m</sub> with a sign s<sub>i</sub> ∈ {+1, -1} for each, and their sum
 * Σ s<sub>i</sub> d<sub>i</sub>.
 *
 * @param digits the digits, each 1 to 9
 * @param signs  +1 or -1 for each digit
 * @param sum    Σ s<sub>i</sub> d<sub>i</sub>
 */
record SignedSum(List<Integer> digits, List<Integer> signs, int sum) {

    SignedSum {
        digits = List.copyOf(digits);
        signs = List.copyOf(signs);
        if (digits.size() != signs.size()) {
            throw new IllegalArgumentException(digits.size() + " digits need " + digits.size() + " signs, not " + signs.size() + ".");
        }
    }

    /** The partial sums after 1, 2, …, m digits; the last is {@link #sum}. */
    List<Integer> partialSums() {
        List<Integer> sums = new ArrayList<>(digits.size());
        int partial = 0;
        for (int i = 0; i < digits.size(); i++) {
            partial += signs.get(i) * digits.get(i);
            sums.add(partial);
        }
        return sums;
    }
}
