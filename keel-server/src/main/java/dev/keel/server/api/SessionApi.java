package dev.keel.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.access.Accounts;
import dev.keel.core.access.StoredSession;
import dev.keel.core.access.User;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.Principal;
import dev.keel.server.auth.TeamAuthenticator;
import dev.keel.server.http.Request;
import dev.keel.server.http.Response;
import dev.keel.server.http.Router;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Web sessions for the dashboard: {@code POST /api/v1/session} with {@code {user, api_key}} or
 * {@code {user, password}} sets the {@code keel_session} cookie (HttpOnly, SameSite=Strict) and
 * answers {@code {user, csrf_token}}; {@code GET} answers the same for the current session (401
 * without one); {@code DELETE} signs out. Requests signed in by the cookie send the token in
 * {@code X-CSRF-Token} unless they are GET or HEAD (see {@link TeamAuthenticator}).
 *
 * <p>On the embedded server ({@link #local()}) there is no one to sign in: GET and POST answer
 * the local user with an empty CSRF token, which that server does not check.
 */
public final class SessionApi implements ApiModule {
    private static final String PATH = "/api/v1/session";
    private final Accounts accounts;

    public SessionApi(Accounts accounts) {
        this.accounts = accounts;
    }

    /** The session routes of the embedded, single-user server. */
    public static SessionApi local() {
        return new SessionApi(null);
    }

    @Override
    public void register(Router router, ServerContext context) {
        router.post(
                PATH,
                Access.anyone(),
                "Sign in with {user, api_key} or {user, password}: sets the session cookie",
                this::signIn);
        router.get(
                PATH,
                Access.anyone(),
                "The current session's user and CSRF token (401 when not signed in)",
                this::current);
        router.delete(PATH, Access.anyone(), "Sign out: ends the session and clears its cookie", this::signOut);
    }

    private Object signIn(Request request) {
        if (accounts == null) {
            return view(request.principal().user(), "");
        }
        JsonNode body = AuthFields.object(request.json(), Set.of("user", "api_key", "password"));
        String user = AuthFields.text(body, "user", true);
        String key = AuthFields.text(body, "api_key", false);
        String password = AuthFields.text(body, "password", false);
        Optional<User> found;
        if (key != null) {
            found = accounts.verifyKey(key).filter(u -> u.name().equals(user));
        } else if (password != null) {
            found = accounts.verifyPassword(user, password);
        } else {
            throw KeelException.invalid("send field 'api_key' or field 'password' with 'user'");
        }
        if (found.isEmpty()) {
            throw new KeelException(ErrorCode.UNAUTHENTICATED, "wrong user name, API key or password");
        }
        Accounts.Session session = accounts.startSession(user);
        long maxAge = Accounts.SESSION_TTL_MS / 1000;
        // behind a TLS-terminating proxy the browser must never send the cookie over plain HTTP
        boolean https = request.header("X-Forwarded-Proto")
                .map(p -> p.equalsIgnoreCase("https"))
                .orElse(false);
        return Response.json(200, view(user, session.csrfToken()))
                .header(
                        "Set-Cookie",
                        TeamAuthenticator.COOKIE + "=" + session.token()
                                + "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" + maxAge + (https ? "; Secure" : ""));
    }

    private Object current(Request request) {
        Principal who = request.principal();
        if (who.anonymous()) {
            throw new KeelException(
                    ErrorCode.UNAUTHENTICATED,
                    "not signed in: POST /api/v1/session with" + " {user, api_key} or {user, password}");
        }
        if (accounts == null) {
            return view(who.user(), "");
        }
        // signed in by a bearer key: there is no session, so no CSRF token either
        String csrf = cookieSession(request).map(StoredSession::csrfToken).orElse(null);
        return view(who.user(), csrf);
    }

    private Object signOut(Request request) {
        if (accounts != null) {
            cookieSession(request).ifPresent(s -> accounts.store().deleteSession(s.idHash()));
        }
        return Response.noContent()
                .header("Set-Cookie", TeamAuthenticator.COOKIE + "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    }

    private Optional<StoredSession> cookieSession(Request request) {
        return TeamAuthenticator.cookie(request, TeamAuthenticator.COOKIE).flatMap(accounts::session);
    }

    private static Map<String, Object> view(String user, String csrf) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", user);
        out.put("csrf_token", csrf);
        return out;
    }
}
