package dev.keel.serve.internal;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.Authenticator;
import dev.keel.server.auth.Principal;
import dev.keel.server.http.Request;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Bearer API keys for a serving process. With no keys every caller is let in (the server is then
 * bound to loopback only: {@link dev.keel.serve.ModelServer} refuses anything else). With keys, a
 * route declared {@link Access.Authenticated} needs {@code Authorization: Bearer KEY}; a wrong key
 * is a 401, never a silent fall back to anonymous. Keys are compared in constant time and never
 * logged.
 */
final class ApiKeys implements Authenticator {
    private static final Principal CALLER = new Principal("api-key", Set.of(), false);
    private final List<byte[]> keys;

    ApiKeys(List<String> keys) {
        this.keys = keys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    }

    boolean required() {
        return !keys.isEmpty();
    }

    @Override
    public Principal authenticate(Request request) {
        Optional<String> header = request.header("Authorization");
        if (header.isEmpty()) {
            return required() ? Principal.ANONYMOUS : CALLER;
        }
        String h = header.get().strip();
        if (!h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new KeelException(ErrorCode.UNAUTHENTICATED, "send the API key as 'Authorization: Bearer KEY'");
        }
        byte[] given = h.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] k : keys) {
            match |= MessageDigest.isEqual(k, given);
        }
        if (!match && required()) {
            throw new KeelException(ErrorCode.UNAUTHENTICATED, "the API key is not one this server accepts");
        }
        return CALLER;
    }

    /** The router's check: only {@link Access.Anyone} and {@link Access.Authenticated} occur here. */
    void check(Principal who, Access access, Request request) {
        if (access instanceof Access.Anyone) {
            return;
        }
        if (access instanceof Access.Authenticated && !who.anonymous()) {
            return;
        }
        if (access instanceof Access.Authenticated) {
            throw new KeelException(
                    ErrorCode.UNAUTHENTICATED, "this server needs an API key: send 'Authorization: Bearer KEY'");
        }
        throw new KeelException(ErrorCode.PERMISSION_DENIED, "no caller may use " + request.path());
    }
}
