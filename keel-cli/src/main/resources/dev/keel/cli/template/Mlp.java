package {{package}}.networks;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.util.List;

/** A plain multi-layer perceptron: one ReLU layer per entry of {@code hidden}, then the class scores. */
public final class Mlp {
    private Mlp() {
    }

    public static Block build(List<Integer> hidden, int classes) {
        SequentialBlock net = new SequentialBlock();
        for (int units : hidden) {
            net.add(Linear.builder().setUnits(units).build());
            net.add(Activation::relu);
        }
        net.add(Linear.builder().setUnits(classes).build());
        return net;
    }
}
