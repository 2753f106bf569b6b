package dev.keel.server.auth;

import dev.keel.server.http.Request;

/**
 * The embedded {@code keel ui}: one person on their own machine, bound to 127.0.0.1. Every
 * request is that person, who may do everything their own files allow anyway.
 */
public final class OpenAccess implements Authenticator, Authorizer {
    private final Principal local;

    public OpenAccess(String user) {
        this.local = Principal.localAdmin(user);
    }

    @Override
    public Principal authenticate(Request request) {
        return local;
    }

    @Override
    public boolean canRead(Principal who, Resource resource) {
        return true;
    }

    @Override
    public boolean canWrite(Principal who, Resource resource) {
        return true;
    }

    @Override
    public void created(Principal who, Resource resource) {
        // Nothing to record: there is no one else to keep out.
    }
}
