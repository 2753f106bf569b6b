package dev.keel.server.fuzz;

import dev.keel.server.http.Route;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Makes request number {@code i} of a seeded run: the same seed and index give the same request,
 * whatever the thread, so a failure is reproduced from the two numbers in its message.
 * Paths are built from the server's real route patterns with mutated parameters; one request in
 * ten goes over a raw socket with a broken request line, headers or framing instead.
 */
final class Fuzz {
    private static final List<String> METHODS =
            List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "BREW", "get", "PROPFIND");
    private static final List<String> QUERY_NAMES = List.of(
            "filter",
            "sort",
            "limit",
            "offset",
            "from",
            "to",
            "key",
            "keys",
            "page_token",
            "max_results",
            "run_id",
            "experiment_id",
            "path",
            "step",
            "samples",
            "since",
            "format",
            "x",
            "");
    private static final List<String> FILTERS = List.of(
            "config.lr < 0.01",
            "state = finished",
            "summary.loss > 1",
            "lr <<",
            "((((",
            "tags contains \"x\"",
            "name in (a, b)",
            "not",
            "config.a.b.c.d = 'x'",
            "1 = 1",
            "summary.loss = NaN",
            "config.x >= 1e400",
            "\u0000",
            "state = 日本",
            "and or not",
            "config. = 1");
    private static final List<String> SORTS = List.of(
            "-summary.loss",
            "name",
            "-created",
            "config.lr",
            "+",
            "-",
            "--x",
            "summary.",
            "config..a",
            "runtime",
            "日本",
            "-system/cpu");
    private static final List<String> CONTENT_TYPES = List.of(
            "application/json",
            "application/json; charset=utf-8",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=--",
            "application/octet-stream",
            "application/json; charset=utf-16",
            "*/*",
            "",
            "application/x-ndjson");

    /** One request to send. */
    record Request(
            int index,
            String method,
            String pathAndQuery,
            Map<String, String> headers,
            byte[] body,
            byte[] raw,
            boolean writes) {
        String describe() {
            String b = body == null ? "" : new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
            return "#" + index + " "
                    + (raw != null
                            ? "RAW " + new String(raw, 0, Math.min(raw.length, 300), StandardCharsets.ISO_8859_1)
                            : method + " " + pathAndQuery + " headers=" + headers + " body=" + b);
        }
    }

    private final long seed;
    private final List<Route> routes;
    private final List<List<String>> pools;

    Fuzz(
            long seed,
            List<Route> routes,
            List<String> protectedIds,
            List<String> scratchIds,
            List<String> protectedNames,
            List<String> scratchNames,
            List<String> keys) {
        this.seed = seed;
        this.routes = routes;
        this.pools = List.of(protectedIds, scratchIds, protectedNames, scratchNames, keys);
    }

    Request request(int index) {
        Random rnd = new Random(seed * 1_000_003L + index);
        FuzzValues values = new FuzzValues(rnd, pools.get(0), pools.get(1), pools.get(2), pools.get(3), pools.get(4));
        if (rnd.nextInt(10) == 0) {
            return new Request(index, null, null, Map.of(), null, new RawRequests(rnd, values).next(routes), true);
        }
        Route route = routes.get(rnd.nextInt(routes.size()));
        String method = rnd.nextInt(10) < 7 ? route.method() : METHODS.get(rnd.nextInt(METHODS.size()));
        boolean writes = !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
        values.writing = writes;
        String path = rnd.nextInt(20) == 0 ? randomPath(rnd, values) : path(route, values, rnd);
        String query = query(rnd, values);
        Map<String, String> headers = headers(rnd, values);
        byte[] body = null;
        if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS") && !method.equals("TRACE")
                || rnd.nextInt(20) == 0) {
            body = new FuzzBodies(rnd, values).next();
        }
        return new Request(index, method, path + query, headers, body, null, writes);
    }

    static String path(Route route, FuzzValues values, Random rnd) {
        StringBuilder b = new StringBuilder();
        for (String segment : route.pattern().split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            b.append('/');
            if (segment.startsWith("{")) {
                String name = segment.substring(1, segment.length() - 1);
                b.append(values.pathParam(name));
            } else if (rnd.nextInt(40) == 0) {
                b.append(encode(values.mutate(segment)));
            } else {
                b.append(segment);
            }
        }
        if (rnd.nextInt(30) == 0) {
            b.append(rnd.nextBoolean() ? "/" : "/extra");
        }
        return b.length() == 0 ? "/" : b.toString();
    }

    private static String randomPath(Random rnd, FuzzValues values) {
        StringBuilder b = new StringBuilder();
        int n = rnd.nextInt(6);
        for (int i = 0; i < n; i++) {
            b.append('/').append(rnd.nextBoolean() ? encode(values.text()) : values.pick(FuzzValues.NASTY));
        }
        return b.length() == 0 ? "/" : b.toString();
    }

    private static String query(Random rnd, FuzzValues values) {
        int n = rnd.nextInt(4);
        if (n == 0) {
            return "";
        }
        Map<String, String> q = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = QUERY_NAMES.get(rnd.nextInt(QUERY_NAMES.size()));
            String v;
            switch (name) {
                case "filter":
                    v = rnd.nextBoolean() ? FILTERS.get(rnd.nextInt(FILTERS.size())) : values.text();
                    break;
                case "sort":
                    v = SORTS.get(rnd.nextInt(SORTS.size()));
                    break;
                default:
                    v = rnd.nextBoolean() ? values.number() : values.text();
                    break;
            }
            q.put(name, v);
        }
        StringBuilder b = new StringBuilder("?");
        for (Map.Entry<String, String> e : q.entrySet()) {
            if (b.length() > 1) {
                b.append('&');
            }
            b.append(encode(e.getKey()))
                    .append('=')
                    .append(rnd.nextInt(15) == 0 ? values.pick(FuzzValues.NASTY) : encode(e.getValue()));
        }
        return b.toString();
    }

    private static Map<String, String> headers(Random rnd, FuzzValues values) {
        Map<String, String> h = new LinkedHashMap<>();
        String type = CONTENT_TYPES.get(rnd.nextInt(CONTENT_TYPES.size()));
        if (!type.isEmpty()) {
            h.put("Content-Type", type);
        }
        if (rnd.nextInt(4) == 0) {
            h.put("Authorization", rnd.nextBoolean() ? "Bearer " + ascii(values.text()) : "Basic Og==");
        }
        if (rnd.nextInt(6) == 0) {
            h.put(
                    "Range",
                    List.of(
                                    "bytes=0-10",
                                    "bytes=-5",
                                    "bytes=5-1",
                                    "bytes=abc",
                                    "bytes=0-",
                                    "bytes=99999999999-",
                                    "items=1-2",
                                    "bytes=0-1,3-4",
                                    "bytes=-0")
                            .get(rnd.nextInt(9)));
        }
        if (rnd.nextInt(8) == 0) {
            h.put("X-Request-Id", ascii(values.text()));
        }
        if (rnd.nextInt(8) == 0) {
            h.put(
                    "Accept",
                    List.of("text/event-stream", "application/json", "*/*", "text/html", "garbage")
                            .get(rnd.nextInt(5)));
        }
        if (rnd.nextInt(10) == 0) {
            h.put("If-None-Match", "\"" + ascii(values.text()) + "\"");
        }
        if (rnd.nextInt(10) == 0) {
            h.put("Cookie", "keel_session=" + ascii(values.text()));
        }
        return h;
    }

    /** Header values must be visible ASCII for the client to send them. */
    private static String ascii(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? c : 'x');
        }
        return b.toString().trim().isEmpty() ? "x" : b.toString().trim();
    }

    /** Percent-encodes everything but unreserved characters, so any string becomes a valid path segment. */
    static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '~') {
                b.append((char) c);
            } else {
                b.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    static List<String> list(String... s) {
        return new ArrayList<>(List.of(s));
    }
}
