package org.latentlab.shell;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Spearman's rank correlation: Pearson's correlation of the ranks, ties given their mean rank. */
final class RankCorrelation {

    private RankCorrelation() {
    }

    /** ρ over pairs {@code (x, y)}; NaN when either side has no spread. */
    static double spearman(List<double[]> pairs) {
        double[] x = ranks(pairs.stream().mapToDouble(p -> p[0]).toArray());
        double[] y = ranks(pairs.stream().mapToDouble(p -> p[1]).toArray());
        return pearson(x, y);
    }

    static double[] ranks(double[] values) {
        Integer[] order = new Integer[values.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        for (int i = 0; i < order.length; ) {
            int j = i;
            while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double mean = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = mean;
            }
            i = j + 1;
        }
        return ranks;
    }

    private static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }
}
