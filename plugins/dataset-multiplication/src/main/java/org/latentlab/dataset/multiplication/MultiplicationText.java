package org.latentlab.dataset.multiplication;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.latentlab.api.data.Example;

/**
 * The published text of a multiplication problem, digits least significant first and one vocabulary word each.
 * For 2365 × 4347, n = 4 digits in each operand:
 *
 * <pre>
 * question  5 6 3 2 * 7 4 3 4
 * steps     5 5 5 6 1
 *           + 0 0 6 4 9 0 ( 5 5 1 1 1 1 )
 *           + 0 0 5 9 0 7 0 ( 5 5 6 0 2 8 0 )
 *           + 0 0 0 0 6 4 9 0
 * answer    5 5 6 0 8 2 0 1
 * </pre>
 *
 * <p>Step k (from 0) is the partial product of the multiplicand and digit k of the multiplier: k zeros, then the
 * product's digits, n + 1 + k digits in all. Every step but the first starts with {@code +}; every step but the
 * first and the last ends with the running sum of the partial products so far in parentheses, also n + 1 + k
 * digits (it always fits). The answer is the product, n + m digits for operands of n and m digits. The
 * arithmetic is done on the digits, so operands of any length are written exactly.
 */
final class MultiplicationText {

    /** Key of {@link Example#extras()}: the multiplicand in ordinary notation, most significant digit first (String). */
    static final String MULTIPLICAND = "multiplicand";
    /** Key of {@link Example#extras()}: the multiplier in ordinary notation (String). */
    static final String MULTIPLIER = "multiplier";
    /** Key of {@link Example#extras()}: the product in ordinary notation, without leading zeros (String). */
    static final String PRODUCT = "product";

    private MultiplicationText() {
    }

    /** The example of multiplicand {@code a} by multiplier {@code b}, each given least significant digit first. */
    static Example example(String id, int[] a, int[] b) {
        int[] product = product(a, b);
        return new Example(id, question(a, b), steps(a, b), digits(product), Map.of(MULTIPLICAND, ordinary(a),
                MULTIPLIER, ordinary(b), PRODUCT, ordinary(product)));
    }

    /** {@code "5 6 3 2 * 7 4 3 4"}. */
    static String question(int[] a, int[] b) {
        return digits(a) + " * " + digits(b);
    }

    /** One step per digit of {@code b}: partial products and running sums, as the class comment describes. */
    static List<String> steps(int[] a, int[] b) {
        int n = a.length;
        List<String> steps = new ArrayList<>(b.length);
        int[] sum = new int[0];
        for (int k = 0; k < b.length; k++) {
            int width = n + 1 + k;
            int[] partial = partial(a, b[k], k, width);
            sum = add(sum, partial, width);
            StringBuilder step = new StringBuilder();
            if (k > 0) {
                step.append("+ ");
            }
            step.append(digits(partial));
            if (k > 0 && k < b.length - 1) {
                step.append(" ( ").append(digits(sum)).append(" )");
            }
            steps.add(step.toString());
        }
        return steps;
    }

    /** The product of {@code a} and {@code b}, least significant digit first, a.length + b.length digits. */
    static int[] product(int[] a, int[] b) {
        int[] product = new int[a.length + b.length];
        for (int k = 0; k < b.length; k++) {
            product = add(product, partial(a, b[k], k, product.length), product.length);
        }
        return product;
    }

    /** Digits separated by single spaces, in the order given. */
    static String digits(int[] digits) {
        StringBuilder text = new StringBuilder(2 * digits.length);
        for (int digit : digits) {
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(digit);
        }
        return text.toString();
    }

    /** Least-significant-first digits in ordinary notation, most significant first and without leading zeros. */
    static String ordinary(int[] digits) {
        StringBuilder text = new StringBuilder(digits.length);
        for (int i = digits.length - 1; i >= 0; i--) {
            if (text.length() > 0 || digits[i] != 0) {
                text.append(digits[i]);
            }
        }
        return text.length() == 0 ? "0" : text.toString();
    }

    /** {@code a} times one digit, shifted by {@code shift} places, in {@code width} digits. */
    private static int[] partial(int[] a, int digit, int shift, int width) {
        int[] out = new int[width];
        int carry = 0;
        for (int i = 0; i < a.length; i++) {
            int value = a[i] * digit + carry;
            out[shift + i] = value % 10;
            carry = value / 10;
        }
        out[shift + a.length] = carry;
        return out;
    }

    /** {@code x + y} in {@code width} digits; the callers' sums always fit. */
    private static int[] add(int[] x, int[] y, int width) {
        int[] out = Arrays.copyOf(x, width);
        int carry = 0;
        for (int i = 0; i < width; i++) {
            int value = out[i] + (i < y.length ? y[i] : 0) + carry;
            out[i] = value % 10;
            carry = value / 10;
        }
        return out;
    }
}
