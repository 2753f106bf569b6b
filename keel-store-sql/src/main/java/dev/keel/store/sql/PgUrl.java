package dev.keel.store.sql;

import dev.keel.core.KeelException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@code jdbc:postgresql:} location taken apart: the URL the driver gets (without
 * credentials), the user and password (from the URL's {@code user:password@} or its
 * {@code user=}/{@code password=} parameters, else from {@code KEEL_DB_USER} and
 * {@code KEEL_DB_PASSWORD}), and the form shown in messages, which never holds the password.
 */
record PgUrl(String jdbcUrl, String user, String password) {
    static final String SCHEME = "jdbc:postgresql:";

    /** The URL as messages show it: no password, the user (when one is set) in front. */
    String display() {
        if (user == null || user.isEmpty() || !jdbcUrl.startsWith(SCHEME + "//")) {
            return jdbcUrl;
        }
        return SCHEME + "//" + user + "@" + jdbcUrl.substring(SCHEME.length() + 2);
    }

    static PgUrl parse(String location, Map<String, String> env) {
        if (location == null || !location.startsWith(SCHEME)) {
            throw KeelException.invalid(
                    "'" + location + "' is not a PostgreSQL URL: write" + " jdbc:postgresql://HOST[:PORT]/DATABASE");
        }
        String rest = location.substring(SCHEME.length());
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String user = null;
        String password = null;
        if (rest.startsWith("//")) {
            int slash = rest.indexOf('/', 2);
            String authority = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                String info = authority.substring(0, at);
                int colon = info.indexOf(':');
                user = decode(colon < 0 ? info : info.substring(0, colon));
                password = colon < 0 ? null : decode(info.substring(colon + 1));
                rest = "//" + authority.substring(at + 1) + (slash < 0 ? "" : rest.substring(slash));
            }
        }
        List<String> kept = new ArrayList<>();
        for (String param : query.split("&")) {
            if (param.isEmpty()) {
                continue;
            }
            int eq = param.indexOf('=');
            String name = eq < 0 ? param : param.substring(0, eq);
            String value = eq < 0 ? "" : decode(param.substring(eq + 1));
            if (name.equals("user")) {
                user = value;
            } else if (name.equals("password")) {
                password = value;
            } else {
                kept.add(param);
            }
        }
        if (user == null || user.isEmpty()) {
            user = env.get("KEEL_DB_USER");
        }
        if (password == null) {
            password = env.get("KEEL_DB_PASSWORD");
        }
        String url = SCHEME + rest + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
        return new PgUrl(url, user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return display(); // a record's default toString would print the password
    }
}
