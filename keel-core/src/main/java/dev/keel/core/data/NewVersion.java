package dev.keel.core.data;

import java.util.List;

/**
 * Everything {@link DatasetStore#commitVersion} records in one transaction.
 *
 * @param dataset   created with these fields when new; description and visibility update an
 *                  existing dataset when not null/blank
 * @param manifest  stored unless a manifest with that hash exists
 * @param objects   locations of objects newly written to packs for this version
 */
public record NewVersion(
        Dataset dataset,
        StoredManifest manifest,
        List<ObjectLocation> objects,
        String message,
        String author,
        long createdAt,
        long fileCount,
        long totalBytes,
        int parent) {}
