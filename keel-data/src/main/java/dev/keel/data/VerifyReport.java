package dev.keel.data;

import java.util.List;

/** The outcome of {@link Datasets#verify}: every damaged file, with the versions it breaks. */
public record VerifyReport(int versionsChecked, long objectsChecked, List<Damage> damaged) {

    /** A file (or a manifest) whose stored bytes are missing or do not match their hash. */
    public record Damage(String path, String object, List<String> versions, String reason) {
        @Override
        public String toString() {
            return path + " (" + String.join(", ", versions) + "): " + reason;
        }
    }

    public boolean ok() {
        return damaged.isEmpty();
    }
}
