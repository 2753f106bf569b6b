package dev.keel.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.TrialState;
import dev.keel.server.http.Request;

/** Reading the fields of the sweep routes' bodies and paths; each error names the field and what it takes. */
final class SweepBodies {
    static final int MAX_NAME = 250;
    static final int MAX_REASON = 2_000;
    static final int MAX_AGENT = 200;
    static final int MAX_CONFIG = 1 << 20;
    private static final int MAX_PROJECT = 256;

    private SweepBodies() {}

    static String text(JsonNode body, String field, boolean required, int maxLength) {
        String v = AuthFields.text(body, field, required);
        if (v != null && v.length() > maxLength) {
            throw KeelException.invalid(
                    "field '" + field + "' is " + v.length() + " characters long: at most " + maxLength + " fit");
        }
        if (required && v.isBlank()) {
            throw KeelException.invalid("field '" + field + "' is empty");
        }
        return v;
    }

    /** A project name that can also be a path segment of {@code /api/v1/projects/{project}}. */
    static String project(JsonNode body) {
        String p = text(body, "project", true, MAX_PROJECT);
        boolean control = p.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f);
        boolean onlyDots = p.chars().allMatch(ch -> ch == '.' || Character.isWhitespace(ch));
        if (control || onlyDots || p.contains("/") || p.contains("\\")) {
            throw KeelException.invalid("field 'project': '" + p.replaceAll("\\p{Cntrl}", "?")
                    + "' is not a project name: use 1-256 printable characters, not only dots, without '/' or '\\'");
        }
        return p;
    }

    static String agent(JsonNode body) {
        return text(body, "agent", true, MAX_AGENT);
    }

    static Long seed(JsonNode body) {
        JsonNode v = body.get("seed");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber()) {
            throw KeelException.invalid("field 'seed' must be a whole number, got " + v);
        }
        return v.asLong();
    }

    static long staleAfter(JsonNode body, long fallback) {
        JsonNode v = body.get("staleAfterMillis");
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 1) {
            throw KeelException.invalid("field 'staleAfterMillis' must be a positive number of milliseconds, got " + v);
        }
        return v.asLong();
    }

    /** A number, null, or one of the strings "NaN", "Infinity", "-Infinity". */
    static Double metric(JsonNode body) {
        JsonNode v = body.get("metric");
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        Double named = v.isTextual() ? Json.nonFiniteValue(v.asText()) : null;
        if (named == null) {
            throw KeelException.invalid(
                    "field 'metric' must be a number, null, or \"NaN\", \"Infinity\" or" + " \"-Infinity\", got " + v);
        }
        return named;
    }

    /** A state a caller may set, as its label (running, paused, stopped, canceled). */
    static SweepState sweepState(String text) {
        for (SweepState s : SweepState.values()) {
            if (s.label().equals(text) && s != SweepState.FINISHED) {
                return s;
            }
        }
        if (SweepState.FINISHED.label().equals(text)) {
            throw KeelException.invalid("field 'state': a sweep becomes finished by itself, when its search or"
                    + " run cap is used up; use stopped to end it now");
        }
        throw KeelException.invalid(
                "field 'state': '" + text + "' is not a state to set: use running, paused, stopped or canceled");
    }

    /** How a trial ended, as its label (finished, stopped, failed, killed, crashed, no-metric, or paused). */
    static TrialState trialState(String text) {
        for (TrialState s : TrialState.values()) {
            if (s.label().equals(text) && s != TrialState.RUNNING) {
                return s;
            }
        }
        throw KeelException.invalid("field 'state': '" + text + "' is not how a trial ends: use finished, stopped,"
                + " failed, killed, crashed, no-metric or paused");
    }

    /** The trial number of the path, 1 or more. */
    static int number(Request request) {
        String n = request.param("number");
        try {
            int v = Integer.parseInt(n);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw KeelException.invalid("'" + n + "' is not a trial number: trials are numbered 1, 2, …");
    }
}
