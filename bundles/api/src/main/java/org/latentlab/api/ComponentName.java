package org.latentlab.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * The name by which an experiment spec refers to a component, for example {@code @ComponentName("coconut")}.
 * It becomes the service property {@value #PROPERTY}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface ComponentName {
    /** Prefix that turns the annotation into the property {@code latentlab.component.name}. */
    String PREFIX_ = "latentlab.";

    /** The service property that carries the name. */
    String PROPERTY = "latentlab.component.name";

    /** The name, lower case, as a spec writes it. */
    String value();
}
