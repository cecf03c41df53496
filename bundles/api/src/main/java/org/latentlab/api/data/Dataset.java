package org.latentlab.api.data;

import java.util.List;

/** The splits an adapter produces for one experiment. */
public record Dataset(List<Example> train, List<Example> validation, List<Example> test) {
    public Dataset {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        test = List.copyOf(test);
    }
}
