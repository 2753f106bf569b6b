package dev.keel.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Turns an HTTP error answer into the {@link KeelException} a caller sees. A Keel server answers
 * errors as JSON {@code {error_code, message}} and names the code in the
 * {@value #CODE_HEADER} header too (a HEAD answer has no body); that error comes back with its
 * code and message as the server raised it. Anything else (a proxy's 502, a web server's 404
 * page) is a {@link NotKeelException} that says so:
 *
 * <pre>
 * the server at http://keel.example:7080 answered 502 from something that is not Keel: &lt;html&gt;…
 * </pre>
 */
public final class ServerErrors {
    /** The response header in which a Keel server names the error code of an error answer. */
    public static final String CODE_HEADER = "X-Keel-Error-Code";

    private static final int SHOWN_CHARS = 200;

    private ServerErrors() {}

    /**
     * The error that {@code status}, {@code codeHeader} (the {@value #CODE_HEADER} header, or
     * null) and {@code body} describe, for a request to the server at {@code serverUrl}.
     */
    public static KeelException decode(String serverUrl, int status, String codeHeader, byte[] body) {
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        ErrorCode code = codeOf(codeHeader);
        String message = null;
        JsonNode json = jsonObject(text);
        if (json != null && json.path("error_code").isTextual()) {
            ErrorCode inBody = codeOf(json.path("error_code").asText());
            if (inBody != null) {
                code = inBody;
                message =
                        json.path("message").isTextual() ? json.path("message").asText() : null;
            }
        }
        if (code == null) {
            return notKeel(serverUrl, status, text);
        }
        return new KeelException(
                code,
                message != null ? message : "the Keel server at " + serverUrl + " answered " + status + " " + code);
    }

    /** A successful answer whose body is not what a Keel server sends (not JSON where JSON was asked for). */
    public static NotKeelException notKeel(String serverUrl, int status, String body) {
        String shown = body.strip().replaceAll("\\s+", " ");
        if (shown.length() > SHOWN_CHARS) {
            shown = shown.substring(0, SHOWN_CHARS) + "…";
        }
        return new NotKeelException(
                status,
                "the server at " + serverUrl + " answered " + status
                        + " from something that is not Keel: " + (shown.isEmpty() ? "(an empty body)" : shown)
                        + " (check that the URL points at a Keel server and, behind a proxy, that the Keel server runs)");
    }

    private static ErrorCode codeOf(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        try {
            return ErrorCode.valueOf(name.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static JsonNode jsonObject(String text) {
        String t = text.strip();
        if (!t.startsWith("{")) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(t);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
