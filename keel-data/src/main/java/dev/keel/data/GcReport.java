package dev.keel.data;

import dev.keel.core.ByteSizes;

import java.util.List;

/** What {@link Datasets#gc} removed (or, in a dry run, would remove). */
public record GcReport(
        boolean dryRun, List<String> blobsRemoved, long bytesFreed, int manifestsRemoved, int cacheFilesRemoved) {
    public String summary() {
        return (dryRun ? "would remove " : "removed ") + blobsRemoved.size() + " blobs (" + ByteSizes.iec(bytesFreed)
                + "), " + manifestsRemoved + " manifests, " + cacheFilesRemoved + " cache files";
    }
}
