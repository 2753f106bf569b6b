package dev.keel;

import dev.keel.core.Ids;
import dev.keel.core.KeelException;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * The checks {@link RunOptions.Builder#build()} makes, so that a bad option fails where it is
 * written rather than at {@code init}, or later on a server. Each message names the option as the
 * user wrote it, its value and the fix.
 */
final class OptionsCheck {
    /** The queue is an array allocated up front: beyond this it costs memory for nothing. */
    static final int MAX_QUEUE = 1 << 24;

    private static final int MAX_PROJECT = 256;
    private static final int DEFAULT_QUEUE = 1 << 16;

    private OptionsCheck() {}

    static RunOptions checked(RunOptions o) {
        project(o.project());
        if (o.queueCapacity() < 1 || o.queueCapacity() > MAX_QUEUE) {
            throw KeelException.invalid("queueCapacity(" + o.queueCapacity() + ") is out of range: the queue holds "
                    + "1 to " + MAX_QUEUE + " points; leave it unset for " + DEFAULT_QUEUE);
        }
        if (!positive(o.flushInterval())) {
            throw KeelException.invalid("flushInterval(" + o.flushInterval() + ") must be positive: e.g. "
                    + "flushInterval(Duration.ofSeconds(1)), the default");
        }
        if (!positive(o.systemMetricsInterval())) {
            throw KeelException.invalid("systemMetricsInterval(" + o.systemMetricsInterval() + ") must be "
                    + "positive: e.g. systemMetricsInterval(Duration.ofSeconds(2)), the default; "
                    + "systemMetrics(false) turns them off");
        }
        if (o.resume() != null && !Ids.isRunId(o.resume())) {
            throw KeelException.invalid("resume(" + quoted(o.resume()) + ") is not a run id: run ids are 8 characters "
                    + "of a-z and 0-9, e.g. 6v8m5w0s; 'keel runs' lists them");
        }
        if (o.sweep() != null && !Ids.isRunId(o.sweep())) {
            throw KeelException.invalid("sweep(" + quoted(o.sweep()) + ") is not a sweep id: sweep ids are 8 "
                    + "characters of a-z and 0-9, e.g. 3k9x0c2a; 'keel sweep ls' lists them");
        }
        if (o.server() != null && !o.server().isBlank() && !httpUrl(o.server().trim())) {
            throw KeelException.invalid("server(" + quoted(o.server()) + ") is not an http(s) URL: write it as e.g. "
                    + "http://localhost:7080, or leave it unset to use KEEL_URL");
        }
        for (String override : o.overrides()) {
            if (override == null || override.indexOf('=') <= 0) {
                throw KeelException.invalid("override(" + quoted(override) + ") is not key=value: write it as e.g. "
                        + "epochs=3 or optimizer.lr=0.001");
            }
        }
        if (o.configSources().contains(null)) {
            throw KeelException.invalid("a config source is null: pass config(map), config(pojoOrRecord) or "
                    + "configFile(Path.of(\"mlp.yaml\"))");
        }
        return o;
    }

    /** As a server takes it: a name that is one path segment of its URLs. */
    private static void project(String project) {
        if (project == null || project.isBlank()) {
            throw KeelException.invalid("project(" + quoted(project) + ") is blank: name the project, e.g. "
                    + "project(\"apparel-classifier\"), or leave it unset for \"default\"");
        }
        boolean control = project.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
        boolean dotsOnly = project.chars().allMatch(c -> c == '.' || Character.isWhitespace(c));
        if (project.length() > MAX_PROJECT
                || control
                || dotsOnly
                || project.indexOf('/') >= 0
                || project.indexOf('\\') >= 0) {
            throw KeelException.invalid("project(" + quoted(project.replaceAll("\\p{Cntrl}", "?"))
                    + ") is not a project name: use 1-" + MAX_PROJECT + " printable characters without '/' or '\\', "
                    + "other than \".\" or \"..\", e.g. project(\"vision-mlp\")");
        }
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static boolean httpUrl(String url) {
        try {
            URI uri = new URI(url);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String quoted(String value) {
        return value == null ? "null" : "\"" + value + "\"";
    }
}
