package dev.keel.examples.apparel.networks;

import java.util.List;

/**
 * What to build: the network's name ({@code mlp} or {@code cnn}), its layer widths (hidden units
 * for the MLP; convolution channels then dense units for the CNN), dropout, and the number of
 * classes. Stored with saved weights so a predictor can rebuild the same network.
 */
public record NetworkSpec(String name, List<Integer> layers, double dropout, int classes) {
    public NetworkSpec {
        layers = List.copyOf(layers);
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        for (int width : layers) {
            if (width < 1) {
                throw new IllegalArgumentException("layer widths must be >= 1, got " + layers);
            }
        }
    }
}
