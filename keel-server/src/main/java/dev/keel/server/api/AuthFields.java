package dev.keel.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Reading the small JSON bodies of the user, team and session routes; errors name the field. */
final class AuthFields {
    private AuthFields() {}

    /** The body as an object whose fields are all in {@code known}. */
    static JsonNode object(JsonNode body, Set<String> known) {
        if (!body.isObject()) {
            throw KeelException.invalid("the request body must be a JSON object");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw KeelException.invalid("unknown field '" + f + "': expected "
                        + String.join(", ", known.stream().sorted().toList()));
            }
        }
        return body;
    }

    static String text(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw KeelException.invalid("field '" + field + "' is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw KeelException.invalid("field '" + field + "' must be a string");
        }
        return v.asText();
    }

    static boolean bool(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw KeelException.invalid("field '" + field + "' must be true or false");
        }
        return v.asBoolean();
    }

    static List<String> texts(JsonNode body, String field) {
        JsonNode v = body.get(field);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw KeelException.invalid("field '" + field + "' must be a list of strings");
        }
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw KeelException.invalid("field '" + field + "' must be a list of strings");
            }
            out.add(e.asText());
        }
        return out;
    }
}
