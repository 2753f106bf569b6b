package dev.keel.core.data;

/** Lineage: run {@code runId} used {@code dataset:v<number>} (whose hash is {@code hash}) at {@code usedAt}. */
public record RunInput(String runId, String dataset, int number, String hash, long usedAt) {
    public String ref() {
        return dataset + ":v" + number;
    }
}
