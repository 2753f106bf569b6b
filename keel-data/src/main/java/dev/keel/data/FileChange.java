package dev.keel.data;

/** A path that differs between two versions; sizes are -1 where the path is absent. */
public record FileChange(String path, Kind kind, long oldSize, long newSize) {
    public enum Kind {
        ADDED,
        REMOVED,
        MODIFIED
    }

    /** {@code +}, {@code -} or {@code ~}. */
    public char symbol() {
        return switch (kind) {
            case ADDED -> '+';
            case REMOVED -> '-';
            case MODIFIED -> '~';
        };
    }
}
