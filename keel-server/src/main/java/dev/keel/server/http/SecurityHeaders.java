package dev.keel.server.http;

/**
 * Headers every response carries, set before the handler's own (a handler may override one,
 * e.g. a web page that needs a wider Content-Security-Policy). No {@code Access-Control-Allow-*}
 * header is ever sent: CORS is closed, so a web page from another origin cannot read the API
 * with the user's credentials.
 */
final class SecurityHeaders {
    private SecurityHeaders() {}

    static void apply(Exchange h) {
        h.responseHeader("X-Content-Type-Options", "nosniff");
        h.responseHeader("X-Frame-Options", "DENY");
        h.responseHeader("Referrer-Policy", "no-referrer");
        h.responseHeader(
                "Content-Security-Policy",
                "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        h.responseHeader("Cross-Origin-Opener-Policy", "same-origin");
        h.responseHeader("Cross-Origin-Resource-Policy", "same-origin");
        h.responseHeader("Cache-Control", "no-store");
    }
}
