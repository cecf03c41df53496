package org.latentlab.api.probe;

import java.util.List;

/**
 * A table a probe returns: named columns, rows of numbers or strings. A report read back from a run's record holds its
 * numbers as whatever JSON gave (an Integer, a Double), or as the strings a probe wrote; {@link #number} and
 * {@link #text} read a cell either way, for a probe that draws its figures from a recorded report.
 */
public record ProbeTable(String title, List<String> columns, List<List<Object>> rows) {
    public ProbeTable {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
    }

    /**
     * The finite number in {@code row} under {@code column}, from a number or from a string of one; null when the table
     * has no such column, the row stops short of it, or the cell is empty, a word, infinite or NaN.
     *
     * @since 1.4
     */
    public Double number(List<Object> row, String column) {
        Object cell = cell(row, column);
        double value;
        if (cell instanceof Number n) {
            value = n.doubleValue();
        } else if (cell instanceof String s && !s.isBlank()) {
            try {
                value = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            return null;
        }
        return Double.isFinite(value) ? value : null;
    }

    /**
     * The text of the cell in {@code row} under {@code column} (a number as Java writes it); null when the table has no
     * such column, the row stops short of it, or the cell is empty.
     *
     * @since 1.4
     */
    public String text(List<Object> row, String column) {
        Object cell = cell(row, column);
        return cell == null || String.valueOf(cell).isEmpty() ? null : String.valueOf(cell);
    }

    /**
     * Whether the table has every one of these columns.
     *
     * @since 1.4
     */
    public boolean hasColumns(String... names) {
        return columns.containsAll(List.of(names));
    }

    private Object cell(List<Object> row, String column) {
        int index = columns.indexOf(column);
        return index >= 0 && index < row.size() ? row.get(index) : null;
    }
}
