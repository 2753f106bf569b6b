package dev.keel.server.ui;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.SummaryMode;
import dev.keel.core.store.Store;
import dev.keel.core.sweep.Claim;
import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepStore;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialState;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Sweeps for the dashboard's tests, made the way agents make them: the store's SweepStore
 * creates the sweep and hands out each trial, a real run logged through the SDK carries it,
 * and the trial ends with the metric's last value.
 */
final class SweepData {
    static final String AGENT = "agent-1";
    static final String CONFIG = """
            name: mlp-width
            method: bayes
            metric:
              name: val_loss
              goal: minimize
            run_cap: 20
            parameters:
              hidden:
                values: [32, 64, 128, 256]
              lr:
                distribution: log_uniform_values
                min: 0.0001
                max: 0.1
              optimizer:
                values: [sgd, adam]
            command: [./run, train, mlp]
            """;

    /** One trial: the parameters it gets, how it ends ({@code null}: still running) and its val_loss per epoch. */
    record Spec(Map<String, Object> params, TrialState end, double... curve) {}

    private SweepData() {}

    static Spec spec(long hidden, double lr, String optimizer, TrialState end, double... curve) {
        return new Spec(Map.of("hidden", hidden, "lr", lr, "optimizer", optimizer), end, curve);
    }

    /** A sweep in {@code project} with these trials, in order. */
    static Sweep sweep(Path home, Store store, String project, String name, List<Spec> trials) {
        Sweep sweep = store.sweeps().create(project, name, CONFIG.replace("mlp-width", name), 42, "");
        for (Spec t : trials) {
            trial(home, store, sweep, t);
        }
        return sweep;
    }

    /** Hands out the next trial to a run that logs {@code t}'s curve, then ends it as {@code t} says. */
    static Trial trial(Path home, Store store, Sweep sweep, Spec t) {
        SweepStore sweeps = store.sweeps();
        String runId;
        RunOptions options = RunOptions.builder()
                .project(sweep.project())
                .home(home)
                .sweep(sweep.id())
                .config(t.params())
                .systemMetrics(false)
                .captureConsole(false)
                .build();
        try (Run run = Keel.init(options)) {
            runId = run.id();
            run.summary().define("val_loss", SummaryMode.LAST);
            for (int epoch = 0; epoch < t.curve().length; epoch++) {
                run.log(Map.of("val_loss", t.curve()[epoch], "epoch", epoch + 1), epoch + 1);
            }
        }
        Claim claim = sweeps.claim(sweep.id(), AGENT, runId, 0, 600_000, (s, history) -> Proposal.next(t.params()));
        if (!(claim instanceof Claim.Granted granted)) {
            throw new IllegalStateException("no trial handed out: " + claim);
        }
        if (t.end() == null) {
            return granted.trial();
        }
        double[] c = t.curve();
        Double metric = t.end().countsForBest() && c.length > 0 ? c[c.length - 1] : null;
        String reason = t.end() == TrialState.STOPPED
                ? "hyperband: val_loss is worse than the rung's best 1/3"
                : t.end() == TrialState.FAILED ? "exit 1" : "";
        return sweeps.end(sweep.id(), granted.trial().number(), AGENT, t.end(), metric, reason);
    }
}
