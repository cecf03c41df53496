package org.latentlab.api.experiment;

/**
 * How to benchmark an experiment: time training steps of its method at one curriculum stage, then answering.
 *
 * @param steps       training steps timed (forward, losses, backward, optimizer update), each on its own batch
 * @param warmup      training steps run first and not timed
 * @param stage       the curriculum stage to train and answer at, from 0; -1 for the last
 * @param examples    held-out examples answered one by one for the latency per example; 0 to skip
 * @param answerBatch examples answered together for the batched rate (one batch timed after one untimed); 0 to skip
 */
public record BenchmarkOptions(int steps, int warmup, int stage, int examples, int answerBatch) {
    public BenchmarkOptions {
        if (steps < 1 || steps > 100_000) {
            throw new SpecException("A benchmark times from 1 to 100000 training steps, not " + steps + ".");
        }
        if (warmup < 0 || warmup > 100_000) {
            throw new SpecException("A benchmark's warm-up runs from 0 to 100000 steps, not " + warmup + ".");
        }
        if (stage < -1) {
            throw new SpecException("A benchmark's curriculum stage is a number from 0, or -1 for the last, not " + stage + ".");
        }
        if (examples < 0 || examples > 100_000) {
            throw new SpecException("A benchmark answers from 0 to 100000 examples, not " + examples + ".");
        }
        if (answerBatch < 0 || answerBatch > 4096) {
            throw new SpecException("A benchmark answers batches of 0 to 4096 examples, not " + answerBatch + ".");
        }
    }

    /** Options without batched answers, as experiment API 1.6 made them. */
    public BenchmarkOptions(int steps, int warmup, int stage, int examples) {
        this(steps, warmup, stage, examples, 0);
    }
}
