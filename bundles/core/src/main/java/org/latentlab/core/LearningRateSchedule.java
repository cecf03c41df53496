package org.latentlab.core;

/** Linear warm-up to the peak, then cosine decay to a tenth of it at the last step. */
record LearningRateSchedule(double peak, long warmupSteps, long totalSteps) {

    double at(long step) {
        if (warmupSteps > 0 && step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        long decaySteps = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
        double floor = peak / 10;
        return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
