package dev.keel.core.data;

import java.util.Objects;

/**
 * A named, owned collection of immutable versions.
 *
 * @param name        validated by {@link DatasetNames#checkName}
 * @param createdAt   epoch milliseconds
 */
public record Dataset(String name, String owner, String description, Visibility visibility, long createdAt) {
    public Dataset {
        Objects.requireNonNull(name, "name");
        owner = owner == null ? "" : owner;
        description = description == null ? "" : description;
        visibility = visibility == null ? Visibility.PRIVATE : visibility;
    }
}
