package dev.keel.server.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Values for path parameters, query parameters and JSON fields: the real ids, names and keys of
 * the data under test, mutations of them, and the classics (traversal, unicode, huge, control
 * characters, percent-encoding garbage, numbers that do not fit).
 */
final class FuzzValues {
    static final List<String> NASTY = List.of(
            "..",
            "../../etc/passwd",
            "..%2F..%2Fetc%2Fpasswd",
            "%2e%2e",
            "%2e%2e%2f",
            "..\\..\\win.ini",
            "%5c..%5c",
            ".",
            "%00",
            "a%00b",
            "%0d%0aX-Injected:%201",
            "%",
            "%zz",
            "%C0%AF",
            "%E0%80%AF",
            "%ED%A0%80",
            "%FF%FE",
            "+",
            "%20",
            "~",
            "*",
            "%2A",
            "?",
            "#",
            ";",
            "$(id)",
            "'; DROP TABLE runs; --",
            "\" OR 1=1 --",
            "${jndi:ldap://x}",
            "{{7*7}}",
            "<script>alert(1)</script>",
            "null",
            "undefined",
            "NaN",
            "Infinity",
            "-1",
            "0",
            "9223372036854775808",
            "1e309",
            "日本語",
            "🚀",
            "\u202eevil",
            "e\u0301",
            "\uFEFF",
            "A".repeat(300),
            "x".repeat(5000),
            "system/cpu",
            "a/b/c",
            "%2F",
            "//",
            "latest",
            "v0",
            "v-1",
            "name:v3",
            "name@",
            "sha256:" + "0".repeat(64),
            "sha256:../../x",
            "0".repeat(64));

    private final Random rnd;
    private final List<String> readIds;
    private final List<String> writeIds;
    private final List<String> readNames;
    private final List<String> writeNames;
    private final List<String> keys;
    /** Whether the request under construction may change data (then protected values are only used mutated). */
    boolean writing;

    FuzzValues(
            Random rnd,
            List<String> protectedIds,
            List<String> scratchIds,
            List<String> protectedNames,
            List<String> scratchNames,
            List<String> keys) {
        this.rnd = rnd;
        this.readIds = concat(protectedIds, scratchIds);
        this.writeIds = scratchIds;
        this.readNames = concat(protectedNames, scratchNames);
        this.writeNames = scratchNames;
        this.keys = keys;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** A value for a path parameter named {@code name}; already percent-encoded for a URL path. */
    String pathParam(String name) {
        String n = name.toLowerCase();
        int r = rnd.nextInt(10);
        if (r < 4) {
            String real = n.contains("key")
                    ? pick(keys)
                    : n.contains("project") || n.contains("name") || n.contains("dataset") ? name() : id();
            return n.endsWith("*") || n.contains("key") || n.contains("path") ? real : Fuzz.encode(real);
        }
        if (r < 6) {
            return Fuzz.encode(mutate(rnd.nextBoolean() ? id() : name()));
        }
        if (r < 8) {
            return pick(NASTY);
        }
        return Fuzz.encode(text());
    }

    String id() {
        return writing ? pick(writeIds) : pick(readIds);
    }

    String name() {
        return writing ? pick(writeNames) : pick(readNames);
    }

    String metricKey() {
        return rnd.nextInt(4) == 0 ? mutate(pick(keys)) : pick(keys);
    }

    String text() {
        switch (rnd.nextInt(6)) {
            case 0:
                return pick(NASTY);
            case 1:
                return mutate(pick(readNames));
            case 2: {
                StringBuilder b = new StringBuilder();
                int n = rnd.nextInt(20);
                for (int i = 0; i < n; i++) {
                    b.appendCodePoint(rnd.nextInt(3) == 0 ? 0x80 + rnd.nextInt(0x2FF80) : 0x20 + rnd.nextInt(0x5F));
                }
                return b.toString();
            }
            case 3:
                return "";
            default:
                return id();
        }
    }

    String number() {
        switch (rnd.nextInt(8)) {
            case 0:
                return "-1";
            case 1:
                return "1e308";
            case 2:
                return Double.toString(rnd.nextGaussian());
            case 3:
                return "9223372036854775807";
            case 4:
                return "-9223372036854775809";
            case 5:
                return "0.0000000000000000000000000001";
            default:
                return Integer.toString(rnd.nextInt(1000));
        }
    }

    String mutate(String s) {
        if (s.isEmpty()) {
            return "x";
        }
        StringBuilder b = new StringBuilder(s);
        int at = rnd.nextInt(b.length());
        switch (rnd.nextInt(4)) {
            case 0:
                b.deleteCharAt(at);
                break;
            case 1:
                b.insert(at, (char) (0x21 + rnd.nextInt(0x5D)));
                break;
            case 2:
                b.setCharAt(at, b.charAt(at) == 'z' ? 'y' : 'z');
                break;
            default:
                b.append(b);
                break;
        }
        String out = b.toString();
        return out.equals(s) ? s + "z" : out;
    }

    <T> T pick(List<T> list) {
        return list.get(rnd.nextInt(list.size()));
    }
}
