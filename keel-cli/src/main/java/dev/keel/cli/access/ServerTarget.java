package dev.keel.cli.access;

import dev.keel.core.Json;
import dev.keel.core.KeelException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which Keel server a command talks to and with which API key: the URL given on the command
 * line, else {@code KEEL_URL}; the key from {@code KEEL_API_KEY}, else from
 * {@code ~/.keel/credentials.json} ({@code {"servers": {"<url>": {"user": …, "api_key": …}}}},
 * written by {@code keel login}), else none.
 *
 * @param apiKey null when none is known (servers that allow anonymous or local access)
 */
public record ServerTarget(String url, String apiKey) {

    public static ServerTarget resolve(String urlArgument) {
        return resolve(urlArgument, System.getenv(), Path.of(System.getProperty("user.home")));
    }

    static ServerTarget resolve(String urlArgument, Map<String, String> env, Path userHome) {
        String url = urlArgument != null && !urlArgument.isBlank() ? urlArgument.strip() : env.get("KEEL_URL");
        if (url == null || url.isBlank()) {
            throw KeelException.invalid(
                    "no server given: pass its URL (e.g. http://keel.example:7080) or set KEEL_URL");
        }
        url = url.strip();
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw KeelException.invalid("'" + url + "' is not a server URL: write http://HOST:PORT or https://HOST");
        }
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        String key = env.get("KEEL_API_KEY");
        if (key == null || key.isBlank()) {
            key = savedKey(userHome.resolve(".keel").resolve("credentials.json"), url);
        }
        return new ServerTarget(url, key == null || key.isBlank() ? null : key.strip());
    }

    private static String savedKey(Path file, String url) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            Object servers = Json.readMap(Files.readString(file)).get("servers");
            if (!(servers instanceof Map<?, ?> byUrl)) {
                return null;
            }
            Object entry = byUrl.get(url);
            if (entry == null) {
                entry = byUrl.get(url + "/");
            }
            return entry instanceof Map<?, ?> m && m.get("api_key") instanceof String s ? s : null;
        } catch (IOException | RuntimeException e) {
            throw KeelException.invalid("cannot read " + file + " (" + e.getMessage() + "): fix or delete it, then run"
                    + " 'keel login' again");
        }
    }
}
