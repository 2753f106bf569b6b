package dev.keel.core.model;

import java.util.List;
import java.util.Map;

/**
 * One immutable version of a registered model; only its tags change after registration.
 *
 * @param files     the manifest, sorted by path
 * @param signature input/output shapes and types as text; empty when unknown
 * @param createdAt epoch milliseconds
 */
public record ModelVersion(
        String model,
        int version,
        List<ModelFile> files,
        Lineage lineage,
        String signature,
        Map<String, String> tags,
        String description,
        String createdBy,
        long createdAt) {

    public ModelVersion {
        files = List.copyOf(files);
        tags = Map.copyOf(tags);
    }

    /** {@code NAME:vN}. */
    public String ref() {
        return model + ":v" + version;
    }

    /** The bytes the version's files hold together. */
    public long size() {
        return files.stream().mapToLong(ModelFile::size).sum();
    }
}
