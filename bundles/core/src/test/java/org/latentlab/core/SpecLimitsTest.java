package org.latentlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.latentlab.api.experiment.ExperimentSpec;
import org.latentlab.api.experiment.SpecException;

class SpecLimitsTest {

    private final SpecReader reader = new SpecReader();

    private ExperimentSpec spec(String backbone) {
        return reader.read("""
                {"dataset": {"name": "prosqa", "train": 64}, "method": {"name": "cot"}, "backbone": %s}
                """.formatted(backbone), Path.of("/specs"));
    }

    @Test
    void theParameterEstimateCountsBlocksEmbeddingsAndPositions() {
        assertEquals(12L * 128 * 128 * 2 + (2 * SpecLimits.VOCABULARY_BOUND + 512) * 128, SpecLimits.parameters(128, 2, 512));
        assertEquals(12L * 65_536 * 65_536 * 256 + (2 * SpecLimits.VOCABULARY_BOUND + 65_536) * 65_536,
                SpecLimits.parameters(65_536, 256, 65_536), "the largest allowed sizes do not overflow");
        assertTrue(SpecLimits.physicalMemory() > 0);
    }

    @Test
    void theSpecsOfTheStudiesFitAndAModelBeyondTheMachinesMemoryDoesNot() {
        SpecLimits.check(spec("{\"dModel\": 768, \"layers\": 12, \"heads\": 12, \"maxPositions\": 1024}"));
        long memory = SpecLimits.physicalMemory();
        int layers = 256;
        int width = 1024;
        while (SpecLimits.parameters(width, layers, 512) * SpecLimits.BYTES_PER_PARAMETER <= memory) {
            width *= 2;
        }
        String huge = "{\"dModel\": " + width + ", \"layers\": " + layers + ", \"heads\": 8}";
        SpecException e = assertThrows(SpecException.class, () -> SpecLimits.check(spec(huge)));
        assertTrue(e.getMessage().startsWith("The backbone (dModel " + width + ", 256 layers, maxPositions 512) has about "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; use a smaller dModel or fewer layers."), e.getMessage());
    }
}
