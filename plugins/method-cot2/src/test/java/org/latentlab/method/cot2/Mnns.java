package org.latentlab.method.cot2;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import ai.djl.engine.Engine;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.model.GptBackboneFactory;

/**
 * Minimum non-negative sum problems written as the mnns dataset writes them, solved exactly by enumerating the sign
 * paths: question "3 1 2", steps the partial sums along the first best path with + before − ("3", "2", "0"), answer the
 * sum, and the step distributions over every reachable partial sum.
 */
final class Mnns {

    private Mnns() {
    }

    static Example example(String id, int... digits) {
        int m = digits.length;
        int best = -1;
        int bestSum = Integer.MAX_VALUE;
        // path bits: bit m-1-i set means digit i takes −, so counting up visits + before − in lexicographic order
        for (int path = 0; path < 1 << m; path++) {
            int sum = 0;
            for (int i = 0; i < m; i++) {
                sum += (path >> (m - 1 - i) & 1) == 0 ? digits[i] : -digits[i];
            }
            if (sum >= 0 && sum < bestSum) {
                bestSum = sum;
                best = path;
            }
        }
        List<String> steps = new ArrayList<>();
        int partial = 0;
        for (int i = 0; i < m; i++) {
            partial += (best >> (m - 1 - i) & 1) == 0 ? digits[i] : -digits[i];
            steps.add(String.valueOf(partial));
        }
        String question = IntStream.of(digits).mapToObj(String::valueOf).collect(Collectors.joining(" "));
        return new Example(id, question, steps, String.valueOf(bestSum), Map.of(Example.STEP_DISTRIBUTIONS, distributions(digits)));
    }

    /** After each digit, every partial sum with its share of the sign paths, as mnns gives them. */
    static List<Map<String, Double>> distributions(int... digits) {
        List<Map<String, Double>> out = new ArrayList<>();
        Map<Integer, Long> paths = new TreeMap<>(Map.of(0, 1L));
        long total = 1;
        for (int d : digits) {
            Map<Integer, Long> next = new TreeMap<>();
            for (Map.Entry<Integer, Long> e : paths.entrySet()) {
                next.merge(e.getKey() + d, e.getValue(), Long::sum);
                next.merge(e.getKey() - d, e.getValue(), Long::sum);
            }
            paths = next;
            total *= 2;
            Map<String, Double> step = new LinkedHashMap<>();
            for (Map.Entry<Integer, Long> e : paths.entrySet()) {
                step.put(String.valueOf(e.getKey()), (double) e.getValue() / total);
            }
            out.add(step);
        }
        return out;
    }

    /** The reserved tokens and the numbers −limit … limit. */
    static Vocabulary vocabulary(int limit) {
        List<String> numbers = IntStream.rangeClosed(-limit, limit).mapToObj(String::valueOf).toList();
        return Vocabulary.build(List.of(), List.of(String.join(" ", numbers)));
    }

    static Backbone backbone(Vocabulary vocabulary, int dModel, int layers, long seed) {
        return new GptBackboneFactory(Engine.getEngine("PyTorch"))
                .create(new BackboneConfig(vocabulary.size(), dModel, layers, 2, 64), ai.djl.Device.cpu(), seed);
    }
}
