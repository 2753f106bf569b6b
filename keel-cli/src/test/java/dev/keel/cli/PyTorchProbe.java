package dev.keel.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * Starts DJL's PyTorch engine from whatever class path it is given and sums three numbers:
 * {@link KeelJarIT} runs it against the shaded jar alone, whose manifest names PyTorch's native
 * libraries in {@code lib/} beside it. Prints {@code PYTORCH <version> <sum>}.
 */
public final class PyTorchProbe {
    private PyTorchProbe() {}

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager()) {
            System.out.println("PYTORCH " + engine.getVersion() + " "
                    + m.create(new float[] {1, 2, 3}).sum().getFloat());
        }
    }
}
