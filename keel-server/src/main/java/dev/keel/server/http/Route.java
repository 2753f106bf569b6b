package dev.keel.server.http;

import dev.keel.server.auth.Access;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One endpoint: method, path pattern, the access rule it declares and its handler. Patterns are
 * literal segments and {@code {name}} parameters; a last {@code {name*}} takes the rest of the
 * path, slashes included (metric keys such as {@code system/cpu}, file paths).
 *
 * @param streaming the handler reads the body as a stream itself, so the JSON body limit does not apply
 * @param summary   one line for the OpenAPI document
 */
public record Route(String method, String pattern, Access access, Handler handler, boolean streaming, String summary) {

    public Route {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(access, "access: every route must declare who may call it");
        Objects.requireNonNull(handler, "handler");
    }

    List<String> segments() {
        return split(pattern);
    }

    static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** The parameter names in the pattern, in order. */
    public List<String> parameters() {
        List<String> names = new ArrayList<>();
        for (String s : segments()) {
            if (s.startsWith("{")) {
                names.add(s.substring(1, s.length() - (s.endsWith("*}") ? 2 : 1)));
            }
        }
        return names;
    }
}
