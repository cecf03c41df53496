package org.latentlab.probe.logitlens;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.latentlab.api.data.Vocabulary;

/** A token and the probability a decoded state gives it. */
record RankedToken(int token, float probability) {

    /** {@code token (0.41)}. */
    String describe(Vocabulary vocabulary) {
        return vocabulary.token(token) + " (" + String.format(Locale.ROOT, "%.2f", probability) + ")";
    }

    /** {@code token (0.41), token (0.22), ...}. */
    static String describe(List<RankedToken> tokens, Vocabulary vocabulary) {
        return tokens.stream().map(t -> t.describe(vocabulary)).collect(Collectors.joining(", "));
    }
}
