package org.latentlab.api.probe;

import java.util.List;

/** A table a probe returns: named columns, rows of numbers or strings. */
public record ProbeTable(String title, List<String> columns, List<List<Object>> rows) {
    public ProbeTable {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
    }
}
