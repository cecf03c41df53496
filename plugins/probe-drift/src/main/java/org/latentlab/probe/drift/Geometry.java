package org.latentlab.probe.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Plain-Java geometry the drift probe needs: norms, nearest cosine, principal components and 2-D convex hulls. */
final class Geometry {

    /** Power iterations at most per component. */
    static final int ITERATIONS = 2000;
    /** Change in the unit vector below which power iteration stops. */
    static final double TOLERANCE = 1e-13;

    private Geometry() {
    }

    /** The L2 norm of {@code x}. */
    static double norm(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /**
     * The index of the row of {@code rows} with the greatest cosine similarity to {@code x}, and that similarity, as
     * {@code {index, cosine}}; a zero vector (or zero row) has cosine 0 with everything.
     */
    static double[] nearest(double[] x, double[][] rows, double[] rowNorms) {
        double xNorm = norm(x);
        int best = 0;
        double bestCosine = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < rows.length; i++) {
            double cosine = xNorm == 0 || rowNorms[i] == 0 ? 0 : dot(x, rows[i]) / (xNorm * rowNorms[i]);
            if (cosine > bestCosine) {
                bestCosine = cosine;
                best = i;
            }
        }
        return new double[] {best, bestCosine};
    }

    /** The mean of the rows. */
    static double[] mean(double[][] rows, int d) {
        double[] mean = new double[d];
        for (double[] row : rows) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= Math.max(rows.length, 1);
        }
        return mean;
    }

    /** The d x d covariance (divided by n) of the rows about {@code mean}. */
    static double[][] covariance(double[][] rows, double[] mean) {
        int d = mean.length;
        double[][] c = new double[d][d];
        double[] centred = new double[d];
        for (double[] row : rows) {
            for (int j = 0; j < d; j++) {
                centred[j] = row[j] - mean[j];
            }
            for (int i = 0; i < d; i++) {
                if (centred[i] == 0) {
                    continue;
                }
                for (int j = 0; j < d; j++) {
                    c[i][j] += centred[i] * centred[j];
                }
            }
        }
        for (double[] r : c) {
            for (int j = 0; j < d; j++) {
                r[j] /= Math.max(rows.length, 1);
            }
        }
        return c;
    }

    /**
     * The top {@code k} eigenvectors (unit, as rows) of the symmetric positive semi-definite matrix {@code c}, by power
     * iteration with deflation from a fixed start vector; each is signed so its largest-magnitude entry is positive. Where
     * the deflated matrix has nothing left (rank below k), the component is a unit vector orthogonal to the earlier ones.
     */
    static double[][] topEigenvectors(double[][] c, int k) {
        int d = c.length;
        double[][] a = new double[d][];
        for (int i = 0; i < d; i++) {
            a[i] = c[i].clone();
        }
        double[][] out = new double[k][];
        for (int n = 0; n < k; n++) {
            double[] v = null;
            // the fixed start vector, then the basis vectors should the start lie in the null space
            for (int start = -1; start < d && v == null; start++) {
                double[] s = new double[d];
                if (start < 0) {
                    for (int j = 0; j < d; j++) {
                        s[j] = 1.0 + 0.37 * j / d;
                    }
                } else {
                    s[start] = 1;
                }
                v = power(a, orthogonalised(s, out, n));
            }
            if (v == null) {
                for (int start = 0; start < d && v == null; start++) {
                    double[] s = new double[d];
                    s[start] = 1;
                    v = orthogonalised(s, out, n);
                }
            }
            if (v == null) {
                v = new double[d];
            }
            sign(v);
            out[n] = v;
            double lambda = dot(v, multiply(a, v));
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    a[i][j] -= lambda * v[i] * v[j];
                }
            }
        }
        return out;
    }

    /** Power iteration from {@code v}, or null when {@code v} is null or the matrix sends it to (nearly) zero. */
    private static double[] power(double[][] a, double[] v) {
        if (v == null) {
            return null;
        }
        double scale = 0;
        for (double[] row : a) {
            for (double x : row) {
                scale = Math.max(scale, Math.abs(x));
            }
        }
        for (int it = 0; it < ITERATIONS; it++) {
            double[] w = multiply(a, v);
            double n = norm(w);
            if (!(n > 1e-12 * Math.max(scale, Double.MIN_NORMAL))) {
                return null;
            }
            for (int j = 0; j < w.length; j++) {
                w[j] /= n;
            }
            double change = 0;
            for (int j = 0; j < w.length; j++) {
                change = Math.max(change, Math.abs(w[j] - v[j]));
            }
            v = w;
            if (change < TOLERANCE) {
                break;
            }
        }
        return v;
    }

    /** {@code s} with its components along the first {@code n} rows of {@code basis} removed, normalised; null when nothing is left. */
    private static double[] orthogonalised(double[] s, double[][] basis, int n) {
        double[] v = s.clone();
        for (int m = 0; m < n; m++) {
            double p = dot(v, basis[m]);
            for (int j = 0; j < v.length; j++) {
                v[j] -= p * basis[m][j];
            }
        }
        double norm = norm(v);
        if (!(norm > 1e-9)) {
            return null;
        }
        for (int j = 0; j < v.length; j++) {
            v[j] /= norm;
        }
        return v;
    }

    private static void sign(double[] v) {
        int big = 0;
        for (int j = 1; j < v.length; j++) {
            if (Math.abs(v[j]) > Math.abs(v[big]) + 1e-12) {
                big = j;
            }
        }
        if (v.length > 0 && v[big] < 0) {
            for (int j = 0; j < v.length; j++) {
                v[j] = -v[j];
            }
        }
    }

    static double[] multiply(double[][] a, double[] v) {
        double[] w = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            w[i] = dot(a[i], v);
        }
        return w;
    }

    /** {@code (x - mean)} projected onto each of {@code components}: a point in their span. */
    static double[] project(double[] x, double[] mean, double[][] components) {
        double[] out = new double[components.length];
        for (int c = 0; c < components.length; c++) {
            double s = 0;
            for (int j = 0; j < x.length; j++) {
                s += (x[j] - mean[j]) * components[c][j];
            }
            out[c] = s;
        }
        return out;
    }

    /** The area of the convex hull of 2-D points (Andrew's monotone chain, then the shoelace formula); 0 for fewer than 3. */
    static double hullArea(List<double[]> points) {
        if (points.size() < 3) {
            return 0;
        }
        double[][] p = points.toArray(new double[0][]);
        Arrays.sort(p, Comparator.<double[]>comparingDouble(q -> q[0]).thenComparingDouble(q -> q[1]));
        List<double[]> hull = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            int floor = hull.size();
            for (int i = 0; i < p.length; i++) {
                double[] q = pass == 0 ? p[i] : p[p.length - 1 - i];
                while (hull.size() >= floor + 2 && cross(hull.get(hull.size() - 2), hull.get(hull.size() - 1), q) <= 0) {
                    hull.remove(hull.size() - 1);
                }
                hull.add(q);
            }
            hull.remove(hull.size() - 1);
        }
        double twice = 0;
        for (int i = 0; i < hull.size(); i++) {
            double[] a = hull.get(i);
            double[] b = hull.get((i + 1) % hull.size());
            twice += a[0] * b[1] - a[1] * b[0];
        }
        return Math.abs(twice) / 2;
    }

    private static double cross(double[] o, double[] a, double[] b) {
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    }
}
