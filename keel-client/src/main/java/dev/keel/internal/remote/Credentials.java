package dev.keel.internal.remote;

import dev.keel.core.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The API key for a server: {@code KEEL_API_KEY}, else the entry for the server's URL in
 * {@code ~/.keel/credentials.json} ({@code {"servers": {"<url>": {"user": "...", "api_key": "..."}}}},
 * written by {@code keel login}), else none.
 */
final class Credentials {
    private Credentials() {}

    /** The key to send to {@code url}, or null. */
    public static String apiKey(String url) {
        String env = System.getenv("KEEL_API_KEY");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        return fromFile(Path.of(System.getProperty("user.home"), ".keel", "credentials.json"), url);
    }

    @SuppressWarnings("unchecked")
    static String fromFile(Path file, String url) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            Map<String, Object> root = Json.readMap(Files.readString(file));
            Object servers = root.get("servers");
            if (!(servers instanceof Map<?, ?> m)) {
                return null;
            }
            String bare = strip(url);
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (strip(String.valueOf(e.getKey())).equals(bare) && e.getValue() instanceof Map<?, ?> entry) {
                    Object key = ((Map<String, Object>) entry).get("api_key");
                    return key instanceof String s && !s.isBlank() ? s : null;
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            System.err.println("keel: cannot read " + file + " (" + e.getMessage() + "); no API key sent."
                    + " Fix the file or run 'keel login' again.");
            return null;
        }
    }

    private static String strip(String url) {
        String u = url.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }
}
