package dev.keel.core.model;

import java.util.List;
import java.util.Map;

/**
 * What {@link ModelStore#register} stores as the next version of a model.
 *
 * @param signature input/output shapes and types as text; empty when unknown
 * @param createdBy who registers it; empty when unknown
 */
public record VersionDraft(
        List<ModelFile> files,
        Lineage lineage,
        String signature,
        Map<String, String> tags,
        String description,
        String createdBy) {

    public VersionDraft {
        files = List.copyOf(files);
        tags = Map.copyOf(tags);
        signature = signature == null ? "" : signature;
        description = description == null ? "" : description;
        createdBy = createdBy == null ? "" : createdBy;
    }
}
