package org.latentlab.probe.ulp;

/**
 * The mean of a few values (one per seed) and the half-width of its 95% confidence interval by Student's t with n - 1
 * degrees of freedom: t<sub>0.975, n-1</sub> · s / √n, s the sample standard deviation. With one value the half-width
 * is not known (NaN).
 */
record ConfidenceInterval(double mean, double halfWidth) {

    /** t<sub>0.975</sub> for 1 to 30 degrees of freedom. */
    private static final double[] T975 = {12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157,
        2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963, 2.079614, 2.073873,
        2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272};

    static ConfidenceInterval of(double[] values) {
        int n = values.length;
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= n;
        if (n < 2) {
            return new ConfidenceInterval(mean, Double.NaN);
        }
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return new ConfidenceInterval(mean, quantile975(n - 1) * Math.sqrt(squares / (n - 1) / n));
    }

    /** t<sub>0.975</sub> with {@code df} degrees of freedom: from the table up to 30, beyond by the Cornish-Fisher expansion. */
    static double quantile975(int df) {
        if (df <= T975.length) {
            return T975[df - 1];
        }
        double z = 1.959964;
        double z3 = z * z * z;
        double z5 = z3 * z * z;
        return z + (z3 + z) / (4.0 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96.0 * df * df);
    }

    double low() {
        return mean - halfWidth;
    }

    double high() {
        return mean + halfWidth;
    }
}
