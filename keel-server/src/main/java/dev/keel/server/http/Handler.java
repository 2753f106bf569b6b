package dev.keel.server.http;

/**
 * Serves one route. Return a {@link Response}, or any other value to send it as JSON with
 * status 200 ({@code null} sends 204). Throw {@link dev.keel.core.KeelException} for errors:
 * the router turns it into {@code {error_code, message}} with the code's status.
 */
@FunctionalInterface
public interface Handler {
    Object handle(Request request) throws Exception;
}
