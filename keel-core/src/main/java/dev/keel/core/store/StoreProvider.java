package dev.keel.core.store;

import java.util.Optional;

/**
 * Opens a {@link Store} for a location, chosen by its scheme ({@code sqlite:}, {@code jdbc:postgresql:},
 * {@code http:}…). Implementations are found with {@link java.util.ServiceLoader}, so the SDK
 * never depends on a particular back end.
 */
public interface StoreProvider {

    /** A store for {@code location}, or empty when this provider does not handle it. */
    Optional<Store> open(String location);
}
