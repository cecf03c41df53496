package org.latentlab.core;

import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.LossContext;
import org.latentlab.api.method.SupervisionLoss;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.engine.ComputeEngine;

/** The forward and backward half of one training step, shared by training runs and benchmarks. */
final class TrainingStep {

    /** The weighted loss of the step and the sequence positions it processed. */
    record Outcome(double loss, long tokens) {
    }

    private TrainingStep() {
    }

    /** The method's forward over the batch, the spec's losses weighted and summed, and their backward pass. */
    static Outcome run(ComputeEngine engine, Experiment experiment, Backbone model, List<Example> examples, Vocabulary vocabulary,
                       CurriculumStage stage) throws Exception {
        return timed(engine, experiment, model, examples, vocabulary, stage).outcome();
    }

    /**
     * What a benchmark times of {@link #run}: when the forward pass and losses were done ({@link System#nanoTime()}, after
     * reading the loss, which waits for a device that works asynchronously), and an analytic count of the step's attention
     * products, forward and backward: {@code 12 · layers · dModel · T²} per row of T positions (scores and mixing, 2
     * FLOPs a multiply-add, twice that again backward), with T the batch's mean positions per row.
     */
    record Timed(Outcome outcome, long forwardDone, double attentionFlops) {
    }

    /** {@link #run}, timed for a benchmark. */
    static Timed timed(ComputeEngine engine, Experiment experiment, Backbone model, List<Example> examples, Vocabulary vocabulary,
                       CurriculumStage stage) throws Exception {
        return engine.train(collector -> {
            try (NDManager scope = model.manager().newSubManager()) {
                Batch batch = new Batch(examples, vocabulary, scope);
                LatentTrace trace = experiment.method().service().forward(model, batch, stage);
                NDArray total = objective(experiment, model, trace, batch, stage);
                float loss = total.getFloat();
                long forwardDone = System.nanoTime();
                collector.backward(total);
                double rows = examples.size();
                double perRow = trace.tokens() / rows;
                double attention = 12.0 * model.config().layers() * model.config().dModel() * perRow * perRow * rows;
                return new Timed(new Outcome(loss, trace.tokens()), forwardDone, attention);
            }
        });
    }

    /**
     * The spec's losses on {@code trace}, weighted and summed, plus the method's own loss ({@link LatentTrace#METHOD_LOSS})
     * where it gives one: what training minimises, and what probes may differentiate.
     */
    static NDArray objective(Experiment experiment, Backbone model, LatentTrace trace, Batch batch, CurriculumStage stage) {
        NDArray total = null;
        for (Experiment.Configured<SupervisionLoss> l : experiment.losses()) {
            NDArray value = l.ref().service().compute(trace, new LossContext(model, batch, stage, l.spec().options()));
            float weight = l.spec().weight().floatValue();
            if (weight != 1f) {
                // an array of the batch, not mul(Number), whose operand DJL frees before the backward pass reads it
                value = value.mul(batch.manager().create(weight));
            }
            total = total == null ? value : total.add(value);
        }
        NDArray own = trace.extras().get(LatentTrace.METHOD_LOSS);
        if (own != null) {
            total = total == null ? own : total.add(own);
        }
        return total;
    }

    /** AdamW over the model's parameters with the spec's weight decay and the method's per-parameter learning-rate factors. */
    static AdamW optimizer(Experiment experiment, Backbone model) {
        var spec = experiment.spec();
        return new AdamW(model.parameters(), model.manager(), spec.training().weightDecay(),
                experiment.method().service().learningRateScales(spec.method().options()));
    }

    /**
     * A fresh backbone of the spec's shape over {@code vocabulary}, its special tokens initialised by the method; the
     * caller closes it.
     */
    static Backbone newBackbone(ComputeEngine engine, Experiment experiment, Vocabulary vocabulary, ai.djl.Device device)
            throws Exception {
        var spec = experiment.spec();
        var b = spec.backbone();
        BackboneConfig config = new BackboneConfig(vocabulary.size(), b.dModel(), b.layers(), b.heads(), b.maxPositions());
        Backbone model = experiment.backbone().service().create(config, device, spec.seed());
        try {
            engine.withoutGradients(() -> {
                experiment.method().service().initialise(model, vocabulary, spec.method().options());
                return null;
            });
        } catch (Exception | Error e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * The vocabulary of the training examples' questions, steps and answers, and the words of their step distributions
     * ({@link Example#STEP_DISTRIBUTIONS}), with the method's special tokens.
     */
    static Vocabulary vocabulary(Experiment experiment, List<Example> train) {
        List<String> texts = new java.util.ArrayList<>();
        for (Example e : train) {
            texts.add(e.question());
            texts.addAll(e.steps());
            texts.add(e.answer());
            if (e.extras().get(Example.STEP_DISTRIBUTIONS) instanceof List<?> steps) {
                for (Object step : steps) {
                    if (step instanceof Map<?, ?> distribution) {
                        distribution.keySet().forEach(word -> texts.add(String.valueOf(word)));
                    }
                }
            }
        }
        return Vocabulary.build(experiment.method().service().specialTokens(), texts);
    }
}
