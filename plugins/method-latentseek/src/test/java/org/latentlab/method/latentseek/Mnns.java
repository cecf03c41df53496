package org.latentlab.method.latentseek;

import java.util.List;
import java.util.stream.IntStream;

import ai.djl.engine.Engine;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.dataset.mnns.MnnsText;
import org.latentlab.model.GptBackboneFactory;

/** Minimum non-negative sum problems as the mnns dataset writes them, and a small backbone over their numbers. */
final class Mnns {

    private Mnns() {
    }

    static Example example(String id, int... digits) {
        return MnnsText.example(id, IntStream.of(digits).boxed().toList());
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
