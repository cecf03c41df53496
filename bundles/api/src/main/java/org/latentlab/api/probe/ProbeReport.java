package org.latentlab.api.probe;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a probe found: named scalars and tables. */
public record ProbeReport(String probe, Map<String, Double> scalars, List<ProbeTable> tables) {
    public ProbeReport {
        scalars = scalars == null ? Map.of() : Map.copyOf(scalars);
        tables = tables == null ? List.of() : List.copyOf(tables);
    }

    /**
     * The first table with this title, if the report has one.
     *
     * @since 1.4
     */
    public Optional<ProbeTable> table(String title) {
        return tables.stream().filter(table -> table.title().equals(title)).findFirst();
    }
}
