package org.latentlab.api.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A word-level vocabulary: words and punctuation marks are tokens. Ids are dense, in the order of
 * {@link #tokens()}, which is what a run saves and loads.
 */
public final class Vocabulary {
    public static final String PAD = "<pad>";
    public static final String UNK = "<unk>";
    public static final String BOS = "<bos>";
    public static final String EOS = "<eos>";
    /** Separates the question from what the model writes. */
    public static final String SEP = "<sep>";
    /** Separates the reasoning a model writes from its answer. */
    public static final String ANSWER = "<answer>";
    /** The tokens every vocabulary starts with, in this order. */
    public static final List<String> RESERVED = List.of(PAD, UNK, BOS, EOS, SEP, ANSWER);

    private static final Pattern WORD = Pattern.compile("<[^<>\\s]+>|[\\p{L}\\p{N}_'#*+\\-=/]+|[^\\s\\p{L}\\p{N}]");

    private final List<String> tokens;
    private final Map<String, Integer> ids;

    private Vocabulary(List<String> tokens) {
        this.tokens = List.copyOf(tokens);
        this.ids = new HashMap<>();
        for (int i = 0; i < this.tokens.size(); i++) {
            if (ids.putIfAbsent(this.tokens.get(i), i) != null) {
                throw new IllegalArgumentException("The vocabulary lists the token '" + this.tokens.get(i) + "' twice; each token must appear once.");
            }
        }
    }

    /** Builds a vocabulary from texts: the reserved tokens, then the given special tokens, then words in first-seen order. */
    public static Vocabulary build(Collection<String> specialTokens, Iterable<String> texts) {
        LinkedHashSet<String> all = new LinkedHashSet<>(RESERVED);
        all.addAll(specialTokens);
        for (String text : texts) {
            all.addAll(words(text));
        }
        return new Vocabulary(new ArrayList<>(all));
    }

    /** Restores a saved vocabulary from its token list. */
    public static Vocabulary of(List<String> tokens) {
        if (tokens.size() < RESERVED.size() || !tokens.subList(0, RESERVED.size()).equals(RESERVED)) {
            throw new IllegalArgumentException("A saved vocabulary must start with the reserved tokens " + RESERVED + ".");
        }
        return new Vocabulary(tokens);
    }

    /** Splits text into word-level tokens: words, numbers, special {@code <tokens>} and single punctuation marks. */
    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    public List<String> tokens() {
        return tokens;
    }

    public int size() {
        return tokens.size();
    }

    /** The id of a token, or the id of {@link #UNK} for a token the vocabulary has not seen. */
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? ids.get(UNK) : id;
    }

    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    public String token(int id) {
        return tokens.get(id);
    }

    /** Token ids of a text. */
    public List<Integer> encode(String text) {
        List<Integer> out = new ArrayList<>();
        for (String w : words(text)) {
            out.add(id(w));
        }
        return out;
    }

    /** Joins tokens back into text: a space between words, none before punctuation. */
    public static String join(List<String> tokens) {
        StringBuilder sb = new StringBuilder();
        for (String t : tokens) {
            boolean punctuation = t.length() == 1 && !Character.isLetterOrDigit(t.charAt(0));
            if (sb.length() > 0 && !punctuation) {
                sb.append(' ');
            }
            sb.append(t);
        }
        return sb.toString();
    }
}
