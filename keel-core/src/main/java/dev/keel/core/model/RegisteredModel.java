package dev.keel.core.model;

import java.util.Map;

/**
 * A registered model: a name (unique in the store) whose versions are numbered from 1.
 *
 * @param project   the project of the run that made its first version
 * @param owner     who registered it first; empty when unknown
 * @param createdAt epoch milliseconds, as is {@code updatedAt} (the last version, tag or alias change)
 */
public record RegisteredModel(
        String name,
        String project,
        String owner,
        String description,
        Map<String, String> tags,
        long createdAt,
        long updatedAt) {

    public RegisteredModel {
        tags = Map.copyOf(tags);
    }
}
