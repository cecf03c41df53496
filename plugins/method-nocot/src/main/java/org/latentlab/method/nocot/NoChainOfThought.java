package org.latentlab.method.nocot;

import java.util.List;

import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Example;
import org.latentlab.api.method.ExplicitReasoning;
import org.latentlab.api.method.ReasoningMethod;

import org.osgi.service.component.annotations.Component;

/** Answer-only training: the model is taught to write the answer straight after the question. */
@Component(service = ReasoningMethod.class)
@ComponentName("nocot")
public final class NoChainOfThought extends ExplicitReasoning {

    @Override
    protected List<String> reasoning(Example example) {
        return List.of();
    }
}
