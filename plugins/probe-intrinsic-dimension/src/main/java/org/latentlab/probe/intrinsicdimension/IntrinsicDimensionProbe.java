package org.latentlab.probe.intrinsicdimension;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.Capability;
import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Example;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.probe.Probe;
import org.latentlab.api.probe.ProbeContext;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

import org.osgi.service.component.annotations.Component;

/**
 * How many dimensions the continuous reasoning steps really use. The first {@code examples} examples are run through
 * the method's training pass at the probe's stage, in batches of {@value #BATCH}, each in its own sub-manager; the
 * latent vectors ({@link LatentTrace#latents()}) of the steps each row has are copied to the host. A step is present
 * where {@link LatentTrace#LATENT_COLUMNS} is at least 0, or, when the method gives no such extra, where its row is
 * not all zeros.
 *
 * <p>For all latent vectors pooled, and for each step index t separately, when the set has at least
 * {@value IntrinsicDimensionOptions#MIN_POINTS} points:
 * <ul>
 * <li>TwoNN (Facco et al. 2017): the ratios μ = r2 / r1 of each point's second and first nearest-neighbour distances
 * (Euclidean), points with r1 == 0 (duplicates) dropped, and the maximum-likelihood estimate d = N / Σ log μ over every
 * remaining ratio, none discarded ({@link Estimators#twoNN}). A set of more than {@code maxPoints} points is thinned
 * deterministically to every k-th point, k = ⌈n / maxPoints⌉, for this estimate.</li>
 * <li>The PCA participation ratio (Σλ)² / Σλ² of the covariance eigenvalues, from trace(C)² / ‖C‖<sub>F</sub>² over every
 * point ({@link Estimators#participationRatio}).</li>
 * </ul>
 *
 * <p>Options: {@code examples} (a whole number of at least 1, default 200), {@code maxPoints} (a whole number of at
 * least 10, default 2000).
 *
 * <p>Scalars: {@code points} (latent vectors read), {@code twoNN}, {@code participationRatio}, {@code duplicatesDropped}
 * (of the pooled TwoNN estimate); per step t from 1 {@code step<t>.points}, and when it has enough points
 * {@code step<t>.twoNN} and {@code step<t>.participationRatio}. An estimate that cannot be made (too few points, all
 * points alike) is left out. Table: {@value #TABLE}, one row for all steps pooled ({@code all}) and one per step.
 *
 * <p>Figure: {@code by-step}, the TwoNN estimate and the participation ratio against the latent step, the pooled values in
 * its caption ({@link IntrinsicDimensionFigures}).
 */
@Component(service = Probe.class)
@ComponentName("intrinsic-dimension")
public final class IntrinsicDimensionProbe implements Probe {

    static final String NAME = "intrinsic-dimension";
    static final String TABLE = "Intrinsic dimension of the latent steps";
    static final List<String> COLUMNS = List.of("step", "points", "TwoNN", "participation ratio");
    /** Examples run through the method at once. */
    static final int BATCH = 16;

    @Override
    public Set<Capability> requires() {
        return Set.of(Capability.LATENT_STEPS);
    }

    @Override
    public Set<String> options() {
        return IntrinsicDimensionOptions.NAMES;
    }

    @Override
    public void checkOptions(Map<String, Object> options) {
        IntrinsicDimensionOptions.of(options);
    }

    @Override
    public List<Figure> figures(ProbeReport report) {
        return IntrinsicDimensionFigures.of(report);
    }

    @Override
    public ProbeReport run(ProbeContext context) {
        IntrinsicDimensionOptions options = IntrinsicDimensionOptions.of(context.options());
        List<Example> examples = context.examples().subList(0, Math.min(options.examples(), context.examples().size()));
        List<List<float[]>> steps = new ArrayList<>();
        List<float[]> all = new ArrayList<>();
        context.forEachTrace(examples, BATCH, options.methodOptions(), (from, part, trace) -> read(trace, part.size(), steps, all));

        Map<String, Double> scalars = new LinkedHashMap<>();
        List<List<Object>> rows = new ArrayList<>();
        scalars.put("points", (double) all.size());
        Estimate pooled = estimate(all, options.maxPoints());
        if (pooled != null) {
            put(scalars, "twoNN", pooled.twoNN.dimension());
            put(scalars, "participationRatio", pooled.participationRatio);
            scalars.put("duplicatesDropped", (double) pooled.twoNN.duplicates());
        }
        rows.add(row("all", all.size(), pooled));
        for (int t = 0; t < steps.size(); t++) {
            List<float[]> points = steps.get(t);
            if (points.isEmpty()) {
                continue;
            }
            String p = "step" + (t + 1) + ".";
            scalars.put(p + "points", (double) points.size());
            Estimate e = estimate(points, options.maxPoints());
            if (e != null) {
                put(scalars, p + "twoNN", e.twoNN.dimension());
                put(scalars, p + "participationRatio", e.participationRatio);
            }
            rows.add(row(t + 1, points.size(), e));
        }
        return new ProbeReport(NAME, scalars, List.of(new ProbeTable(TABLE, COLUMNS, rows)));
    }

    /** Copies the latent vectors of the present steps of one batch to {@code steps} (by step index) and {@code all}. */
    private static void read(LatentTrace trace, int batch, List<List<float[]>> steps, List<float[]> all) {
        NDArray latents = trace.latents();
        if (latents == null) {
            throw new IllegalArgumentException("This method gives no latent steps (LatentTrace.latents()); the intrinsic-dimension probe needs"
                    + " a method with continuous reasoning steps, such as coconut or cot2.");
        }
        Shape shape = latents.getShape();
        if (shape.dimension() != 3 || shape.get(0) != batch) {
            throw new IllegalStateException("This method's latents have shape " + shape + ", not (" + batch + ", steps, dModel) for a batch of "
                    + batch + ".");
        }
        int count = (int) shape.get(1);
        int width = (int) shape.get(2);
        float[] values = latents.toType(DataType.FLOAT32, false).toFloatArray();
        int[] columns = null;
        NDArray columnArray = trace.extras().get(LatentTrace.LATENT_COLUMNS);
        if (columnArray != null) {
            if (columnArray.getShape().size() != (long) batch * count) {
                throw new IllegalStateException("This method's latent columns have shape " + columnArray.getShape() + ", not (" + batch + ", "
                        + count + ") as its latents.");
            }
            columns = columnArray.toType(DataType.INT32, false).toIntArray();
        }
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < count; t++) {
                int offset = (b * count + t) * width;
                boolean present = columns != null ? columns[b * count + t] >= 0 : !zero(values, offset, width);
                if (!present) {
                    continue;
                }
                float[] point = java.util.Arrays.copyOfRange(values, offset, offset + width);
                while (steps.size() <= t) {
                    steps.add(new ArrayList<>());
                }
                steps.get(t).add(point);
                all.add(point);
            }
        }
    }

    private static boolean zero(float[] values, int offset, int width) {
        for (int i = offset; i < offset + width; i++) {
            if (values[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Both estimates of one set of points. */
    private record Estimate(Estimators.TwoNN twoNN, double participationRatio) {
    }

    /** The estimates of {@code points}, or null when there are too few. */
    static Estimate estimate(List<float[]> points, int maxPoints) {
        if (points.size() < IntrinsicDimensionOptions.MIN_POINTS) {
            return null;
        }
        float[][] every = points.toArray(new float[0][]);
        return new Estimate(Estimators.twoNN(thin(every, maxPoints)), Estimators.participationRatio(every));
    }

    /** Every k-th point, k = ⌈n / maxPoints⌉, so at most {@code maxPoints} remain; the points themselves when they are few enough. */
    static float[][] thin(float[][] points, int maxPoints) {
        if (points.length <= maxPoints) {
            return points;
        }
        int k = (points.length + maxPoints - 1) / maxPoints;
        float[][] out = new float[(points.length + k - 1) / k][];
        for (int i = 0; i < out.length; i++) {
            out[i] = points[i * k];
        }
        return out;
    }

    private static void put(Map<String, Double> scalars, String name, double value) {
        if (Double.isFinite(value)) {
            scalars.put(name, value);
        }
    }

    private static List<Object> row(Object step, int points, Estimate e) {
        Object twoNN = e != null && Double.isFinite(e.twoNN.dimension()) ? (Object) e.twoNN.dimension() : "";
        Object ratio = e != null && Double.isFinite(e.participationRatio) ? (Object) e.participationRatio : "";
        return List.of(step, points, twoNN, ratio);
    }
}
