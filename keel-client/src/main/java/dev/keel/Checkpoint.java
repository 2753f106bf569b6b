package dev.keel;

import java.util.Map;

/**
 * One saved checkpoint of a run: where training stood ({@code epoch}, {@code step}), the
 * metrics it was saved with, and the content address of its bytes (which is also its checksum).
 *
 * @param name      the run file name, e.g. {@code checkpoints/epoch-00003-step-00001290.ckpt}
 * @param hash      {@code sha256:…} of the stored file
 * @param createdAt epoch milliseconds
 */
public record Checkpoint(
        String name, long epoch, long step, Map<String, Double> metrics, String hash, long size, long createdAt) {

    /** Copies {@code metrics}: the checkpoint keeps the values it was saved with. */
    public Checkpoint {
        metrics = Map.copyOf(metrics);
    }
}
