package dev.keel.core.data;

import java.util.Optional;

/** Opens a {@link DatasetStore} for a store location; found with {@link java.util.ServiceLoader}. */
public interface DatasetStoreProvider {
    Optional<DatasetStore> open(String location);
}
