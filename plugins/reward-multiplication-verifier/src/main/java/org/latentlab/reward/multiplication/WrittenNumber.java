package org.latentlab.reward.multiplication;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** A number as the multiplication data writes it: one token per digit, least significant digit first. */
final class WrittenNumber {

    private WrittenNumber() {
    }

    /** The digits of the tokens, least significant first, or {@code null} when a token is not a single digit. */
    static List<Integer> digits(List<String> tokens) {
        List<Integer> digits = new ArrayList<>(tokens.size());
        for (String token : tokens) {
            if (token.length() != 1 || token.charAt(0) < '0' || token.charAt(0) > '9') {
                return null;
            }
            digits.add(token.charAt(0) - '0');
        }
        return digits;
    }

    /** The value of least-significant-first digits. */
    static BigInteger value(List<Integer> digits) {
        BigInteger value = BigInteger.ZERO;
        for (int i = digits.size() - 1; i >= 0; i--) {
            value = value.multiply(BigInteger.TEN).add(BigInteger.valueOf(digits.get(i)));
        }
        return value;
    }

    /**
     * The value of the tokens when they are exactly {@code width} single digits, least significant first; else
     * {@code null}.
     */
    static BigInteger value(List<String> tokens, int width) {
        List<Integer> digits = digits(tokens);
        return digits == null || digits.size() != width ? null : value(digits);
    }
}
