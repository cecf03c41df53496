package org.latentlab.api.model;

/**
 * The shape of a decoder backbone.
 *
 * @param vocabularySize number of token embeddings (and logits)
 * @param dModel         width of the residual stream
 * @param layers         number of transformer blocks
 * @param heads          attention heads per block; must divide {@code dModel}
 * @param maxPositions   longest sequence the position embeddings cover
 */
public record BackboneConfig(int vocabularySize, int dModel, int layers, int heads, int maxPositions) {
    public BackboneConfig {
        positive("vocabularySize", vocabularySize);
        positive("dModel", dModel);
        positive("layers", layers);
        positive("heads", heads);
        positive("maxPositions", maxPositions);
        if (dModel % heads != 0) {
            throw new IllegalArgumentException("The backbone's dModel (" + dModel + ") must be a multiple of heads (" + heads + ").");
        }
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("The backbone's " + name + " must be positive, not " + value + ".");
        }
    }

    /** Width of one attention head. */
    public int headDim() {
        return dModel / heads;
    }
}
