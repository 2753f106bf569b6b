package dev.keel.data;

import dev.keel.core.ByteSizes;
import dev.keel.core.data.DatasetVersion;

import java.util.List;

/** The paths that differ from {@code from} to {@code to}, in path order. */
public record DatasetDiff(DatasetVersion from, DatasetVersion to, List<FileChange> changes) {

    public long count(FileChange.Kind kind) {
        return changes.stream().filter(c -> c.kind() == kind).count();
    }

    /** {@code --stat} line: counts and the size change. */
    public String stat() {
        long delta = to.totalBytes() - from.totalBytes();
        return from.ref() + " -> " + to.ref() + ": +" + count(FileChange.Kind.ADDED) + " -"
                + count(FileChange.Kind.REMOVED) + " ~" + count(FileChange.Kind.MODIFIED) + " files, "
                + (delta >= 0 ? "+" : "-") + ByteSizes.iec(Math.abs(delta));
    }
}
