package dev.keel.examples.apparel.networks;

import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;

import java.util.List;

/** A multilayer perceptron: flatten, then per hidden width Linear → ReLU → Dropout, then Linear to the classes. */
public final class Mlp {
    private Mlp() {}

    public static SequentialBlock build(List<Integer> hidden, double dropout, int classes) {
        SequentialBlock block = new SequentialBlock().add(Blocks.batchFlattenBlock());
        for (int width : hidden) {
            block.add(Linear.builder().setUnits(width).build()).add(Activation.reluBlock());
            if (dropout > 0) {
                block.add(Dropout.builder().optRate((float) dropout).build());
            }
        }
        return block.add(Linear.builder().setUnits(classes).build());
    }
}
