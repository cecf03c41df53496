package org.latentlab.probe.ulp;

import java.util.ArrayList;
import java.util.List;

/**
 * The pairs (L<sub>t</sub>, S<sub>t</sub>) read at one latent position t: each latent vector, copied to the host, with the
 * token ids of the explicit step it stands for, ending in the end token.
 */
final class StepPairs {
    final List<float[]> latents = new ArrayList<>();
    final List<int[]> steps = new ArrayList<>();

    void add(float[] latent, int[] step) {
        latents.add(latent);
        steps.add(step);
    }

    int size() {
        return latents.size();
    }

    int width() {
        return latents.get(0).length;
    }

    /** The longest step, in tokens with its end token: how many positions the decoder writes. */
    int longest() {
        int most = 0;
        for (int[] s : steps) {
            most = Math.max(most, s.length);
        }
        return most;
    }
}
