package dev.keel.server.mlflow;

import dev.keel.core.Json;
import dev.keel.core.KeelException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** MLflow's opaque page token: base64 of {@code {"offset": N}}, as its own server writes it. */
final class PageToken {
    private PageToken() {}

    static String encode(int offset) {
        return Base64.getUrlEncoder()
                .encodeToString(Json.write(Map.of("offset", offset)).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The page of {@code found} that the request's {@code page_token} and {@code max_results}
     * (default {@code fallback}, at most {@code limit}) select, each viewed by {@code view}, under
     * {@code key}, with {@code next_page_token} only when more follow (MLflow's Java client
     * loops on any token it is given).
     */
    static <T> Map<String, Object> page(
            Fields f, List<T> found, int fallback, int limit, String key, Function<T, Object> view) {
        int max = Limits.maxResults(f.has("max_results") ? f.int64("max_results", 0) : Long.MIN_VALUE, fallback, limit);
        int from = Math.min(decode(f.string("page_token")), found.size());
        int to = Math.min(found.size(), from + max);
        List<Object> page = new ArrayList<>(to - from);
        for (T t : found.subList(from, to)) {
            page.add(view.apply(t));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(key, page);
        if (to < found.size()) {
            out.put("next_page_token", encode(to));
        }
        return out;
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
