package dev.keel.server.http;

import com.sun.net.httpserver.Headers;

/**
 * Headers every response carries, set before the handler's own (a handler may override one,
 * e.g. a web page that needs a wider Content-Security-Policy). No {@code Access-Control-Allow-*}
 * header is ever sent: CORS is closed, so a web page from another origin cannot read the API
 * with the user's credentials.
 */
final class SecurityHeaders {
    private SecurityHeaders() {}

    static void apply(Headers h) {
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set(
                "Content-Security-Policy",
                "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        h.set("Cross-Origin-Opener-Policy", "same-origin");
        h.set("Cross-Origin-Resource-Policy", "same-origin");
        h.set("Cache-Control", "no-store");
    }
}
