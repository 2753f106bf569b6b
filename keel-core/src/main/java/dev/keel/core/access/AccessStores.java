package dev.keel.core.access;

import dev.keel.core.KeelException;

import java.util.ServiceLoader;

/** Opens an access store by location ({@code sqlite:…}, {@code jdbc:postgresql:…}) through the providers on the class path. */
public final class AccessStores {
    private AccessStores() {}

    public static AccessStore open(String location) {
        for (AccessStoreProvider p :
                ServiceLoader.load(AccessStoreProvider.class, AccessStores.class.getClassLoader())) {
            var store = p.open(location);
            if (store.isPresent()) {
                return store.get();
            }
        }
        throw KeelException.invalid("no access store handles '" + location
                + "': use sqlite:/path/keel.db or jdbc:postgresql://HOST/DB; is keel-store-sql on the class path?");
    }
}
