package dev.keel.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON as Keel writes it everywhere: key order kept, and non-finite numbers as the strings
 * "NaN", "Infinity" and "-Infinity" (plain JSON has no such numbers; SQLite's and PostgreSQL's
 * JSON functions reject them).
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    private Json() {}

    /** Serialises a JSON-like tree, encoding non-finite doubles as strings. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(encodeNonFinite(value));
        } catch (JsonProcessingException e) {
            throw KeelException.invalid("cannot write as JSON: " + e.getOriginalMessage());
        }
    }

    /** Pretty form for people. */
    public static String writePretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(encodeNonFinite(value));
        } catch (JsonProcessingException e) {
            throw KeelException.invalid("cannot write as JSON: " + e.getOriginalMessage());
        }
    }

    /** Parses a JSON object; null or blank text gives an empty map. */
    public static Map<String, Object> readMap(String text) {
        if (text == null || text.isBlank()) {
            return new LinkedHashMap<>();
        }
        try {
            return MAPPER.readValue(text, MAP);
        } catch (JsonProcessingException e) {
            throw new KeelException(
                    KeelException.ErrorCode.CORRUPT_DATA, "stored JSON cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    /** Replaces non-finite doubles (and floats) anywhere in the tree by their string names. */
    public static Object encodeNonFinite(Object value) {
        return JsonText.encodeNonFinite(value);
    }

    /**
     * " (line L, column C)" for a parse error, or "" when the parser gave no place (limits such as
     * the nesting depth are reported without one).
     */
    public static String where(JsonProcessingException e) {
        var at = e.getLocation();
        return at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /** "NaN", "Infinity" or "-Infinity". */
    public static String nonFiniteName(double d) {
        return JsonText.nonFiniteName(d);
    }

    /**
     * The double one of the names {@link #nonFiniteName} writes stands for, or null for any other
     * string (which is then just a string: decoders keep it, or report it).
     */
    public static Double nonFiniteValue(String name) {
        return JsonText.nonFiniteValue(name);
    }

    /**
     * Undoes {@link #encodeNonFinite} for summaries, in place: metrics are numbers, so the strings
     * "NaN", "Infinity" and "-Infinity" there, however deep, stand for the doubles.
     */
    public static Map<String, Object> decodeNonFinite(Map<String, Object> summary) {
        return JsonText.decodeNonFinite(summary);
    }
}
