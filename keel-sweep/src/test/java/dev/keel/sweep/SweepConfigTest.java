package dev.keel.sweep;

import dev.keel.core.KeelException.ErrorCode;
import dev.keel.sweep.SweepConfig.EarlyTerminate;
import dev.keel.sweep.SweepConfig.Method;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepConfigTest {
    private static final String FULL = """
            name: mlp-width
            description: width against learning rate
            project: apparel-classifier
            method: bayes
            metric:
              name: val_loss
              goal: maximize
            parameters:
              hidden: {values: [32, 64, 128, 256]}
              optimizer:
                lr: {distribution: log_uniform_values, min: 1e-4, max: 0.1}
                kind: {distribution: categorical, values: [adam, sgd]}
              dropout: {distribution: uniform, min: 0.0, max: 0.5}
              layers: {distribution: int_uniform, min: 1, max: 4}
              batch: {distribution: q_uniform, min: 32, max: 256, q: 32}
              noise: {distribution: normal, mu: 0, sigma: 0.1}
              epochs: {value: 10}
              shuffle: {values: [true, false]}
            early_terminate: {type: hyperband, min_iter: 1, eta: 3, max_iter: 27}
            run_cap: 40
            seed: 7
            command: [./run, train, mlp]
            trial_timeout: 30m
            """;

    private static SweepConfigException refused(String yaml) {
        return assertThrows(SweepConfigException.class, () -> SweepConfig.parse(yaml, "s.yaml"));
    }

    private static String base(String parameters) {
        return "method: grid\nmetric: {name: loss}\ncommand: ./run train\nparameters:\n" + parameters;
    }

    @Test
    void readsEveryKeyAndFlattensNestedParameters() {
        SweepConfig c = SweepConfig.parse(FULL, "sweeps/mlp-width.yaml");
        assertEquals("mlp-width", c.name());
        assertEquals("width against learning rate", c.description());
        assertEquals("apparel-classifier", c.project());
        assertEquals(Method.BAYES, c.method());
        assertEquals("val_loss", c.metricName());
        assertFalse(c.minimize());
        assertEquals(40, c.runCap());
        assertEquals(7L, c.seed().getAsLong());
        assertEquals(List.of("./run", "train", "mlp"), c.command());
        assertEquals(30 * 60_000L, c.trialTimeoutMillis());
        assertEquals(
                new EarlyTerminate(EarlyTerminate.Type.HYPERBAND, 1, 3, 27, 1),
                c.earlyTerminate().orElseThrow());
        assertEquals(
                List.of(
                        "hidden",
                        "optimizer.lr",
                        "optimizer.kind",
                        "dropout",
                        "layers",
                        "batch",
                        "noise",
                        "epochs",
                        "shuffle"),
                c.parameterNames());
        List<Parameter> p = c.parameters();
        assertEquals(new Parameter.Choice("hidden", List.of(32L, 64L, 128L, 256L)), p.get(0));
        assertEquals(new Parameter.LogUniform("optimizer.lr", 1e-4, 0.1), p.get(1));
        assertEquals(new Parameter.Choice("optimizer.kind", List.of("adam", "sgd")), p.get(2));
        assertEquals(new Parameter.Uniform("dropout", 0.0, 0.5), p.get(3));
        assertEquals(new Parameter.IntUniform("layers", 1, 4), p.get(4));
        assertEquals(new Parameter.QUniform("batch", 32, 256, 32, true), p.get(5));
        assertEquals(new Parameter.Normal("noise", 0, 0.1), p.get(6));
        assertEquals(new Parameter.Fixed("epochs", 10L), p.get(7));
        assertEquals(new Parameter.Choice("shuffle", List.of(true, false)), p.get(8));
    }

    @Test
    void defaultsWhereTheFileIsSilent() {
        SweepConfig c = SweepConfig.parse(base("  lr: {values: [0.1]}\n"), "dir/grid.yml");
        assertEquals("grid", c.name());
        assertTrue(c.minimize());
        assertEquals(0, c.runCap());
        assertTrue(c.seed().isEmpty());
        assertTrue(c.earlyTerminate().isEmpty());
        assertEquals(0, c.trialTimeoutMillis());
        assertEquals(null, c.project());
        assertEquals(List.of("./run", "train"), c.command());
    }

    @Test
    void acceptsWandbStyleNestedParametersAndProgramMacro() {
        SweepConfig c = SweepConfig.parse("""
                method: random
                metric: {name: acc, goal: maximize}
                program: train.sh
                command: [bash, "${program}"]
                parameters:
                  optimizer:
                    parameters:
                      lr: {min: 0.001, max: 0.1}
                      momentum: {min: 1, max: 3}
                """, "s.yaml");
        assertEquals(List.of("optimizer.lr", "optimizer.momentum"), c.parameterNames());
        assertEquals(
                new Parameter.Uniform("optimizer.lr", 0.001, 0.1),
                c.parameters().get(0));
        assertEquals(
                new Parameter.IntUniform("optimizer.momentum", 1, 3),
                c.parameters().get(1));
        assertEquals(List.of("bash", "train.sh"), c.command());
    }

    @Test
    void unknownMethodNamesKeyAndLine() {
        SweepConfigException e = refused("metric: {name: loss}\nmethod: bayesian\n");
        assertEquals("s.yaml line 2: method: unknown method 'bayesian'; use grid, random or bayes", e.getMessage());
        assertEquals(ErrorCode.INVALID_PARAMETER_VALUE, e.code());
        assertEquals(2, e.line());
        assertEquals("method", e.key());
    }

    @Test
    void emptyValuesIsRefused() {
        SweepConfigException e = refused(base("  hidden:\n    values: []\n"));
        assertEquals("s.yaml line 6: parameters.hidden.values: empty; list at least one value", e.getMessage());
    }

    @Test
    void minAboveMaxIsRefused() {
        SweepConfigException e = refused("""
                method: random
                metric: {name: loss}
                command: ./run
                parameters:
                  lr:
                    distribution: uniform
                    min: 0.1
                    max: 0.01
                """);
        assertEquals("s.yaml line 7: parameters.lr: min 0.1 is above max 0.01", e.getMessage());
    }

    @Test
    void gridOverAContinuousDistributionIsRefused() {
        SweepConfigException e = refused(
                base("  hidden: {values: [1, 2]}\n  lr: {distribution: log_uniform_values, min: 0.001, max: 0.1}\n"));
        assertEquals(
                "s.yaml line 6: parameters.lr: grid search cannot enumerate a log_uniform_values distribution;"
                        + " give values: [...] or use method: random or bayes",
                e.getMessage());
    }

    @Test
    void gridEnumeratesIntegerAndQuantisedRanges() {
        SweepConfig c = SweepConfig.parse(
                base("  a: {distribution: int_uniform, min: 1, max: 3}\n"
                        + "  b: {distribution: q_uniform, min: 0, max: 0.3, q: 0.1}\n"),
                "s.yaml");
        assertEquals(List.of(1L, 2L, 3L), c.parameters().get(0).gridValues());
        assertEquals(List.of(0.0, 0.1, 0.2, 0.3), c.parameters().get(1).gridValues());
    }

    @Test
    void unknownKeysAreRefusedWhereverTheyAre() {
        assertEquals(
                "s.yaml line 6: metrc: unknown key; use one of command, description, early_terminate, method,"
                        + " metric, name, parameters, program, project, run_cap, seed, trial_timeout",
                refused(base("  a: {value: 1}\n") + "metrc: {name: x}\n").getMessage());
        assertEquals(
                "s.yaml line 5: parameters.a.maximum: unknown key; use value, values, distribution, min, max, q, mu or sigma",
                refused(base("  a: {min: 1, maximum: 2}\n")).getMessage());
        assertEquals(
                "s.yaml line 1: metric.target: not allowed here; metric takes name, goal",
                refused("metric: {name: loss, target: 0.1}\nmethod: grid\n").getMessage());
        assertEquals(
                "s.yaml line 5: parameters.a.values: not allowed here; parameters.a takes value",
                refused(base("  a: {value: 1, values: [1]}\n")).getMessage());
        assertEquals(
                "s.yaml line 7: early_terminate.eta_: not allowed here; early_terminate takes type, min_iter, eta, max_iter, s",
                refused(base("  a: {value: 1}\n") + "early_terminate: {type: hyperband, min_iter: 1,\n  eta_: 3}\n")
                        .getMessage());
    }

    @Test
    void badMetricGoalIsRefused() {
        assertEquals(
                "s.yaml line 4: metric.goal: unknown goal 'lower'; use minimize or maximize",
                refused("method: grid\nmetric:\n  name: loss\n  goal: lower\n").getMessage());
    }

    @Test
    void missingMetricParametersOrCommandIsRefused() {
        assertEquals(
                "s.yaml line 1: metric: missing; add metric: {name: val_loss, goal: minimize}",
                refused("method: grid\nparameters: {a: {value: 1}}\ncommand: x\n")
                        .getMessage());
        assertEquals(
                "s.yaml line 1: parameters: missing; list what to search, e.g. parameters: {lr: {values: [0.01, 0.1]}}",
                refused("method: grid\nmetric: {name: loss}\ncommand: x\n").getMessage());
        assertEquals(
                "s.yaml line 1: command: missing; give the program to run, e.g. command: [./run, train, mlp]",
                refused("method: grid\nmetric: {name: loss}\nparameters: {a: {value: 1}}\n")
                        .getMessage());
        assertEquals(
                "s.yaml line 2: metric.name: missing; name the metric the trials log, e.g. name: val_loss",
                refused("method: grid\nmetric: {goal: minimize}\n").getMessage());
        assertEquals(
                "s.yaml line 1: method: missing; choose method: grid, random or bayes",
                refused("metric: {name: loss}\n").getMessage());
    }

    @Test
    void valueProblemsNameTheirLine() {
        assertEquals(
                "s.yaml line 5: parameters.lr.min: min 0.0 must be above 0 for a log scale",
                refused(base("  lr: {distribution: log_uniform_values, min: 0, max: 1}\n")
                                .replace("grid", "random"))
                        .getMessage());
        assertEquals(
                "s.yaml line 5: parameters.a.distribution: unknown distribution 'beta'; use one of uniform,"
                        + " int_uniform, log_uniform_values, q_uniform, normal, categorical",
                refused(base("  a: {distribution: beta, min: 0, max: 1}\n")).getMessage());
        assertEquals(
                "s.yaml line 5: parameters.a.values: lists 2 twice",
                refused(base("  a: {values: [1, 2, 2]}\n")).getMessage());
        assertEquals(
                "s.yaml line 5: parameters.a: expected a map such as {values: [...]}, {value: x} or"
                        + " {distribution: uniform, min: 0, max: 1}",
                refused(base("  a: 3\n")).getMessage());
        assertEquals(
                "s.yaml line 5: parameters.a.sigma: sigma -1.0 must be above 0",
                refused(base("  a: {distribution: normal, sigma: -1}\n").replace("grid", "random"))
                        .getMessage());
        assertEquals(
                "s.yaml line 6: run_cap: 0 is out of range; give a whole number from 1 to 2147483647",
                refused(base("  a: {value: 1}\n") + "run_cap: 0\n").getMessage());
        assertEquals(
                "s.yaml line 6: trial_timeout: cannot read 'soon' as a duration; write e.g. 90s, 30m or 2h",
                refused(base("  a: {value: 1}\n") + "trial_timeout: soon\n").getMessage());
        assertEquals(
                "s.yaml line 6: early_terminate.min_iter: missing; give min_iter, the first step a trial is judged at"
                        + " (or max_iter and s)",
                refused(base("  a: {value: 1}\n") + "early_terminate: {type: hyperband}\n")
                        .getMessage());
        assertEquals(
                "s.yaml line 3: command: unsupported macro ${args}; only ${program} is known, and the parameters"
                        + " always follow as key=value arguments",
                refused(
                                "method: grid\nmetric: {name: loss}\ncommand: [python, x.py, \"${args}\"]\nparameters: {a: {value: 1}}\n")
                        .getMessage());
    }

    @Test
    void brokenYamlAndDuplicateKeysNameTheirLine() {
        SweepConfigException e = refused("method: grid\nmetric: {name: loss\n");
        assertTrue(e.getMessage().startsWith("s.yaml line "), e.getMessage());
        assertEquals(
                "s.yaml line 2: method: given twice; keep one",
                refused("method: grid\nmethod: random\n").getMessage());
    }

    @Test
    void hyperbandAcceptsWandbsMaxIterAndS() {
        SweepConfig c = SweepConfig.parse(
                base("  a: {value: 1}\n") + "early_terminate: {type: hyperband, max_iter: 27, s: 2}\n", "s.yaml");
        assertEquals(
                new EarlyTerminate(EarlyTerminate.Type.HYPERBAND, 3, 3, 27, 1),
                c.earlyTerminate().orElseThrow());
        assertEquals(
                "s.yaml line 6: early_terminate.s: s 4 puts the first rung below step 1 (max_iter 27, eta 3);"
                        + " give a smaller s",
                refused(base("  a: {value: 1}\n") + "early_terminate: {type: hyperband, max_iter: 27, s: 4}\n")
                        .getMessage());
    }

    @Test
    void medianRuleHasDefaults() {
        SweepConfig c = SweepConfig.parse(base("  a: {value: 1}\n") + "early_terminate: {type: median}\n", "s.yaml");
        assertEquals(
                new EarlyTerminate(EarlyTerminate.Type.MEDIAN, 1, 0, 0, 3),
                c.earlyTerminate().orElseThrow());
    }
}
