package org.latentlab.probe.intrinsicdimension;

/** Intrinsic-dimension estimates of a set of points, each point a row {@code float[d]}. */
final class Estimators {

    private Estimators() {
    }

    /**
     * A TwoNN estimate.
     *
     * @param dimension  the estimate, NaN when fewer than three distinct points are left or every ratio is 1
     * @param used       points whose ratio entered the estimate
     * @param duplicates points dropped because another point lies at distance 0 (r1 == 0)
     */
    record TwoNN(double dimension, int used, int duplicates) {
    }

    /**
     * TwoNN (Facco et al. 2017): for each point, μ = r2 / r1, the ratio of the Euclidean distances to its second and first
     * nearest neighbours among {@code points}; a point with r1 == 0 (a duplicate) is dropped. The estimate is the
     * maximum-likelihood one over all remaining ratios, d = N / Σ log μ<sub>i</sub>, with no ratio discarded (the paper's
     * linear fit drops the largest 10%; the MLE uses every point). Brute force, O(n² d).
     */
    static TwoNN twoNN(float[][] points) {
        int n = points.length;
        double[] first = new double[n];
        double[] second = new double[n];
        java.util.Arrays.fill(first, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(second, Double.POSITIVE_INFINITY);
        for (int i = 0; i < n; i++) {
            float[] a = points[i];
            for (int j = i + 1; j < n; j++) {
                float[] b = points[j];
                double s = 0;
                for (int k = 0; k < a.length; k++) {
                    double diff = (double) a[k] - b[k];
                    s += diff * diff;
                }
                keep(first, second, i, s);
                keep(first, second, j, s);
            }
        }
        int used = 0;
        int duplicates = 0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (first[i] == 0) {
                duplicates++;
            } else if (second[i] != Double.POSITIVE_INFINITY) {
                used++;
                sum += 0.5 * Math.log(second[i] / first[i]);
            }
        }
        double dimension = used >= 3 && sum > 0 ? used / sum : Double.NaN;
        return new TwoNN(dimension, used, duplicates);
    }

    private static void keep(double[] first, double[] second, int i, double s) {
        if (s < first[i]) {
            second[i] = first[i];
            first[i] = s;
        } else if (s < second[i]) {
            second[i] = s;
        }
    }

    /**
     * PCA participation ratio (Σλ)² / Σλ² of the eigenvalues λ of the covariance C = XᵀX / (n − 1), X the centred
     * points, without an eigen-decomposition: Σλ = trace(C) and Σλ² = ‖C‖<sub>F</sub>². The ratio does not depend on the
     * scale of C, and ‖XᵀX‖<sub>F</sub> = ‖XXᵀ‖<sub>F</sub>, so the smaller of the d × d and n × n Gram matrices is
     * formed. NaN for fewer than two points or when all points coincide.
     */
    static double participationRatio(float[][] points) {
        int n = points.length;
        if (n < 2) {
            return Double.NaN;
        }
        int d = points[0].length;
        double[] mean = new double[d];
        for (float[] p : points) {
            for (int k = 0; k < d; k++) {
                mean[k] += p[k];
            }
        }
        for (int k = 0; k < d; k++) {
            mean[k] /= n;
        }
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                x[i][k] = points[i][k] - mean[k];
            }
        }
        double trace = 0;
        double frobenius = 0;
        if (d <= n) {
            double[][] g = new double[d][d];
            for (double[] row : x) {
                for (int a = 0; a < d; a++) {
                    double v = row[a];
                    if (v == 0) {
                        continue;
                    }
                    double[] ga = g[a];
                    for (int b = a; b < d; b++) {
                        ga[b] += v * row[b];
                    }
                }
            }
            for (int a = 0; a < d; a++) {
                trace += g[a][a];
                frobenius += g[a][a] * g[a][a];
                for (int b = a + 1; b < d; b++) {
                    frobenius += 2 * g[a][b] * g[a][b];
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++) {
                    double s = 0;
                    for (int k = 0; k < d; k++) {
                        s += x[i][k] * x[j][k];
                    }
                    if (i == j) {
                        trace += s;
                        frobenius += s * s;
                    } else {
                        frobenius += 2 * s * s;
                    }
                }
            }
        }
        return trace > 0 && frobenius > 0 ? trace * trace / frobenius : Double.NaN;
    }
}
