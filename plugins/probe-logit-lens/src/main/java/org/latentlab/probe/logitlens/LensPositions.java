package org.latentlab.probe.logitlens;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.LatentTrace;

/** Which columns of a trace the lens reads. */
enum LensPositions {
    /** The continuous thoughts: the columns whose final hidden state was fed back ({@link LatentTrace#LATENT_COLUMNS}). */
    LATENTS,
    /** The column holding {@code <answer>}, which predicts the answer's first token: one per example. */
    ANSWER,
    /** Every column with a label. */
    SUPERVISED;

    String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The continuous thoughts when the trace has at least one, else the answer. */
    static LensPositions byDefault(LatentTrace trace) {
        boolean thoughts = trace.latents() != null && trace.latents().getShape().dimension() == 3 && trace.latents().getShape().get(1) > 0
                && trace.extras().containsKey(LatentTrace.LATENT_COLUMNS);
        return thoughts ? LATENTS : ANSWER;
    }

    /** The positions of a trace to read, in row order, then column order. */
    List<LensPosition> select(LatentTrace trace, Vocabulary vocabulary) {
        return switch (this) {
            case LATENTS -> latents(trace);
            case ANSWER -> answer(trace, vocabulary.id(Vocabulary.ANSWER));
            case SUPERVISED -> supervised(trace);
        };
    }

    private static List<LensPosition> latents(LatentTrace trace) {
        NDArray columns = trace.extras().get(LatentTrace.LATENT_COLUMNS);
        if (trace.latents() == null || columns == null) {
            throw new IllegalArgumentException("The logit-lens probe's option 'positions' is \"latents\", but the method's traces have no "
                    + "continuous thoughts; use \"answer\" or \"supervised\".");
        }
        int rows = (int) columns.getShape().get(0);
        int thoughts = (int) columns.getShape().get(1);
        int[] column = ints(columns);
        Labels labels = Labels.of(trace, false);
        List<LensPosition> out = new ArrayList<>();
        for (int b = 0; b < rows; b++) {
            for (int i = 0; i < thoughts; i++) {
                int t = column[b * thoughts + i];
                if (t >= 0) {
                    out.add(new LensPosition(b, t, i, labels.at(b, t)));
                }
            }
        }
        return out;
    }

    /** The column t whose label t - 1 is {@code <answer>}, that is the column holding it; the last one if a row has several. */
    private static List<LensPosition> answer(LatentTrace trace, int answerToken) {
        Labels labels = Labels.of(trace, true);
        List<LensPosition> out = new ArrayList<>();
        for (int b = 0; b < labels.rows(); b++) {
            for (int t = labels.columns() - 1; t >= 1; t--) {
                if (labels.at(b, t - 1) == answerToken) {
                    out.add(new LensPosition(b, t, -1, labels.at(b, t)));
                    break;
                }
            }
        }
        return out;
    }

    private static List<LensPosition> supervised(LatentTrace trace) {
        Labels labels = Labels.of(trace, true);
        List<LensPosition> out = new ArrayList<>();
        for (int b = 0; b < labels.rows(); b++) {
            for (int t = 0; t < labels.columns(); t++) {
                if (labels.at(b, t) != LatentTrace.IGNORE) {
                    out.add(new LensPosition(b, t, -1, labels.at(b, t)));
                }
            }
        }
        return out;
    }

    private static int[] ints(NDArray array) {
        return array.toType(DataType.INT32, false).toIntArray();
    }

    /** A trace's labels {@code [batch, T]} read once; none (every column ignored) when the trace has none and none are needed. */
    private record Labels(int[] values, int rows, int columns) {
        static Labels of(LatentTrace trace, boolean needed) {
            if (trace.labels() == null) {
                if (needed) {
                    throw new IllegalArgumentException("The logit-lens probe finds the answer and supervised positions by the method's labels, "
                            + "but its traces carry none; use \"latents\" for the option 'positions'.");
                }
                return new Labels(new int[0], 0, 0);
            }
            int rows = (int) trace.labels().getShape().get(0);
            int columns = (int) trace.labels().getShape().get(1);
            return new Labels(ints(trace.labels()), rows, columns);
        }

        int at(int row, int column) {
            return row < rows && column < columns ? values[row * columns + column] : LatentTrace.IGNORE;
        }
    }
}
