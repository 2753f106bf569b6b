package dev.keel.examples.apparel.serving;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import dev.keel.examples.apparel.networks.NetworkSpec;
import dev.keel.examples.apparel.networks.Networks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the network a serving descriptor describes ({@code network}, {@code layers},
 * {@code dropout}, {@code classes}), for DJL to load the parameters into. {@code keel serve} finds
 * it in the version's {@code libs/apparel-networks.jar}.
 */
public final class ApparelBlockFactory implements BlockFactory {
    private static final long serialVersionUID = 1L;

    @Override
    public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
        return Networks.build(spec(arguments));
    }

    static NetworkSpec spec(Map<String, ?> arguments) {
        List<Integer> layers = new ArrayList<>();
        for (String w : String.valueOf(arguments.get("layers")).split(",")) {
            if (!w.isBlank()) {
                layers.add(Integer.parseInt(w.strip()));
            }
        }
        int classes = String.valueOf(arguments.get("classes")).split(",").length;
        return new NetworkSpec(
                String.valueOf(arguments.get("network")),
                layers,
                Double.parseDouble(String.valueOf(arguments.get("dropout"))),
                classes);
    }
}
