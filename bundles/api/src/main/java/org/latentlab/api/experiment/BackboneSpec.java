package org.latentlab.api.experiment;

/**
 * The backbone an experiment trains from scratch; the vocabulary size comes from the data.
 *
 * @param name         the backbone factory's component name ("gpt" by default)
 * @param dModel       residual width
 * @param layers       transformer blocks
 * @param heads        attention heads
 * @param maxPositions longest sequence
 */
public record BackboneSpec(String name, Integer dModel, Integer layers, Integer heads, Integer maxPositions) {
    public BackboneSpec {
        name = name == null ? "gpt" : name;
        dModel = dModel == null ? 128 : dModel;
        layers = layers == null ? 2 : layers;
        heads = heads == null ? 4 : heads;
        maxPositions = maxPositions == null ? 512 : maxPositions;
    }
}
