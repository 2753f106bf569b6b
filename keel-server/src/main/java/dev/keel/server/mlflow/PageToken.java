package dev.keel.server.mlflow;

import dev.keel.core.Json;
import dev.keel.core.KeelException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** MLflow's opaque page token: base64 of {@code {"offset": N}}, as its own server writes it. */
final class PageToken {
    private PageToken() {}

    static String encode(int offset) {
        return Base64.getUrlEncoder()
                .encodeToString(Json.write(Map.of("offset", offset)).getBytes(StandardCharsets.UTF_8));
    }

    /** The offset a token names; 0 for none; INVALID_PARAMETER_VALUE for one this server did not write. */
    static int decode(String token) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        try {
            byte[] raw = token.contains("+") || token.contains("/")
                    ? Base64.getDecoder().decode(token)
                    : Base64.getUrlDecoder().decode(token);
            Object offset =
                    Json.readMap(new String(raw, StandardCharsets.UTF_8)).get("offset");
            if (offset instanceof Number n && n.longValue() >= 0 && n.longValue() <= Integer.MAX_VALUE) {
                return n.intValue();
            }
        } catch (IllegalArgumentException | KeelException e) {
            // falls through to the error below
        }
        throw KeelException.invalid("Invalid page token, could not base64-decode: '" + token
                + "': pass back the next_page_token of the previous page unchanged");
    }
}
