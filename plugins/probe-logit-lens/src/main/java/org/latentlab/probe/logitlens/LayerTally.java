package org.latentlab.probe.logitlens;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.probe.ProbeTable;

/** Per layer, sums over every position read: KL to the last layer, top-1 agreement with it, top-1 hits of the label. */
final class LayerTally {

    /** The table's title. */
    static final String TABLE = "layers";
    static final String LAYER = "layer";
    static final String KL = "mean KL to final";
    static final String AGREEMENT = "top-1 agreement with final";
    static final String TARGET = "top-1 matches target";

    private final int layers;
    private final double[] divergence;
    private final long[] agreement;
    private final long[] hits;
    private long positions;
    private long labelled;

    LayerTally(int layers) {
        this.layers = layers;
        this.divergence = new double[layers];
        this.agreement = new long[layers];
        this.hits = new long[layers];
    }

    void add(List<LensPosition> read, LensReading reading) {
        int last = layers - 1;
        for (int i = 0; i < read.size(); i++) {
            int target = read.get(i).target();
            for (int layer = 0; layer < layers; layer++) {
                divergence[layer] += reading.divergence()[layer][i];
                agreement[layer] += reading.top()[layer][i] == reading.top()[last][i] ? 1 : 0;
                hits[layer] += target != LatentTrace.IGNORE && reading.top()[layer][i] == target ? 1 : 0;
            }
            labelled += target != LatentTrace.IGNORE ? 1 : 0;
        }
        positions += read.size();
    }

    long positions() {
        return positions;
    }

    /** {@code kl.layer<L>}, {@code agreement.layer<L>} and, where positions have labels, {@code target.layer<L>}. */
    Map<String, Double> scalars() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (positions == 0) {
            return out;
        }
        for (int layer = 0; layer < layers; layer++) {
            out.put("kl.layer" + layer, meanDivergence(layer));
            out.put("agreement.layer" + layer, (double) agreement[layer] / positions);
            if (labelled > 0) {
                out.put("target.layer" + layer, (double) hits[layer] / labelled);
            }
        }
        return out;
    }

    /** One row per layer (none when no position was read). */
    ProbeTable table() {
        List<String> columns = new ArrayList<>(List.of(LAYER, KL, AGREEMENT));
        if (labelled > 0) {
            columns.add(TARGET);
        }
        List<List<Object>> rows = new ArrayList<>();
        for (int layer = 0; positions > 0 && layer < layers; layer++) {
            List<Object> row = new ArrayList<>(List.of(layer, meanDivergence(layer), (double) agreement[layer] / positions));
            if (labelled > 0) {
                row.add((double) hits[layer] / labelled);
            }
            rows.add(row);
        }
        return new ProbeTable(TABLE, columns, rows);
    }

    private double meanDivergence(int layer) {
        double mean = divergence[layer] / positions;
        return Double.isFinite(mean) ? mean : Double.MAX_VALUE;
    }
}
