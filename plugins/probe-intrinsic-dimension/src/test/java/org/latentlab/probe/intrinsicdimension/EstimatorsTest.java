package org.latentlab.probe.intrinsicdimension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class EstimatorsTest {

    @Test
    void twoNNRecoversAThreeDimensionalCubeEmbeddedInThirtyTwoDimensions() {
        Random random = new Random(7);
        float[][] points = embed(cube(random, 1500, 3), orthonormal(random, 3, 32), random, 0);
        Estimators.TwoNN estimate = Estimators.twoNN(points);
        assertTrue(estimate.dimension() >= 2.7 && estimate.dimension() <= 3.3, "TwoNN of a 3-D cube: " + estimate.dimension());
        assertEquals(1500, estimate.used());
        assertEquals(0, estimate.duplicates());
    }

    @Test
    void twoNNRecoversTwoDimensionalSurfaces() {
        Random random = new Random(11);
        float[][] plane = embed(cube(random, 1500, 2), orthonormal(random, 2, 32), random, 0);
        double d = Estimators.twoNN(plane).dimension();
        assertTrue(d >= 1.8 && d <= 2.2, "TwoNN of a plane: " + d);

        // a swiss roll: (t cos t, h, t sin t) for t in [1.5π, 4.5π], h in [0, 20], embedded in 32 dimensions
        double[][] roll = new double[1500][];
        for (int i = 0; i < roll.length; i++) {
            double t = 1.5 * Math.PI * (1 + 2 * random.nextDouble());
            roll[i] = new double[] {t * Math.cos(t), 20 * random.nextDouble(), t * Math.sin(t)};
        }
        double r = Estimators.twoNN(embed(roll, orthonormal(random, 3, 32), random, 0)).dimension();
        assertTrue(r >= 1.8 && r <= 2.2, "TwoNN of a swiss roll: " + r);
    }

    @Test
    void twoNNDropsDuplicatesAndSaysHowMany() {
        Random random = new Random(3);
        float[][] points = embed(cube(random, 300, 2), orthonormal(random, 2, 8), random, 0);
        float[][] doubled = new float[310][];
        System.arraycopy(points, 0, doubled, 0, 300);
        for (int i = 0; i < 10; i++) {
            doubled[300 + i] = points[i].clone();
        }
        Estimators.TwoNN estimate = Estimators.twoNN(doubled);
        assertEquals(20, estimate.duplicates(), "each of the ten points and its copy");
        assertEquals(290, estimate.used());
        assertTrue(Double.isFinite(estimate.dimension()));
        assertTrue(Double.isNaN(Estimators.twoNN(new float[][] {{0f}, {1f}}).dimension()), "too few points");
    }

    @Test
    void participationRatioCountsTheDimensionsAnIsotropicGaussianFills() {
        Random random = new Random(5);
        for (int k : new int[] {1, 4, 8}) {
            float[][] points = new float[4000][20];
            for (float[] p : points) {
                for (int j = 0; j < k; j++) {
                    p[j] = (float) (3 + random.nextGaussian());
                }
            }
            double pr = Estimators.participationRatio(points);
            assertEquals(k, pr, 0.1 * k, "k = " + k);
        }
        // the same in a rotated basis, and with more dimensions than points (the n x n Gram path)
        float[][] rotated = embed(gaussian(random, 4000, 5), orthonormal(random, 5, 40), random, 0);
        assertEquals(5, Estimators.participationRatio(rotated), 0.5);
        float[][] wide = embed(gaussian(random, 60, 3), orthonormal(random, 3, 100), random, 0);
        assertTrue(Estimators.participationRatio(wide) > 1.5 && Estimators.participationRatio(wide) < 3.0);
        assertEquals(1.0, Estimators.participationRatio(embed(gaussian(random, 500, 1), orthonormal(random, 1, 16), random, 0)), 1e-6,
                "points on a line");
    }

    @Test
    void bothGramMatricesGiveTheSameRatio() {
        Random random = new Random(9);
        float[][] tall = embed(gaussian(random, 30, 4), orthonormal(random, 4, 12), random, 0.1);
        float[][] wide = new float[30][];
        for (int i = 0; i < 30; i++) {
            wide[i] = new float[60];
            System.arraycopy(tall[i], 0, wide[i], 0, 12);
        }
        assertEquals(Estimators.participationRatio(tall), Estimators.participationRatio(wide), 1e-6, "zero columns change nothing");
    }

    @Test
    void thinningKeepsEveryKthPoint() {
        float[][] points = new float[25][];
        for (int i = 0; i < points.length; i++) {
            points[i] = new float[] {i};
        }
        float[][] thinned = IntrinsicDimensionProbe.thin(points, 10);
        assertEquals(9, thinned.length, "k = 3");
        assertEquals(24f, thinned[8][0]);
        assertSame(points, IntrinsicDimensionProbe.thin(points, 25));
    }

    // ---------------------------------------------------------------------------------------------------------------

    static double[][] cube(Random random, int n, int k) {
        double[][] out = new double[n][k];
        for (double[] p : out) {
            for (int j = 0; j < k; j++) {
                p[j] = random.nextDouble();
            }
        }
        return out;
    }

    static double[][] gaussian(Random random, int n, int k) {
        double[][] out = new double[n][k];
        for (double[] p : out) {
            for (int j = 0; j < k; j++) {
                p[j] = random.nextGaussian();
            }
        }
        return out;
    }

    /** k orthonormal vectors of length d (Gram-Schmidt on Gaussian vectors). */
    static double[][] orthonormal(Random random, int k, int d) {
        double[][] basis = new double[k][d];
        for (int i = 0; i < k; i++) {
            double[] v = basis[i];
            for (int j = 0; j < d; j++) {
                v[j] = random.nextGaussian();
            }
            for (int p = 0; p < i; p++) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += v[j] * basis[p][j];
                }
                for (int j = 0; j < d; j++) {
                    v[j] -= dot * basis[p][j];
                }
            }
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < d; j++) {
                v[j] /= norm;
            }
        }
        return basis;
    }

    /** Each point's coordinates times the basis, plus a constant offset and Gaussian noise of scale {@code noise}. */
    static float[][] embed(double[][] points, double[][] basis, Random random, double noise) {
        int d = basis[0].length;
        float[][] out = new float[points.length][d];
        for (int i = 0; i < points.length; i++) {
            for (int j = 0; j < d; j++) {
                double s = 0.5 + noise * random.nextGaussian();
                for (int c = 0; c < basis.length; c++) {
                    s += points[i][c] * basis[c][j];
                }
                out[i][j] = (float) s;
            }
        }
        return out;
    }
}
