package dev.keel.server.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Request bodies a careless or hostile client sends: plausible Keel and MLflow objects with
 * wrong types and odd values, random JSON, truncated and deeply nested JSON, non-JSON bytes,
 * non-finite numbers, lone surrogates and big strings.
 */
final class FuzzBodies {
    /** Field names of the native and MLflow APIs, so bodies reach past the first type check. */
    private static final List<String> FIELDS = List.of(
            "project",
            "name",
            "run_id",
            "run_uuid",
            "experiment_id",
            "experiment_ids",
            "key",
            "value",
            "step",
            "timestamp",
            "metrics",
            "params",
            "tags",
            "summary",
            "config",
            "state",
            "status",
            "notes",
            "group",
            "user",
            "seq",
            "offset",
            "log_offset",
            "batch",
            "points",
            "values",
            "steps",
            "console",
            "files",
            "hash",
            "size",
            "path",
            "filter",
            "order_by",
            "max_results",
            "page_token",
            "description",
            "visibility",
            "team",
            "version",
            "dataset",
            "ref",
            "message",
            "artifact_uri",
            "lifecycle_stage",
            "new_name",
            "end_time",
            "start_time",
            "run_name",
            "heartbeat_at",
            "runtime_ms",
            "id",
            "text",
            "stream");

    private final Random rnd;
    private final FuzzValues values;

    FuzzBodies(Random rnd, FuzzValues values) {
        this.rnd = rnd;
        this.values = values;
    }

    byte[] next() {
        String s;
        switch (rnd.nextInt(12)) {
            case 0:
                s = "";
                break;
            case 1:
                s = deep(1 + rnd.nextInt(rnd.nextBoolean() ? 50 : 5000));
                break;
            case 2:
                s = truncate(plausible(3));
                break;
            case 3:
                return garbage();
            case 4:
                s = "{\"" + pick(FIELDS) + "\":\"" + "x".repeat(rnd.nextInt(100_000)) + "\"}";
                break;
            case 5:
                s = "{\"" + pick(FIELDS) + "\":"
                        + pick(List.of(
                                "NaN",
                                "Infinity",
                                "-Infinity",
                                "1e400",
                                "-1e400",
                                "123456789012345678901234567890",
                                "-0",
                                "0x10",
                                "01",
                                "1.",
                                ".5",
                                "+1",
                                "\"NaN\"",
                                "\"\\ud800\"",
                                "\"\\u0000\"",
                                "null",
                                "true",
                                "[]",
                                "{}"))
                        + "}";
                break;
            case 6:
                s = randomJson(4);
                break;
            case 7:
                s = "[" + plausible(2) + "," + plausible(2) + "]";
                break;
            case 8:
                s = mutate(plausible(3));
                break;
            default:
                s = plausible(3);
                break;
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** An object with API field names and values of any type. */
    String plausible(int depth) {
        StringBuilder b = new StringBuilder("{");
        int n = 1 + rnd.nextInt(6);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(quote(rnd.nextInt(10) == 0 ? values.text() : pick(FIELDS)))
                    .append(':')
                    .append(value(depth - 1));
        }
        return b.append('}').toString();
    }

    private String value(int depth) {
        switch (rnd.nextInt(depth <= 0 ? 6 : 9)) {
            case 0:
                return quote(values.text());
            case 1:
                return quote(values.id());
            case 2:
                return values.number();
            case 3:
                return rnd.nextBoolean() ? "true" : "null";
            case 4:
                return quote(values.metricKey());
            case 5:
                return Long.toString(rnd.nextLong() % 1_000_000_000_000L);
            case 6: {
                StringBuilder a = new StringBuilder("[");
                int n = rnd.nextInt(5);
                for (int i = 0; i < n; i++) {
                    a.append(i > 0 ? "," : "").append(rnd.nextBoolean() ? plausible(depth - 1) : value(depth - 1));
                }
                return a.append(']').toString();
            }
            default:
                return plausible(depth - 1);
        }
    }

    private String randomJson(int depth) {
        if (depth <= 0 || rnd.nextInt(3) == 0) {
            return rnd.nextBoolean() ? values.number() : quote(values.text());
        }
        if (rnd.nextBoolean()) {
            StringBuilder b = new StringBuilder("[");
            int n = rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                b.append(i > 0 ? "," : "").append(randomJson(depth - 1));
            }
            return b.append(']').toString();
        }
        StringBuilder b = new StringBuilder("{");
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            b.append(i > 0 ? "," : "").append(quote(values.text())).append(':').append(randomJson(depth - 1));
        }
        return b.append('}').toString();
    }

    private String deep(int depth) {
        String open = rnd.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        return open.repeat(depth) + "1" + (rnd.nextInt(4) == 0 ? "" : close.repeat(depth));
    }

    private String truncate(String s) {
        return s.isEmpty() ? s : s.substring(0, rnd.nextInt(s.length()));
    }

    String mutate(String s) {
        StringBuilder b = new StringBuilder(s);
        int edits = 1 + rnd.nextInt(4);
        for (int i = 0; i < edits && b.length() > 0; i++) {
            int at = rnd.nextInt(b.length());
            switch (rnd.nextInt(3)) {
                case 0:
                    b.deleteCharAt(at);
                    break;
                case 1:
                    b.insert(at, "{}[]\",:\\0-9eE\u0000\u00e9\ud83d\ude80".charAt(rnd.nextInt(17)));
                    break;
                default:
                    b.setCharAt(at, (char) (32 + rnd.nextInt(95)));
                    break;
            }
        }
        return b.toString();
    }

    private byte[] garbage() {
        byte[] b = new byte[rnd.nextInt(2000)];
        rnd.nextBytes(b);
        return b;
    }

    private <T> T pick(List<T> list) {
        return list.get(rnd.nextInt(list.size()));
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
