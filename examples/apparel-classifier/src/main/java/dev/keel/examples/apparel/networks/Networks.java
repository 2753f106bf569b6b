package dev.keel.examples.apparel.networks;

import ai.djl.nn.Block;

/** Builds a network by name, the way experiment configs refer to them. */
public final class Networks {
    private Networks() {}

    public static Block build(NetworkSpec spec) {
        return switch (spec.name()) {
            case "mlp" -> Mlp.build(spec.layers(), spec.dropout(), spec.classes());
            case "cnn" -> SmallCnn.build(spec.layers(), spec.dropout(), spec.classes());
            default ->
                throw new IllegalArgumentException("unknown network '" + spec.name() + "'; known networks: mlp, cnn");
        };
    }
}
