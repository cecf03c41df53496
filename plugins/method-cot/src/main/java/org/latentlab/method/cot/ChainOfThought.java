package org.latentlab.method.cot;

import java.util.List;

import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Example;
import org.latentlab.api.method.ExplicitReasoning;
import org.latentlab.api.method.ReasoningMethod;

import org.osgi.service.component.annotations.Component;

/** Explicit chain of thought: the model is taught to write every reasoning step before the answer. */
@Component(service = ReasoningMethod.class)
@ComponentName("cot")
public final class ChainOfThought extends ExplicitReasoning {

    @Override
    protected List<String> reasoning(Example example) {
        return example.steps();
    }
}
