package org.latentlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class ResumableRandomTest {

    @Test
    void drawsWhatJavaUtilRandomDrawsForTheSameSeed() {
        Random plain = new Random(42);
        ResumableRandom resumable = new ResumableRandom(42);
        for (int i = 0; i < 1000; i++) {
            assertEquals(plain.nextInt(97), resumable.nextInt(97));
            assertEquals(plain.nextDouble(), resumable.nextDouble());
            assertEquals(plain.nextGaussian(), resumable.nextGaussian());
            assertEquals(plain.nextLong(), resumable.nextLong());
        }
        List<Integer> a = new ArrayList<>(IntStream.range(0, 50).boxed().toList());
        List<Integer> b = new ArrayList<>(a);
        Collections.shuffle(a, plain);
        Collections.shuffle(b, resumable);
        assertEquals(a, b, "a seeded shuffle is the same as before");
    }

    @Test
    void aRestoredStateContinuesExactlyWhereTheSavedOneWasEvenBetweenTwoGaussians() {
        ResumableRandom original = new ResumableRandom(7);
        original.nextGaussian();   // leaves the second of a pair cached
        ResumableRandom.State saved = original.state();
        ResumableRandom copy = new ResumableRandom(saved);
        for (int i = 0; i < 100; i++) {
            assertEquals(original.nextGaussian(), copy.nextGaussian());
            assertEquals(original.nextInt(), copy.nextInt());
        }
    }
}
