package org.latentlab.core;

import java.util.Random;

/**
 * A {@link Random} whose state can be read and restored, so that a resumed run draws exactly what an uninterrupted one
 * would. It is the same generator as {@code new Random(seed)} (the 48-bit linear congruential generator of
 * {@link Random#next(int)} and the polar method of {@link Random#nextGaussian()}), so seeded runs keep their numbers.
 */
final class ResumableRandom extends Random {
    private static final long serialVersionUID = 1L;
    private static final long MULTIPLIER = 0x5DEECE66DL;
    private static final long ADDEND = 0xBL;
    private static final long MASK = (1L << 48) - 1;

    /** Everything the generator will draw depends on these three; see {@link #state()}. */
    record State(long seed, boolean haveNextNextGaussian, double nextNextGaussian) {
    }

    // no field initialisers: Random's constructor calls setSeed before they would run
    private long state;
    private boolean haveNextNextGaussian;
    private double nextNextGaussian;

    ResumableRandom(long seed) {
        super(seed);
    }

    ResumableRandom(State saved) {
        super(0);
        restore(saved);
    }

    State state() {
        return new State(state, haveNextNextGaussian, nextNextGaussian);
    }

    void restore(State saved) {
        state = saved.seed() & MASK;
        haveNextNextGaussian = saved.haveNextNextGaussian();
        nextNextGaussian = saved.nextNextGaussian();
    }

    @Override
    public synchronized void setSeed(long seed) {
        state = (seed ^ MULTIPLIER) & MASK;
        haveNextNextGaussian = false;
    }

    @Override
    protected int next(int bits) {
        state = (state * MULTIPLIER + ADDEND) & MASK;
        return (int) (state >>> (48 - bits));
    }

    @Override
    public synchronized double nextGaussian() {
        if (haveNextNextGaussian) {
            haveNextNextGaussian = false;
            return nextNextGaussian;
        }
        double v1;
        double v2;
        double s;
        do {
            v1 = 2 * nextDouble() - 1;
            v2 = 2 * nextDouble() - 1;
            s = v1 * v1 + v2 * v2;
        } while (s >= 1 || s == 0);
        double multiplier = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        nextNextGaussian = v2 * multiplier;
        haveNextNextGaussian = true;
        return v1 * multiplier;
    }
}
