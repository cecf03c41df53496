package org.latentlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;

import org.junit.jupiter.api.Test;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.model.GptBackboneFactory;

/** The FLOP count of a benchmark rests on the parameters that enter a product. */
class BenchmarkCountsTest {

    @Test
    void everyParameterCountsButTheLearnedPositionTable() {
        int v = 40;
        int d = 16;
        int positions = 64;
        try (Backbone model = new GptBackboneFactory(Engine.getEngine("PyTorch")).create(new BackboneConfig(v, d, 2, 2, positions),
                Device.cpu(), 1)) {
            long perBlock = (3L * d * d + 3 * d) + (d * d + d) + (4L * d * d + 4 * d) + (4L * d * d + d) + 2 * (2 * d);
            long expected = (long) v * d + 2 * perBlock + 2 * d;   // the tied embedding (the head), two blocks, the final norm
            long all = model.parameters().values().stream().mapToLong(p -> p.size()).sum();
            assertEquals((long) positions * d, all - expected, "what is left out is exactly the position table");
            assertEquals(expected, Benchmark.multiplyingParameters(model));
        }
    }
}
