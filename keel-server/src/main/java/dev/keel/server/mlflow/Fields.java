package dev.keel.server.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelException;
import dev.keel.server.http.Request;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fields of one MLflow request, from the JSON body (POST) or the query string (GET), read the
 * way MLflow's clients send them: int64 as a JSON number or a string (the Java client sends
 * strings), doubles as numbers or "NaN"/"Infinity"/"-Infinity", enums by name. Unknown fields
 * are ignored. Every error names the field.
 */
final class Fields {
    private final JsonNode body;
    private final Map<String, String> query;

    private Fields(JsonNode body, Map<String, String> query) {
        this.body = body;
        this.query = query;
    }

    static Fields of(Request request) {
        if ("GET".equals(request.method())) {
            return new Fields(null, request.queryParameters());
        }
        JsonNode node = request.json();
        if (!node.isObject()) {
            throw KeelException.invalid("the request body must be a JSON object, not "
                    + node.getNodeType().name().toLowerCase());
        }
        return new Fields(node, Map.of());
    }

    /** Fields of one nested object (a metric, param or tag of a batch). */
    static Fields of(JsonNode object, String where) {
        if (object == null || !object.isObject()) {
            throw KeelException.invalid("each entry of '" + where + "' must be a JSON object");
        }
        return new Fields(object, Map.of());
    }

    private JsonNode node(String name) {
        JsonNode n = body == null ? null : body.get(name);
        return n == null || n.isNull() ? null : n;
    }

    boolean has(String name) {
        return body == null ? query.containsKey(name) && !query.get(name).isEmpty() : node(name) != null;
    }

    /** A string field, or null when absent. */
    String string(String name) {
        if (body == null) {
            return query.get(name);
        }
        JsonNode n = node(name);
        if (n == null) {
            return null;
        }
        if (!n.isValueNode()) {
            throw KeelException.invalid("field '" + name + "' must be a string");
        }
        return n.asText();
    }

    String required(String name) {
        String v = string(name);
        if (v == null || v.isEmpty()) {
            throw KeelException.invalid("Missing value for required parameter '" + name + "'."
                    + " See the API docs for more information about request parameters.");
        }
        return v;
    }

    /** The run named by {@code run_id}, or by the older {@code run_uuid}. */
    String runId() {
        String id = string("run_id");
        if (id == null || id.isEmpty()) {
            id = string("run_uuid");
        }
        if (id == null || id.isEmpty()) {
            throw KeelException.invalid("Missing value for required parameter 'run_id'.");
        }
        return id;
    }

    /** An int64 sent as a number or a decimal string; {@code fallback} when absent. */
    long int64(String name, long fallback) {
        String text;
        if (body == null) {
            text = query.get(name);
        } else {
            JsonNode n = node(name);
            if (n == null) {
                return fallback;
            }
            if (n.isIntegralNumber() && n.canConvertToLong()) {
                return n.asLong();
            }
            if (!n.isTextual()) {
                throw KeelException.invalid("field '" + name + "' must be a whole number, got " + n);
            }
            text = n.asText();
        }
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw KeelException.invalid("field '" + name + "' must be a whole number, got '" + text + "'");
        }
    }

    /** A double sent as a number or as "NaN", "Infinity", "-Infinity" (or a decimal string). */
    double dbl(String name) {
        JsonNode n = node(name);
        if (n == null) {
            throw KeelException.invalid("Missing value for required parameter '" + name + "'.");
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.isTextual()) {
            String t = n.asText().trim();
            switch (t) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                case "+Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    try {
                        return Double.parseDouble(t);
                    } catch (NumberFormatException e) {
                        // fall through to the error
                    }
            }
        }
        throw KeelException.invalid(
                "field '" + name + "' must be a number (or \"NaN\", \"Infinity\"," + " \"-Infinity\"), got " + n);
    }

    /** A nested object, or null when absent. */
    Fields object(String name) {
        JsonNode n = node(name);
        return n == null ? null : of(n, name);
    }

    /** A list of objects (metrics, params, tags), empty when absent. */
    List<Fields> objects(String name) {
        JsonNode n = node(name);
        List<Fields> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!n.isArray()) {
            throw KeelException.invalid("field '" + name + "' must be a list");
        }
        for (JsonNode e : n) {
            out.add(of(e, name));
        }
        return out;
    }

    /** A list of strings: a JSON array, or in a query the comma-free single value. */
    List<String> strings(String name) {
        List<String> out = new ArrayList<>();
        if (body == null) {
            String v = query.get(name);
            if (v != null && !v.isEmpty()) {
                out.add(v);
            }
            return out;
        }
        JsonNode n = node(name);
        if (n == null) {
            return out;
        }
        if (n.isValueNode()) {
            out.add(n.asText());
            return out;
        }
        if (!n.isArray()) {
            throw KeelException.invalid("field '" + name + "' must be a list of strings");
        }
        for (JsonNode e : n) {
            if (!e.isValueNode() || e.isNull()) {
                throw KeelException.invalid("field '" + name + "' must be a list of strings");
            }
            out.add(e.asText());
        }
        return out;
    }

    /** An enum sent by name (or by its proto number, 1-based in {@code names}); null when absent. */
    String enumName(String name, List<String> names) {
        String v = string(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        String t = v.trim().toUpperCase();
        if (names.contains(t)) {
            return t;
        }
        try {
            int i = Integer.parseInt(t);
            if (i >= 1 && i <= names.size()) {
                return names.get(i - 1);
            }
        } catch (NumberFormatException e) {
            // not a number either
        }
        throw KeelException.invalid(
                "field '" + name + "' must be one of " + String.join(", ", names) + ", got '" + v + "'");
    }

    /** A boolean-free metric value check: MLflow rejects {@code true}/{@code false} as values. */
    boolean isBoolean(String name) {
        JsonNode n = node(name);
        return n != null && n.isBoolean();
    }
}
