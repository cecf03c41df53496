package org.latentlab.dataset.mnns;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.latentlab.api.data.Example;

/** Draws MNNS problems for the random split: m digits, each uniform on 1 to 9. */
final class MnnsGenerator {

    private final int digits;
    private final Random random;

    MnnsGenerator(MnnsOptions options, long seed) {
        this.digits = options.digits();
        this.random = new Random(seed);
    }

    /** The next problem of this generator's stream. */
    Example next(String id) {
        List<Integer> drawn = new ArrayList<>(digits);
        for (int i = 0; i < digits; i++) {
            drawn.add(1 + random.nextInt(9));
        }
        return MnnsText.example(id, drawn);
    }
}
