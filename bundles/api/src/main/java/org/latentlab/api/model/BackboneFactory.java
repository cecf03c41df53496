package org.latentlab.api.model;

import ai.djl.Device;

import org.osgi.annotation.versioning.ConsumerType;

/** A backbone plugin: builds freshly initialised backbones of one architecture. */
@ConsumerType
public interface BackboneFactory {
    /** A new backbone with parameters initialised from {@code seed} on {@code device}. */
    Backbone create(BackboneConfig config, Device device, long seed);
}
