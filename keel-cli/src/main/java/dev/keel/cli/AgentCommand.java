package dev.keel.cli;

import dev.keel.cli.access.StoreAccess;
import dev.keel.cli.access.SweepAccess;
import dev.keel.cli.sweep.Agent;
import dev.keel.cli.sweep.Durations;
import dev.keel.core.KeelException;
import dev.keel.core.store.Store;
import dev.keel.core.sweep.Sweep;
import dev.keel.sweep.EarlyStop;
import dev.keel.sweep.SweepConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code keel agent SWEEP}: runs a sweep's trials on this machine. */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a sweep's trials on this machine, K at a time, until the sweep has none left.",
            "Each trial runs the sweep's command plus its parameters as key=value arguments, in this folder,",
            "with KEEL_SWEEP, KEEL_SWEEP_TRIAL and KEEL_RUN_ID set; its output is printed prefixed with",
            "[trial number]. Agents on many machines share a sweep through a server (KEEL_URL); a trial",
            "whose agent dies is marked crashed once its heartbeat is older than --stale-after and handed",
            "out again. When the server is unreachable the agent waits and goes on."
        },
        footer = {
            "%nExamples:",
            "  keel agent 3k9x2m1q --parallel 2",
            "  KEEL_URL=http://keel:7080 keel agent 3k9x2m1q --count 10"
        })
final class AgentCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SWEEP", description = "The sweep's id (or a unique prefix, or its name).")
    String ref;

    @Option(
            names = {"-n", "--count"},
            paramLabel = "N",
            description = "Run at most N trials, then exit (default: until the sweep has none left).")
    int count;

    @Option(
            names = {"-k", "--parallel"},
            paramLabel = "K",
            defaultValue = "1",
            description = "Run K trials at a time (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(
            names = "--trial-timeout",
            paramLabel = "DUR",
            description =
                    "Kill a trial that runs longer than DUR, e.g. 30m (default: the sweep's trial_timeout, else none).")
    String trialTimeout;

    @Option(
            names = "--stale-after",
            paramLabel = "DUR",
            defaultValue = "30s",
            description =
                    "Mark a trial crashed when its agent has not been heard from for DUR (default: ${DEFAULT-VALUE}).")
    String staleAfter;

    @Option(
            names = "--grace",
            paramLabel = "DUR",
            defaultValue = "60s",
            description = "Time a trial's program gets to end after a stop request, and after SIGTERM before SIGKILL "
                    + "(default: ${DEFAULT-VALUE}).")
    String grace;

    @Override
    public Integer call() throws InterruptedException {
        if (parallel < 1) {
            throw KeelException.invalid("--parallel " + parallel + ": run at least one trial at a time");
        }
        if (count < 0) {
            throw KeelException.invalid("--count " + count + ": give a number of trials, or leave it out");
        }
        long timeoutMs = trialTimeout == null ? 0 : Durations.millis(trialTimeout, "--trial-timeout");
        long staleMs = Durations.millis(staleAfter, "--stale-after");
        long graceMs = Durations.millis(grace, "--grace");
        if (staleMs < 1000) {
            throw KeelException.invalid("--stale-after " + staleAfter + ": give at least 1s (heartbeats need time)");
        }
        long heartbeatMs = Math.min(2_000, staleMs / 3);
        Agent.Options options = new Agent.Options(
                count, parallel, timeoutMs, staleMs, graceMs, heartbeatMs, Math.min(1_000, heartbeatMs));
        StoreAccess access = home.access();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Store store = access.openExisting()) {
            Sweep sweep = SweepAccess.find(store.sweeps(), ref);
            SweepConfig config = SweepConfig.parse(sweep.config(), sweep.id());
            Map<String, String> env = new LinkedHashMap<>();
            env.put("KEEL_HOME", access.home().root().toString());
            if (access.remote()) {
                env.put("KEEL_URL", access.where());
            }
            Agent agent = new Agent(
                    store,
                    access.remote(),
                    sweep,
                    config,
                    options,
                    EarlyStop.of(config),
                    new Agent.Launch(access.home(), Path.of("").toAbsolutePath(), env),
                    line -> {
                        out.println(line);
                        out.flush();
                    },
                    note -> {
                        err.println("keel agent: " + note);
                        err.flush();
                    });
            err.println("keel agent: " + agent.name() + " runs sweep " + sweep.id() + " (" + sweep.name() + "), "
                    + parallel + " at a time");
            int ran = agent.run();
            err.println("keel agent: done, " + ran + (ran == 1 ? " trial" : " trials") + " ended here");
            err.flush();
        }
        return 0;
    }
}
