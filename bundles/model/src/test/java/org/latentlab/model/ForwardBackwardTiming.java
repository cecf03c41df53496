package org.latentlab.model;

import java.util.Arrays;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.api.model.Taps;

/**
 * Prints the time of one training pass (embed, forward with logits, cross-entropy, backward) of the default backbone
 * shape: d=128, 2 layers, 4 heads, a batch of 16 sequences of 256 tokens. Not a test: run its main() by hand, with
 * the test classpath and -Dai.djl.offline=true. Arguments: [vocabulary] [batch] [time] [repeats].
 */
public final class ForwardBackwardTiming {
    public static void main(String[] args) {
        int vocabulary = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int time = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Engine engine = Engine.getInstance();
        BackboneConfig config = new BackboneConfig(vocabulary, 128, 2, 4, 512);
        try (Backbone backbone = new GptBackboneFactory(engine).create(config, Device.cpu(), 1)) {
            long[] forwardNanos = new long[repeats];
            long[] totalNanos = new long[repeats];
            for (int run = -2; run < repeats; run++) {     // two warm-up passes
                try (NDManager step = backbone.manager().newSubManager();
                     GradientCollector collector = engine.newGradientCollector()) {
                    NDArray tokens = step.randomInteger(0, vocabulary, new Shape(batch, time + 1), ai.djl.ndarray.types.DataType.INT32);
                    long start = System.nanoTime();
                    NDArray logits = backbone.forward(backbone.embed(tokens.get(":, :-1")), 0, null, Taps.LOGITS).logits();
                    NDArray targets = tokens.get(":, 1:").oneHot(vocabulary);
                    NDArray loss = logits.logSoftmax(-1).mul(targets).sum().neg().div(batch * time);
                    loss.getFloat();
                    long forwardDone = System.nanoTime();
                    collector.backward(loss);
                    backbone.parameters().values().iterator().next().getGradient().close();   // wait for backward
                    long done = System.nanoTime();
                    collector.zeroGradients();
                    if (run >= 0) {
                        forwardNanos[run] = forwardDone - start;
                        totalNanos[run] = done - start;
                    }
                }
            }
            Arrays.sort(forwardNanos);
            Arrays.sort(totalNanos);
            System.out.printf("gpt d=128 L=2 H=4 V=%d, batch %d x %d tokens, %d parameters, %d threads:%n", vocabulary, batch, time,
                    backbone.parameterCount(), Runtime.getRuntime().availableProcessors());
            System.out.printf("  forward+loss median %.0f ms, forward+backward median %.0f ms (min %.0f, max %.0f) over %d runs%n",
                    forwardNanos[repeats / 2] / 1e6, totalNanos[repeats / 2] / 1e6, totalNanos[0] / 1e6, totalNanos[repeats - 1] / 1e6, repeats);
        }
    }
}
