package org.latentlab.probe.drift;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.Capability;
import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.probe.Probe;
import org.latentlab.api.probe.ProbeContext;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

import org.osgi.service.component.annotations.Component;

/**
 * How far latent reasoning steps drift off the region where token embeddings live (the semantic manifold). The first
 * {@code examples} examples are run through the method's training pass at the probe's stage, in batches of
 * {@value #BATCH}, and the latent steps each row has ({@link LatentTrace#LATENT_COLUMNS} &ge; 0, or, without that extra,
 * rows not all zero) are read to the host, together with the token embeddings of the vocabulary's ids.
 *
 * <p>Measured pooled over every latent read and per step index: {@code nearestCosine}, the mean over latents of the
 * greatest cosine similarity to any token embedding (1 on a token, lower when drifted), and {@code onTokenFraction},
 * the share of latents whose greatest cosine exceeds {@value #ON_TOKEN}; {@code normRatio}, the mean latent L2 norm over
 * the mean token-embedding L2 norm; {@code pcaAreaRatio}, the area of the convex hull of the latents projected onto the
 * token embeddings' top two principal components over that of the embeddings themselves (about 0 when the latents
 * collapse, about 1 when they spread as the embeddings do, above 1 beyond); and, in the table, the word whose embedding
 * is nearest (by cosine) to each step's mean latent.
 *
 * <p>Options: {@code examples} (a whole number of at least 1, default 200).
 *
 * <p>Scalars: {@code examples}, {@code points}, {@code nearestCosine}, {@code onTokenFraction}, {@code normRatio},
 * {@code pcaAreaRatio}, and per step t from 1 {@code step<t>.points}, {@code .nearestCosine}, {@code .onTokenFraction},
 * {@code .normRatio}, {@code .pcaAreaRatio}. Tables: {@value #TABLE}, one row per step with the measures above;
 * {@value #PROJECTION}, the points of the top-two principal plane itself, with columns {@code set} ({@value #TOKENS} or
 * {@code step <t>}), {@code token} (an embedding's token, or the token whose embedding is nearest by cosine to a latent),
 * {@code PC1} and {@code PC2}: the token embeddings first, evenly thinned by id to at most {@value #MAX_TOKEN_POINTS},
 * then each step's latents in the order read, evenly thinned to at most {@value #MAX_STEP_POINTS} a step; and
 * {@code options}.
 *
 * <p>Figures ({@link #figures}): the projection as a scatter of the token embeddings and of each step's latents, and
 * against the latent step the nearest cosine with the on-token fraction, the norm ratio, and the PCA area ratio.
 */
@Component(service = Probe.class)
@ComponentName("drift")
public final class DriftProbe implements Probe {

    static final String NAME = "drift";
    static final String TABLE = "Latent drift per step";
    static final List<String> COLUMNS = List.of("step", "points", "nearest cosine", "on-token fraction", "norm ratio", "PCA area ratio",
            "nearest token of the mean");
    static final String PROJECTION = "PCA projection";
    static final List<String> PROJECTION_COLUMNS = List.of("set", "token", "PC1", "PC2");
    /** The {@code set} of the token embeddings' rows in {@value #PROJECTION}. */
    static final String TOKENS = "token embeddings";
    /** The most token embeddings {@value #PROJECTION} records. */
    static final int MAX_TOKEN_POINTS = 400;
    /** The most latents of one step {@value #PROJECTION} records. */
    static final int MAX_STEP_POINTS = 100;
    /** Examples run through the method at once. */
    static final int BATCH = 16;
    /** The cosine above which a latent counts as on a token. */
    static final double ON_TOKEN = 0.9;

    static final String NO_LATENTS = "This method gives no latent steps (LatentTrace.latents()); the drift probe needs a method with"
            + " continuous reasoning steps, such as coconut or cot2.";

    @Override
    public Set<Capability> requires() {
        return Set.of(Capability.LATENT_STEPS);
    }

    @Override
    public Set<String> options() {
        return DriftOptions.NAMES;
    }

    @Override
    public void checkOptions(Map<String, Object> options) {
        DriftOptions.of(options);
    }

    @Override
    public ProbeReport run(ProbeContext context) {
        DriftOptions options = DriftOptions.of(context.options());
        List<Example> examples = context.examples().subList(0, Math.min(options.examples(), context.examples().size()));
        Vocabulary vocabulary = context.vocabulary();
        List<List<double[]>> steps = new ArrayList<>();
        context.forEachTrace(examples, BATCH, options.methodOptions(), (from, part, trace) -> read(trace, part.size(), steps));
        List<double[]> all = new ArrayList<>();
        steps.forEach(all::addAll);
        if (all.isEmpty()) {
            throw new IllegalArgumentException(NO_LATENTS);
        }

        Embeddings embeddings = Embeddings.read(context.model(), vocabulary, context.manager());
        int width = all.get(0).length;
        if (embeddings.dModel() != width) {
            throw new IllegalStateException("This method's latents have width " + width + " but the model's token embeddings have width "
                    + embeddings.dModel() + ".");
        }

        Map<String, Double> scalars = new LinkedHashMap<>();
        scalars.put("examples", (double) examples.size());
        Measures pooled = embeddings.measure(all);
        pooled.put("", scalars);
        List<List<Object>> rows = new ArrayList<>();
        for (int t = 0; t < steps.size(); t++) {
            List<double[]> step = steps.get(t);
            if (step.isEmpty()) {
                continue;
            }
            Measures m = embeddings.measure(step);
            m.put("step" + (t + 1) + ".", scalars);
            rows.add(List.of(t + 1, step.size(), m.nearestCosine(), m.onTokenFraction(), m.normRatio(), m.pcaAreaRatio(),
                    vocabulary.token(embeddings.nearestId(meanOf(step)))));
        }
        ProbeTable settings = new ProbeTable("options", List.of("option", "value"), List.of(List.of(DriftOptions.EXAMPLES, examples.size())));
        return new ProbeReport(NAME, scalars, List.of(new ProbeTable(TABLE, COLUMNS, rows), projection(embeddings, steps, vocabulary),
                settings));
    }

    @Override
    public List<Figure> figures(ProbeReport report) {
        return DriftFigures.of(report);
    }

    /** The {@value #PROJECTION} table: thinned token embeddings, then each step's thinned latents, in the principal plane. */
    private static ProbeTable projection(Embeddings embeddings, List<List<double[]>> steps, Vocabulary vocabulary) {
        List<List<Object>> rows = new ArrayList<>();
        for (int id : thinned(embeddings.rows().length, MAX_TOKEN_POINTS)) {
            double[] p = Geometry.project(embeddings.rows()[id], embeddings.mean(), embeddings.components());
            rows.add(List.of(TOKENS, vocabulary.token(id), p[0], p[1]));
        }
        for (int t = 0; t < steps.size(); t++) {
            List<double[]> step = steps.get(t);
            for (int i : thinned(step.size(), MAX_STEP_POINTS)) {
                double[] x = step.get(i);
                double[] p = Geometry.project(x, embeddings.mean(), embeddings.components());
                rows.add(List.of("step " + (t + 1), vocabulary.token(embeddings.nearestId(x)), p[0], p[1]));
            }
        }
        return new ProbeTable(PROJECTION, PROJECTION_COLUMNS, rows);
    }

    /** The indices of {@code n} items kept when at most {@code cap} are: all of them, or {@code cap} spread evenly from 0. */
    static int[] thinned(int n, int cap) {
        int kept = Math.min(n, cap);
        int[] out = new int[kept];
        for (int i = 0; i < kept; i++) {
            out[i] = (int) ((long) i * n / kept);
        }
        return out;
    }


    /** The latents of the steps each row of {@code trace} has, appended per step to {@code steps}. */
    private static void read(LatentTrace trace, int size, List<List<double[]>> steps) {
        NDArray latents = trace.latents();
        if (latents == null) {
            throw new IllegalArgumentException(NO_LATENTS);
        }
        Shape shape = latents.getShape();
        if (shape.dimension() != 3 || shape.get(0) != size) {
            throw new IllegalStateException("This method's latents have shape " + shape + ", not (" + size
                    + ", steps, dModel) for a batch of " + size + ".");
        }
        int count = (int) shape.get(1);
        int d = (int) shape.get(2);
        float[] x = latents.toType(DataType.FLOAT32, false).toFloatArray();
        NDArray columns = trace.extras().get(LatentTrace.LATENT_COLUMNS);
        int[] present = null;
        if (columns != null) {
            if (columns.getShape().dimension() != 2 || columns.getShape().get(0) != size || columns.getShape().get(1) != count) {
                throw new IllegalStateException("This method's latent columns have shape " + columns.getShape() + ", not ("
                        + size + ", " + count + ") as its latents " + shape + " need.");
            }
            present = columns.toType(DataType.INT32, false).toIntArray();
        }
        for (int b = 0; b < size; b++) {
            for (int t = 0; t < count; t++) {
                int offset = (b * count + t) * d;
                if (present != null ? present[b * count + t] < 0 : zero(x, offset, d)) {
                    continue;
                }
                double[] v = new double[d];
                for (int j = 0; j < d; j++) {
                    v[j] = x[offset + j];
                }
                while (steps.size() <= t) {
                    steps.add(new ArrayList<>());
                }
                steps.get(t).add(v);
            }
        }
    }

    private static boolean zero(float[] x, int offset, int size) {
        for (int i = offset; i < offset + size; i++) {
            if (x[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static double[] meanOf(List<double[]> points) {
        return Geometry.mean(points.toArray(new double[0][]), points.get(0).length);
    }

    /**
     * What a set of latents shows against the token embeddings.
     *
     * @param points          latents measured
     * @param nearestCosine   mean over them of the greatest cosine similarity to a token embedding
     * @param onTokenFraction share of them whose greatest cosine exceeds {@value DriftProbe#ON_TOKEN}
     * @param normRatio       their mean L2 norm over the token embeddings' mean L2 norm
     * @param pcaAreaRatio    the area of their convex hull in the embeddings' top-2 principal plane over the embeddings' own
     */
    record Measures(int points, double nearestCosine, double onTokenFraction, double normRatio, double pcaAreaRatio) {

        void put(String prefix, Map<String, Double> out) {
            out.put(prefix + "points", (double) points);
            out.put(prefix + "nearestCosine", nearestCosine);
            out.put(prefix + "onTokenFraction", onTokenFraction);
            out.put(prefix + "normRatio", normRatio);
            out.put(prefix + "pcaAreaRatio", pcaAreaRatio);
        }
    }

    /** The token embeddings of the vocabulary's ids on the host, their norms and their top two principal components. */
    record Embeddings(double[][] rows, double[] norms, double meanNorm, double[] mean, double[][] components, double area) {

        int dModel() {
            return mean.length;
        }

        /** Reads {@code model.embed} of ids 0 .. V-1, V the smaller of the vocabulary's and the backbone's sizes. */
        static Embeddings read(Backbone model, Vocabulary vocabulary, NDManager parent) {
            int size = Math.min(vocabulary.size(), model.config().vocabularySize());
            int d = model.config().dModel();
            float[] e;
            try (NDManager manager = parent.newSubManager()) {
                int[] ids = new int[size];
                for (int i = 0; i < size; i++) {
                    ids[i] = i;
                }
                NDArray embedded = model.embed(manager.create(ids, new Shape(1, size)));
                e = embedded.toType(DataType.FLOAT32, false).toFloatArray();
                embedded.close();
            }
            if (e.length != (long) size * d) {
                throw new IllegalStateException("The model's token embeddings hold " + e.length + " values, not " + size + " x " + d + ".");
            }
            return of(e, size, d);
        }

        /** From {@code size} rows of width {@code d}, row-major. */
        static Embeddings of(float[] e, int size, int d) {
            double[][] rows = new double[size][d];
            double[] norms = new double[size];
            double total = 0;
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < d; j++) {
                    rows[i][j] = e[i * d + j];
                }
                norms[i] = Geometry.norm(rows[i]);
                total += norms[i];
            }
            double[] mean = Geometry.mean(rows, d);
            double[][] components = Geometry.topEigenvectors(Geometry.covariance(rows, mean), 2);
            List<double[]> projected = new ArrayList<>();
            for (double[] row : rows) {
                projected.add(Geometry.project(row, mean, components));
            }
            return new Embeddings(rows, norms, total / size, mean, components, Geometry.hullArea(projected));
        }

        /** The id of the token whose embedding has the greatest cosine similarity to {@code x}. */
        int nearestId(double[] x) {
            return (int) Geometry.nearest(x, rows, norms)[0];
        }

        Measures measure(List<double[]> latents) {
            double cosine = 0;
            int on = 0;
            double norm = 0;
            List<double[]> projected = new ArrayList<>();
            for (double[] x : latents) {
                double best = Geometry.nearest(x, rows, norms)[1];
                cosine += best;
                if (best > ON_TOKEN) {
                    on++;
                }
                norm += Geometry.norm(x);
                projected.add(Geometry.project(x, mean, components));
            }
            int n = latents.size();
            double latentArea = Geometry.hullArea(projected);
            return new Measures(n, cosine / n, (double) on / n, meanNorm == 0 ? 0 : norm / n / meanNorm, area == 0 ? 0 : latentArea / area);
        }
    }
}
