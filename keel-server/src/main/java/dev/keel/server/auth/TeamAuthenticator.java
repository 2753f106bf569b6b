package dev.keel.server.auth;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.access.Accounts;
import dev.keel.core.access.Secrets;
import dev.keel.core.access.StoredSession;
import dev.keel.core.access.User;
import dev.keel.server.http.Request;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The team server's {@link Authenticator}. A request proves who it is with, in order:
 * <ol>
 *   <li>{@code Authorization: Bearer <API key>} (SDK, CLI, scripts; MLflow's tracking token);</li>
 *   <li>{@code Authorization: Basic} with the user name and an API key or password (what MLflow
 *       clients send with {@code MLFLOW_TRACKING_USERNAME/PASSWORD});</li>
 *   <li>the {@value #COOKIE} cookie of a web session. Such requests, unless GET or HEAD, must
 *       echo the session's CSRF token in {@value #CSRF_HEADER}, else 403: a cookie is sent by
 *       the browser on its own, a header only by the dashboard's code.</li>
 * </ol>
 * No credentials: anonymous. Wrong credentials: 401, never a silent fall back to anonymous,
 * so that a typo in a key is reported as such. Keys are never logged or echoed.
 */
public final class TeamAuthenticator implements Authenticator {
    public static final String COOKIE = "keel_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** Sign-in itself: a stale cookie must not stand in its way (and it carries no CSRF token yet). */
    static final String SESSION_PATTERN = "/api/v1/session";

    private final Accounts accounts;

    public TeamAuthenticator(Accounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public Principal authenticate(Request request) {
        Optional<String> authorization = request.header("Authorization");
        if (authorization.isPresent()) {
            return fromAuthorization(authorization.get().strip());
        }
        if (request.route() != null
                && SESSION_PATTERN.equals(request.route().pattern())
                && "POST".equals(request.method())) {
            return Principal.ANONYMOUS;
        }
        Optional<String> token = cookie(request, COOKIE);
        if (token.isEmpty()) {
            return Principal.ANONYMOUS;
        }
        Optional<StoredSession> session = accounts.session(token.get());
        if (session.isEmpty()) {
            // an ended or expired session: the caller is simply not signed in any more
            return Principal.ANONYMOUS;
        }
        if (!"GET".equals(request.method())
                && !"HEAD".equals(request.method())
                && !Secrets.constantTimeEquals(
                        session.get().csrfToken(), request.header(CSRF_HEADER).orElse(null))) {
            throw new KeelException(
                    ErrorCode.PERMISSION_DENIED,
                    "missing or wrong " + CSRF_HEADER + " header: a request"
                            + " signed in by the session cookie must send the csrf_token that POST or GET /api/v1/session returned");
        }
        return accounts.store().user(session.get().user()).map(this::principal).orElse(Principal.ANONYMOUS);
    }

    private Principal fromAuthorization(String header) {
        int space = header.indexOf(' ');
        String scheme = space < 0 ? header : header.substring(0, space);
        String value = space < 0 ? "" : header.substring(space + 1).strip();
        switch (scheme.toLowerCase(Locale.ROOT)) {
            case "bearer":
                return accounts.verifyKey(value)
                        .map(this::principal)
                        .orElseThrow(
                                () -> new KeelException(
                                        ErrorCode.UNAUTHENTICATED,
                                        "the API key is not valid (revoked, or mistyped): create a new one"
                                                + " with 'keel server users add' or POST /api/v1/users/{user}/keys, then 'keel login'"));
            case "basic":
                return basic(value);
            default:
                throw new KeelException(
                        ErrorCode.UNAUTHENTICATED,
                        "unsupported Authorization scheme '" + scheme + "': send 'Authorization: Bearer <API key>'");
        }
    }

    private Principal basic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new KeelException(ErrorCode.UNAUTHENTICATED, "malformed Basic credentials: send base64(user:key)");
        }
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        String secret = colon < 0 ? "" : decoded.substring(colon + 1);
        Optional<User> found = secret.startsWith(Accounts.KEY_PREFIX)
                ? accounts.verifyKey(secret).filter(u -> u.name().equals(user))
                : accounts.verifyPassword(user, secret);
        return found.map(this::principal)
                .orElseThrow(
                        () -> new KeelException(ErrorCode.UNAUTHENTICATED, "wrong user name, API key or password"));
    }

    private Principal principal(User user) {
        return new Principal(user.name(), accounts.store().teamsOf(user.name()), user.admin());
    }

    /** The value of a cookie, from any {@code Cookie} header of the request. */
    public static Optional<String> cookie(Request request, String name) {
        for (String header : request.headers("Cookie")) {
            for (String part : header.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0 && part.substring(0, eq).strip().equals(name)) {
                    return Optional.of(part.substring(eq + 1).strip());
                }
            }
        }
        return Optional.empty();
    }
}
