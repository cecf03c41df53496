package org.latentlab.method.colar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** A user relies on a mistyped option being refused with one sentence naming it and saying what to do. */
class ColarOptionsTest {

    @Test
    void defaultsAreThePapers() {
        ColarOptions options = ColarOptions.of(Map.of());
        assertEquals(new ColarOptions(5, 2, ColarOptions.LatentLoss.SOFT_MSE, 1.0, 32, ColarOptions.LatentSampling.SAMPLE, 0), options);
        assertEquals(options, ColarOptions.of(options.settings()));
        assertEquals(1, ColarOptions.of(Map.of(ColarOptions.MAX_COMPRESSION, 1)).compression(), "the default compression fits r_max");
        assertEquals(ColarOptions.LatentLoss.NLL, ColarOptions.of(Map.of(ColarOptions.LATENT_LOSS, "nll")).latentLoss());
        assertEquals(8, ColarOptions.of(Map.of(ColarOptions.MAX_COMPRESSION, 8.0)).maxCompression());
    }

    @Test
    void moreCompressionThanSpeedTokensIsRefused() {
        assertRefused(Map.of(ColarOptions.MAX_COMPRESSION, 9), "'maxCompression' must be at most 8");
        assertRefused(Map.of(ColarOptions.MAX_COMPRESSION, 3, ColarOptions.COMPRESSION, 4), "raise 'maxCompression'");
        assertRefused(Map.of(ColarOptions.COMPRESSION, 0), "'compression' must be a whole number from 1 to 5");
    }

    @Test
    void illTypedValuesAreRefused() {
        assertRefused(Map.of(ColarOptions.LATENT_LOSS, "mse"), "'latentLoss' must be \"soft-mse\" or \"nll\"");
        assertRefused(Map.of(ColarOptions.LATENT_SAMPLING, true), "'latentSampling' must be \"sample\" or \"mean\"");
        assertRefused(Map.of(ColarOptions.LATENT_WEIGHT, -1), "'latentWeight' must be a non-negative number");
        assertRefused(Map.of(ColarOptions.MAX_LATENTS, 2.5), "'maxLatents' must be a whole number");
        assertRefused(Map.of(ColarOptions.SEED, "x"), "'seed' must be a whole number");
        assertRefused(Map.of(ColarOptions.MAX_COMPRESSION, "5"), "'maxCompression' must be a whole number");
    }

    private static void assertRefused(Map<String, Object> options, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ColarOptions.of(options));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(e.getMessage().startsWith("The colar method's option"), e.getMessage());
    }
}
