package dev.keel.examples.apparel.networks;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;

import java.util.List;

/**
 * A small convolutional network for 28×28 images: two 3×3 convolutions ({@code layers[0]} and
 * {@code layers[1]} channels) each followed by ReLU and 2×2 max-pooling, then a dense layer of
 * {@code layers[2]} units with dropout, then the classes.
 */
public final class SmallCnn {
    private SmallCnn() {}

    public static SequentialBlock build(List<Integer> layers, double dropout, int classes) {
        if (layers.size() != 3) {
            throw new IllegalArgumentException(
                    "the cnn needs 3 layer widths [conv1 channels, conv2 channels, dense units], got " + layers);
        }
        SequentialBlock block = new SequentialBlock();
        for (int channels : layers.subList(0, 2)) {
            block.add(Conv2d.builder()
                            .setKernelShape(new Shape(3, 3))
                            .optPadding(new Shape(1, 1))
                            .setFilters(channels)
                            .build())
                    .add(Activation.reluBlock())
                    .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        }
        block.add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(layers.get(2)).build())
                .add(Activation.reluBlock());
        if (dropout > 0) {
            block.add(Dropout.builder().optRate((float) dropout).build());
        }
        return block.add(Linear.builder().setUnits(classes).build());
    }
}
