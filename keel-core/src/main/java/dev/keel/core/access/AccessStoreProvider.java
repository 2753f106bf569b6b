package dev.keel.core.access;

import java.util.Optional;

/** Opens an {@link AccessStore} for a store location; found with {@link java.util.ServiceLoader}. */
public interface AccessStoreProvider {
    Optional<AccessStore> open(String location);
}
