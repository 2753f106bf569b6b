package dev.keel.server.mlflow;

import dev.keel.core.KeelException;
import dev.keel.core.ValueLimits;

import java.util.regex.Pattern;

/**
 * MLflow's limits and naming rules, enforced as its tracking server does (INVALID_PARAMETER_VALUE,
 * 400), so that what a client may log here it may also log to MLflow, and the other way round.
 */
final class Limits {
    static final int MAX_KEY = ValueLimits.MAX_KEY;
    static final int MAX_PARAM_VALUE = 6000;
    /** A run tag's value, as MLflow 3 (2.x allowed 5,000). */
    static final int MAX_TAG_VALUE = 8000;

    static final int MAX_EXPERIMENT_TAG_VALUE = 5000;
    static final int MAX_EXPERIMENT_NAME = 500;
    static final int MAX_BATCH_METRICS = 1000;
    static final int MAX_BATCH_PARAMS = 100;
    static final int MAX_BATCH_TAGS = 100;
    static final int MAX_BATCH_TOTAL = 1000;
    static final int MAX_RESULTS = 50_000;
    static final int MAX_HISTORY_PAGE = 25_000;
    /** Letters, digits, underscore, dash, dot, space, slash and (as newer MLflow) colon. */
    private static final Pattern KEY = Pattern.compile("^[/\\w.\\- :]*$", Pattern.UNICODE_CHARACTER_CLASS);

    private Limits() {}

    /** A metric, param or tag key: MLflow's characters, at most 250 of them, a normalised path. */
    static String key(String what, String key) {
        if (key == null || key.isEmpty()) {
            throw KeelException.invalid("Missing value for required parameter 'key' of a " + what + ".");
        }
        if (key.length() > MAX_KEY) {
            throw KeelException.invalid(what + " key '" + key.substring(0, 40) + "…' has " + key.length()
                    + " characters, more than the limit of " + MAX_KEY);
        }
        if (!KEY.matcher(key).matches()) {
            throw KeelException.invalid(
                    "Invalid " + what + " name: '" + key + "'. Names may only contain"
                            + " alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/).");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw KeelException.invalid("Invalid " + what + " name: '" + key + "'. Names may be treated as files"
                        + " in certain cases, and must not resolve to other names when treated as such: no empty"
                        + " segment, no '.' or '..' segment, no leading or trailing '/'.");
            }
        }
        return key;
    }

    /**
     * A param's value; a longer one is kept cut to the limit, as MLflow's server does by default
     * ({@code MLFLOW_TRUNCATE_LONG_VALUES}), so that logging a long value never fails a run.
     */
    static String paramValue(String key, String value) {
        String v = value == null ? "" : value;
        return v.length() > MAX_PARAM_VALUE ? v.substring(0, MAX_PARAM_VALUE) : v;
    }

    /** A run tag's value; a longer one is kept cut to the limit, as for params. */
    static String tagValue(String key, String value) {
        String v = value == null ? "" : value;
        return v.length() > MAX_TAG_VALUE ? v.substring(0, MAX_TAG_VALUE) : v;
    }

    /** An experiment tag's value: MLflow refuses (not cuts) one over its limit. */
    static String experimentTagValue(String key, String value) {
        String v = value == null ? "" : value;
        if (v.length() > MAX_EXPERIMENT_TAG_VALUE) {
            throw KeelException.invalid("Tag value for '" + key + "' had length " + v.length()
                    + ", which exceeded length limit of " + MAX_EXPERIMENT_TAG_VALUE);
        }
        return v;
    }

    static String experimentName(String name) {
        if (name == null || name.isBlank()) {
            throw KeelException.invalid("Invalid experiment name: '" + (name == null ? "" : name)
                    + "'. An experiment name must be a non-empty string.");
        }
        if (name.length() > MAX_EXPERIMENT_NAME) {
            throw KeelException.invalid("Experiment name has " + name.length() + " characters, more than the limit of "
                    + MAX_EXPERIMENT_NAME);
        }
        return name;
    }

    static void batch(int metrics, int params, int tags) {
        if (metrics > MAX_BATCH_METRICS) {
            throw KeelException.invalid(
                    "A batch logging request can contain at most " + MAX_BATCH_METRICS + " metrics. Got " + metrics
                            + " metrics. Please split up metrics across multiple requests and try again.");
        }
        if (params > MAX_BATCH_PARAMS) {
            throw KeelException.invalid(
                    "A batch logging request can contain at most " + MAX_BATCH_PARAMS + " params. Got " + params
                            + " params. Please split up params across multiple requests and try again.");
        }
        if (tags > MAX_BATCH_TAGS) {
            throw KeelException.invalid("A batch logging request can contain at most " + MAX_BATCH_TAGS + " tags. Got "
                    + tags + " tags. Please split up tags across multiple requests and try again.");
        }
        if (metrics + params + tags > MAX_BATCH_TOTAL) {
            throw KeelException.invalid("A batch logging request can contain at most " + MAX_BATCH_TOTAL
                    + " metrics, params and tags in total. Got " + (metrics + params + tags)
                    + ". Please split up the entries across multiple requests and try again.");
        }
    }

    static int maxResults(long requested, int fallback, int cap) {
        if (requested == Long.MIN_VALUE) {
            return fallback;
        }
        if (requested <= 0 || requested > cap) {
            throw KeelException.invalid("Invalid value " + requested
                    + " for parameter 'max_results' supplied. It must be" + " a positive integer at most " + cap);
        }
        return (int) requested;
    }

    /** A safe relative artifact path: no absolute path, no '..', no backslash tricks. */
    static String artifactPath(String path) {
        String p = path == null ? "" : path;
        if (p.startsWith("/") || p.contains("\\") || p.indexOf('\0') >= 0 || p.matches("^[A-Za-z]:.*")) {
            throw KeelException.invalid("Invalid artifact path: '" + p + "': use a relative path without '..'");
        }
        for (String segment : p.split("/", -1)) {
            if (segment.equals("..") || (segment.equals(".") && p.length() > 1)) {
                throw KeelException.invalid("Invalid artifact path: '" + p + "': use a relative path without '..'");
            }
        }
        return p;
    }
}
