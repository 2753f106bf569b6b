package dev.keel.server.auth;

import dev.keel.server.http.Request;

/** Turns a request's credentials (bearer API key, session cookie) into a {@link Principal}. */
public interface Authenticator {

    /**
     * The caller, {@link Principal#ANONYMOUS} when the request carries no credentials.
     *
     * @throws dev.keel.core.KeelException {@code UNAUTHENTICATED} when credentials are present but wrong
     */
    Principal authenticate(Request request);
}
