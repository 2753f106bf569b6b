package dev.keel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * How to create a run: where it goes, what it is called and what config it records.
 * Immutable; build one with {@link #builder()}.
 *
 * <p>Config sources are merged in the order given: later sources win key by key (nested maps
 * merge recursively), and {@code key=value} overrides ({@link Builder#override}) apply last.
 *
 * <pre>{@code
 * RunOptions options = RunOptions.builder()
 *         .project("apparel-classifier")
 *         .configFile(Path.of("training/experiments/mlp.yaml"))
 *         .override("epochs=3", "optimizer.lr=0.001")
 *         .tags("mlp", "baseline")
 *         .build();
 * }</pre>
 */
public final class RunOptions {
    private final String project;
    private final String name;
    private final String group;
    private final String user;
    private final String notes;
    private final List<String> tags;
    private final List<Object> configSources;
    private final List<String> overrides;
    private final Path home;
    private final String resume;
    private final String sweep;
    private final boolean systemMetrics;
    private final Duration systemMetricsInterval;
    private final Duration flushInterval;
    private final ConsoleMode console;
    private final boolean strict;
    private final int queueCapacity;
    private final String server;

    private RunOptions(Builder b) {
        this.project = b.project;
        this.name = b.name;
        this.group = b.group;
        this.user = b.user;
        this.notes = b.notes;
        this.tags = List.copyOf(b.tags);
        this.configSources = Collections.unmodifiableList(new ArrayList<>(b.configSources));
        this.overrides = Collections.unmodifiableList(new ArrayList<>(b.overrides));
        this.home = b.home;
        this.resume = b.resume;
        this.sweep = b.sweep;
        this.systemMetrics = b.systemMetrics;
        this.systemMetricsInterval = b.systemMetricsInterval;
        this.flushInterval = b.flushInterval;
        this.console = b.console;
        this.strict = b.strict;
        this.queueCapacity = b.queueCapacity;
        this.server = b.server;
    }

    /** A builder with every option at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.project = project;
        b.name = name;
        b.group = group;
        b.user = user;
        b.notes = notes;
        b.tags.addAll(tags);
        b.configSources.addAll(configSources);
        b.overrides.addAll(overrides);
        b.home = home;
        b.resume = resume;
        b.sweep = sweep;
        b.systemMetrics = systemMetrics;
        b.systemMetricsInterval = systemMetricsInterval;
        b.flushInterval = flushInterval;
        b.console = console;
        b.strict = strict;
        b.queueCapacity = queueCapacity;
        b.server = server;
        return b;
    }

    /** The project the run belongs to; {@code "default"} unless set. */
    public String project() {
        return project;
    }

    /** Null for a generated name. */
    public String name() {
        return name;
    }

    /** A group that runs belong to together (e.g. the folds of a cross-validation); null for none. */
    public String group() {
        return group;
    }

    /** Null for the OS user. */
    public String user() {
        return user;
    }

    /** Free text kept with the run; null for none. */
    public String notes() {
        return notes;
    }

    /** Tags given to the run. */
    public List<String> tags() {
        return tags;
    }

    /** Maps, POJOs/records and YAML file paths, in merge order. */
    public List<Object> configSources() {
        return configSources;
    }

    /** {@code key=value} overrides, applied after every source. */
    public List<String> overrides() {
        return overrides;
    }

    /** The {@code .keel} folder; null to resolve it ({@code KEEL_HOME}, walking up, {@code ~/.keel}). */
    public Path home() {
        return home;
    }

    /** The id of a run to continue, or null for a new run. */
    public String resume() {
        return resume;
    }

    /** The id of the sweep the run is a trial of; null for none. */
    public String sweep() {
        return sweep;
    }

    /** Whether system metrics ({@code system/…}) are sampled in the background. */
    public boolean systemMetrics() {
        return systemMetrics;
    }

    /** How often system metrics are sampled. */
    public Duration systemMetricsInterval() {
        return systemMetricsInterval;
    }

    /** How long logged points may wait in memory before they are written. */
    public Duration flushInterval() {
        return flushInterval;
    }

    /** Whether the process's stdout and stderr lines are kept with the run. */
    public boolean captureConsole() {
        return console != ConsoleMode.OFF;
    }

    /** How console lines are kept; {@link ConsoleMode#AUTO} unless set. */
    public ConsoleMode console() {
        return console;
    }

    /** Whether invalid metric names and values throw instead of being skipped with a warning. */
    public boolean strict() {
        return strict;
    }

    /** Points the in-memory queue holds before {@code log} waits for the writer. */
    public int queueCapacity() {
        return queueCapacity;
    }

    /** The Keel server the run is uploaded to; null to use {@code KEEL_URL} (none: embedded only). */
    public String server() {
        return server;
    }

    /** Collects options; every setting is optional except that a project defaults to "default". */
    public static final class Builder {
        private String project = "default";
        private String name;
        private String group;
        private String user;
        private String notes;
        private final List<String> tags = new ArrayList<>();
        private final List<Object> configSources = new ArrayList<>();
        private final List<String> overrides = new ArrayList<>();
        private Path home;
        private String resume;
        private String sweep;
        private boolean systemMetrics = true;
        private Duration systemMetricsInterval = Duration.ofSeconds(2);
        private Duration flushInterval = Duration.ofSeconds(1);
        private ConsoleMode console = ConsoleMode.AUTO;
        private boolean strict;
        private int queueCapacity = 1 << 16;
        private String server;

        private Builder() {}

        /**
         * The project the run belongs to ({@code "default"} unless set): 1-256 printable characters
         * without {@code /} or {@code \}, as it is part of a server's URLs.
         */
        public Builder project(String project) {
            this.project = project;
            return this;
        }

        /** The run's name; generated ({@code adjective-noun-N}) unless set. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** A group that runs belong to together, e.g. the folds of one cross-validation. */
        public Builder group(String group) {
            this.group = group;
            return this;
        }

        /** The user recorded with the run; the OS user unless set. */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** Free text kept with the run. */
        public Builder notes(String notes) {
            this.notes = notes;
            return this;
        }

        /** Adds tags to the run. */
        public Builder tags(String... tags) {
            this.tags.addAll(List.of(tags));
            return this;
        }

        /** Adds a config source: a nested map of JSON-like values. */
        public Builder config(Map<String, ?> config) {
            this.configSources.add(config);
            return this;
        }

        /** Adds a config source: a POJO or record, read through its getters or components. */
        public Builder config(Object config) {
            this.configSources.add(config);
            return this;
        }

        /** Adds a config source: a YAML file. */
        public Builder configFile(Path yaml) {
            this.configSources.add(yaml);
            return this;
        }

        /** Adds {@code key=value} overrides; dotted keys reach into nested maps; values parse as YAML scalars. */
        public Builder override(String... keyValues) {
            Collections.addAll(this.overrides, keyValues);
            return this;
        }

        /**
         * The {@code .keel} folder the run is recorded in; unless set, {@code KEEL_HOME}, else the
         * nearest {@code .keel} walking up from the working directory, else {@code ~/.keel}.
         */
        public Builder home(Path keelFolder) {
            this.home = keelFolder;
            return this;
        }

        /** Continues the run with this id (crashed, killed or failed) instead of creating one. */
        public Builder resume(String runId) {
            this.resume = runId;
            return this;
        }

        /**
         * Makes the run a trial of the sweep with this id (8 characters a-z0-9). Unset, the
         * environment's {@code KEEL_SWEEP} (set by {@code keel agent} for its trials) does the same.
         */
        public Builder sweep(String sweepId) {
            this.sweep = sweepId;
            return this;
        }

        /** Turns the background system metrics ({@code system/…}) on or off; on by default. */
        public Builder systemMetrics(boolean enabled) {
            this.systemMetrics = enabled;
            return this;
        }

        /** How often system metrics are sampled; 2 s by default. */
        public Builder systemMetricsInterval(Duration interval) {
            this.systemMetricsInterval = interval;
            return this;
        }

        /** How long logged points may wait in memory before they are written; 1 s by default. */
        public Builder flushInterval(Duration interval) {
            this.flushInterval = interval;
            return this;
        }

        /** Keeps the process's stdout and stderr lines with the run; on by default. */
        public Builder captureConsole(boolean enabled) {
            if (!enabled) {
                this.console = ConsoleMode.OFF;
            } else if (console == ConsoleMode.OFF) {
                this.console = ConsoleMode.AUTO;
            }
            return this;
        }

        /**
         * How the process's stdout and stderr lines are kept with the run ({@link ConsoleMode#AUTO}
         * by default: every line the process prints, where the platform allows).
         */
        public Builder console(ConsoleMode mode) {
            this.console = mode == null ? ConsoleMode.AUTO : mode;
            return this;
        }

        /** Makes invalid metric names and values throw instead of being skipped with a warning. */
        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /** Points the in-memory queue holds before {@code log} waits for the writer. */
        public Builder queueCapacity(int points) {
            this.queueCapacity = points;
            return this;
        }

        /**
         * Uploads the run to the Keel server at {@code url} (as {@code KEEL_URL} does): the run is
         * still logged locally first and a background sender uploads it, so training never waits
         * on the network. {@code KEEL_MODE=offline} keeps it local for {@code keel sync}.
         */
        public Builder server(String url) {
            this.server = url;
            return this;
        }

        /**
         * The options, checked: a bad one throws a {@link dev.keel.core.KeelException}
         * ({@code INVALID_PARAMETER_VALUE}) whose message names the option, its value and the fix.
         */
        public RunOptions build() {
            return OptionsCheck.checked(new RunOptions(this));
        }
    }
}
