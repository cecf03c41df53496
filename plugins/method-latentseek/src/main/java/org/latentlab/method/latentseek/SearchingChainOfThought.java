package org.latentlab.method.latentseek;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.latentlab.api.Capability;
import org.latentlab.api.data.Example;
import org.latentlab.api.method.ExplicitReasoning;
import org.latentlab.api.method.TestTimeSearch;

/**
 * Chain of thought that searches at test time: trained exactly as {@code cot} (every reasoning step written out), it
 * answers as {@code cot} without a reward and searches with one.
 */
abstract class SearchingChainOfThought extends ExplicitReasoning implements TestTimeSearch {

    @Override
    protected List<String> reasoning(Example example) {
        return example.steps();
    }

    @Override
    public Set<Capability> provides() {
        Set<Capability> provides = new HashSet<>(super.provides());
        provides.add(Capability.TEST_TIME_SEARCH);
        return Set.copyOf(provides);
    }
}
