package org.latentlab.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

import org.latentlab.api.ComponentName;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.api.model.BackboneFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The backbone factory {@code "gpt"}: GPT-2 style decoders ({@link GptBackbone}). It takes the DJL engine from the
 * engine bundle's service, so DJL is initialised there and never from this bundle.
 */
@Component(service = BackboneFactory.class)
@ComponentName("gpt")
public final class GptBackboneFactory implements BackboneFactory {
    private final Engine engine;

    @Activate
    public GptBackboneFactory(@Reference Engine engine) {
        this.engine = engine;
    }

    @Override
    public Backbone create(BackboneConfig config, Device device, long seed) {
        NDManager manager = engine.newBaseManager(device);
        try {
            return new GptBackbone(config, manager, seed);
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }
}
