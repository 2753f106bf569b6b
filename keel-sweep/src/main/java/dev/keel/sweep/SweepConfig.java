package dev.keel.sweep;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A sweep's configuration, parsed and checked. The YAML is shaped like a W&amp;B sweep file:
 * <pre>
 * name: mlp-width
 * method: bayes                       # grid | random | bayes
 * metric: {name: val_loss, goal: minimize}
 * parameters:
 *   hidden: {values: [32, 64, 128, 256]}
 *   optimizer:
 *     lr: {distribution: log_uniform_values, min: 0.0001, max: 0.1}
 *   dropout: {distribution: uniform, min: 0.0, max: 0.5}
 * early_terminate: {type: hyperband, min_iter: 1, eta: 3}
 * run_cap: 40
 * command: [./run, train, mlp]
 * </pre>
 * Nested parameter maps flatten to dotted names ({@code optimizer.lr}). Every problem is refused
 * with a {@link SweepConfigException} naming the line and key, so a sweep never starts from a
 * file that would fail halfway.
 */
public final class SweepConfig {

    /** How the next trial's parameters are chosen. */
    public enum Method {
        /** Every combination of the listed values, in order. */
        GRID,
        /** Independent draws from each distribution. */
        RANDOM,
        /** Tree-structured Parzen estimator after a random start. */
        BAYES;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The early-termination rule: {@code hyperband} (rungs at min_iter·eta^k, up to max_iter when
     * given; 0 means none) or {@code median} (after min_iter, once min_trials others reached the
     * step).
     */
    public record EarlyTerminate(Type type, long minIter, int eta, long maxIter, int minTrials) {
        public enum Type {
            HYPERBAND,
            MEDIAN;

            public String label() {
                return name().toLowerCase(Locale.ROOT);
            }
        }
    }

    private final String source;
    private final String name;
    private final String description;
    private final String project;
    private final Method method;
    private final String metricName;
    private final boolean minimize;
    private final List<Parameter> parameters;
    private final EarlyTerminate earlyTerminate;
    private final int runCap;
    private final Long seed;
    private final List<String> command;
    private final long trialTimeoutMillis;

    SweepConfig(
            String source,
            String name,
            String description,
            String project,
            Method method,
            String metricName,
            boolean minimize,
            List<Parameter> parameters,
            EarlyTerminate earlyTerminate,
            int runCap,
            Long seed,
            List<String> command,
            long trialTimeoutMillis) {
        this.source = source;
        this.name = name;
        this.description = description;
        this.project = project;
        this.method = method;
        this.metricName = metricName;
        this.minimize = minimize;
        this.parameters = List.copyOf(parameters);
        this.earlyTerminate = earlyTerminate;
        this.runCap = runCap;
        this.seed = seed;
        this.command = List.copyOf(command);
        this.trialTimeoutMillis = trialTimeoutMillis;
    }

    /**
     * Parses and checks a sweep configuration.
     *
     * @param yamlText the YAML text as its author wrote it
     * @param sourceName what messages call it, usually the file name ({@code mlp-width.yaml})
     * @throws SweepConfigException naming the line and key of the first problem
     */
    public static SweepConfig parse(String yamlText, String sourceName) {
        return new ConfigParser(sourceName).parse(yamlText);
    }

    /** The sweep's name: {@code name:}, else the source name without its folder and extension. */
    public String name() {
        return name;
    }

    /** {@code description:}, empty when none. */
    public String description() {
        return description;
    }

    /** {@code project:}, or null when the file leaves it to the command line. */
    public String project() {
        return project;
    }

    public Method method() {
        return method;
    }

    /** The metric trials are ranked by ({@code metric.name}). */
    public String metricName() {
        return metricName;
    }

    /** True when lower is better ({@code goal: minimize}, the default). */
    public boolean minimize() {
        return minimize;
    }

    /** The most trials to run (crashed ones not counted); 0 means no cap. */
    public int runCap() {
        return runCap;
    }

    /** {@code seed:} when the file fixes one; otherwise one is chosen when the sweep is created. */
    public OptionalLong seed() {
        return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
    }

    public Optional<EarlyTerminate> earlyTerminate() {
        return Optional.ofNullable(earlyTerminate);
    }

    /** The program to start for each trial; its parameters follow as {@code key=value} arguments. */
    public List<String> command() {
        return command;
    }

    /** How long one trial may run before it is killed; 0 means no limit. */
    public long trialTimeoutMillis() {
        return trialTimeoutMillis;
    }

    /** The dotted parameter names, in the order the file lists them. */
    public List<String> parameterNames() {
        return parameters.stream().map(Parameter::name).toList();
    }

    /** Where this configuration came from, as messages name it. */
    String source() {
        return source;
    }

    List<Parameter> parameters() {
        return parameters;
    }
}
