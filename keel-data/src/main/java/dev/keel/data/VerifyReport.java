package dev.keel.data;

import java.util.List;

/**
 * The outcome of {@link Datasets#verify}: every damaged file, with the versions it breaks, and
 * every checkout-cache object found changed (and removed, so the next checkout writes it again
 * from the packs).
 */
public record VerifyReport(
        int versionsChecked,
        long objectsChecked,
        List<Damage> damaged,
        long cacheObjectsChecked,
        List<CacheRepair> cacheRepaired) {

    public VerifyReport(int versionsChecked, long objectsChecked, List<Damage> damaged) {
        this(versionsChecked, objectsChecked, damaged, 0, List.of());
    }

    /** A file (or a manifest) whose stored bytes are missing or do not match their hash. */
    public record Damage(String path, String object, List<String> versions, String reason) {
        @Override
        public String toString() {
            return path + " (" + String.join(", ", versions) + "): " + reason;
        }
    }

    /**
     * A checkout-cache object whose bytes no longer matched its name: a hard-linked checkout of
     * {@code path} was edited in place. The stored data is intact; checkouts linked to it before
     * still hold the edited bytes.
     */
    public record CacheRepair(String path, String object, List<String> versions, String reason) {
        @Override
        public String toString() {
            return path + " (" + String.join(", ", versions) + "): " + reason;
        }
    }

    /** True when no stored byte is damaged and no cache object had changed. */
    public boolean ok() {
        return damaged.isEmpty() && cacheRepaired.isEmpty();
    }
}
