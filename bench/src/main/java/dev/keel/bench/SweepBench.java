package dev.keel.bench;

import dev.keel.core.Ids;
import dev.keel.core.Json;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.sweep.Claim;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepStore;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialProposer;
import dev.keel.core.sweep.TrialState;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerSettings;
import dev.keel.sweep.SweepSearch;
import dev.keel.testing.TestPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sweeps: the controller's overhead per trial, and agents sharing one sweep.
 *
 * <p>{@code sweep-overhead [--trials N] [--method random|bayes] [--backend sqlite|postgres|all]}:
 * one claim (stale trials reaped, the proposer asked, the trial stored) plus one end per trial,
 * timed around the two calls, on the SQLite store, on PostgreSQL (keel-testing's TestPostgres),
 * and on PostgreSQL behind a server over HTTP; median and p90/p99 of each.
 *
 * <p>{@code sweep-agents [--agents 4] [--trials 100] [--backend sqlite|postgres|all] [--cli-jar
 * keel-cli/target/keel.jar]}: that many {@code keel agent} processes share one sweep of
 * {@code agents × trials} trials (run_cap), each trial a shell one-liner that records its trial
 * number and run id in a file; then counts trials lost (handed out but never run or never ended)
 * and run twice (a number run more than once, or more trials than the cap). Embedded store: the
 * agents share one SQLite file; PostgreSQL: they share a server over it (KEEL_URL).
 */
final class SweepBench {
    private SweepBench() {}

    static void overhead(String[] args) {
        int trials = (int) Stats.arg(args, "--trials", 200);
        String method = Stats.arg(args, "--method", "random");
        String backend = Stats.arg(args, "--backend", "all");
        String config = "name: overhead\nmethod: " + method + "\nmetric:\n  name: loss\n  goal: minimize\n"
                + "parameters:\n  lr:\n    distribution: log_uniform_values\n    min: 0.0001\n    max: 0.1\n"
                + "  width:\n    values: [32, 64, 128, 256]\n  dropout:\n    min: 0.0\n    max: 0.5\n"
                + "command: [\"true\"]\n";
        if (backend.equals("all") || backend.equals("sqlite")) {
            Path home = Homes.fresh("sweep-overhead-sqlite");
            try (Store store = Stores.open("sqlite:" + home.resolve("keel.db"))) {
                overheadOn("sqlite." + method, store, config, trials);
            }
        }
        if (backend.equals("all") || backend.equals("postgres")) {
            try (TestPostgres.Server pg = TestPostgres.start(Map.of());
                    Store store = Stores.open(pg.url())) {
                overheadOn("postgres." + method, store, config, trials);
                try (KeelServer server = KeelServer.builder()
                                .store(store)
                                .blobs(new LocalBlobStore(Homes.fresh("sweep-overhead-blobs")))
                                .settings(ServerSettings.local(0))
                                .build()
                                .start();
                        Store remote = Stores.open(server.url())) {
                    overheadOn("http.postgres." + method, remote, config, trials);
                } catch (UnsupportedOperationException e) {
                    System.err.println("http: not measured (" + e.getMessage() + ")");
                }
            }
        }
    }

    private static void overheadOn(String name, Store store, String config, int trials) {
        SweepStore sweeps = store.sweeps();
        TrialProposer proposer = SweepSearch.proposer();
        Sweep sweep = sweeps.create("bench", "overhead-" + name, config, 42, "");
        long[] nanos = new long[trials];
        long[] claimNanos = new long[trials];
        for (int i = 0; i < trials; i++) {
            long t0 = System.nanoTime();
            Claim c = sweeps.claim(sweep.id(), "bench-agent", Ids.newRunId(), 0, 30_000, proposer);
            long t1 = System.nanoTime();
            if (!(c instanceof Claim.Granted g)) {
                throw new IllegalStateException("trial " + (i + 1) + " not granted: " + c);
            }
            sweeps.end(sweep.id(), g.trial().number(), "bench-agent", TrialState.FINISHED, Math.random(), "");
            nanos[i] = System.nanoTime() - t0;
            claimNanos[i] = t1 - t0;
        }
        // The first 10% are the JIT's and the connection pool's warm-up.
        long[] steady = Arrays.copyOfRange(nanos, trials / 10, trials);
        Arrays.sort(steady);
        long[] lastQuarter = Arrays.copyOfRange(nanos, trials * 3 / 4, trials);
        Arrays.sort(lastQuarter);
        System.err.printf(
                Locale.ROOT,
                "%s: %d trials; claim+end p50 %.2f p90 %.2f p99 %.2f max %.2f ms; last quarter (history %d..%d) p50 %.2f"
                        + " ms; claim alone p50 %.2f ms%n",
                name,
                trials,
                Stats.percentile(steady, 50) / 1e6,
                Stats.percentile(steady, 90) / 1e6,
                Stats.percentile(steady, 99) / 1e6,
                steady[steady.length - 1] / 1e6,
                trials * 3 / 4,
                trials,
                Stats.percentile(lastQuarter, 50) / 1e6,
                Stats.percentile(sorted(claimNanos), 50) / 1e6);
        Stats.result("sweep.overhead." + name + ".p50", Stats.percentile(steady, 50) / 1e6, "ms", "<= 50 ms");
        Stats.result("sweep.overhead." + name + ".p90", Stats.percentile(steady, 90) / 1e6, "ms", "<= 50 ms");
        Stats.result("sweep.overhead." + name + ".p99", Stats.percentile(steady, 99) / 1e6, "ms", "-");
    }

    private static long[] sorted(long[] values) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    static void agents(String[] args) {
        int agents = (int) Stats.arg(args, "--agents", 4);
        int perAgent = (int) Stats.arg(args, "--trials", 100);
        String backend = Stats.arg(args, "--backend", "all");
        Path jar = Path.of(Stats.arg(args, "--cli-jar", "keel-cli/target/keel.jar"))
                .toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no CLI jar at " + jar + ": build it (mvn -pl keel-cli -am package)");
        }
        if (backend.equals("all") || backend.equals("sqlite")) {
            Path home = Homes.fresh("sweep-agents-sqlite");
            try (Store store = Stores.open("sqlite:" + home.resolve("keel.db"))) {
                agentsOn("sqlite", store, jar, Map.of("KEEL_HOME", home.toString()), home, agents, perAgent);
            }
        }
        if (backend.equals("all") || backend.equals("postgres")) {
            Path home = Homes.fresh("sweep-agents-pg");
            try (TestPostgres.Server pg = TestPostgres.start(Map.of());
                    Store store = Stores.open(pg.url());
                    KeelServer server = KeelServer.builder()
                            .store(store)
                            .blobs(new LocalBlobStore(home.resolve("blobs")))
                            .settings(ServerSettings.local(0))
                            .build()
                            .start()) {
                agentsOn(
                        "postgres",
                        store,
                        jar,
                        Map.of("KEEL_HOME", home.resolve("agents").toString(), "KEEL_URL", server.url()),
                        home,
                        agents,
                        perAgent);
            }
        }
    }

    private static void agentsOn(
            String name, Store store, Path jar, Map<String, String> env, Path dir, int agents, int perAgent) {
        int cap = agents * perAgent;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path ledger = dir.resolve("ledger.txt");
        String config = "name: agents\nmethod: random\nmetric:\n  name: loss\n  goal: minimize\n"
                + "parameters:\n  x:\n    min: 0.0\n    max: 1.0\nrun_cap: " + cap + "\ncommand: "
                + Json.write(List.of(
                        "/bin/sh", "-c", "echo \"$KEEL_SWEEP_TRIAL $KEEL_RUN_ID\" >> '" + ledger + "'", "trial"))
                + "\n";
        Sweep sweep = store.sweeps().create("bench", "agents-" + name, config, 7, "");
        long t0 = System.nanoTime();
        List<Process> procs = new ArrayList<>();
        try {
            for (int i = 0; i < agents; i++) {
                List<String> cmd = List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx128m",
                        "-jar",
                        jar.toString(),
                        "agent",
                        sweep.id(),
                        "--stale-after",
                        "30s",
                        "--grace",
                        "5s");
                ProcessBuilder pb = new ProcessBuilder(cmd)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("agent-" + i + ".log").toFile());
                pb.environment().keySet().removeAll(List.of("KEEL_MODE", "KEEL_URL", "KEEL_API_KEY", "KEEL_HOME"));
                pb.environment().putAll(env);
                procs.add(pb.start());
            }
            for (Process p : procs) {
                if (!p.waitFor(30, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("an agent did not finish in 30 minutes");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } finally {
            procs.forEach(Process::destroyForcibly);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Trial> trials = store.sweeps().trials(sweep.id());
        Map<Integer, Integer> runsByNumber = new HashMap<>();
        Map<Integer, String> runIdByNumber = new HashMap<>();
        try {
            for (String line : Files.readAllLines(ledger)) {
                String[] w = line.trim().split(" ");
                int n = Integer.parseInt(w[0]);
                runsByNumber.merge(n, 1, Integer::sum);
                runIdByNumber.put(n, w[1]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int lost = 0;
        int twice = 0;
        int crashed = 0;
        Map<String, Integer> byAgent = new HashMap<>();
        for (Trial t : trials) {
            int ran = runsByNumber.getOrDefault(t.number(), 0);
            if (ran == 0 || t.state() == TrialState.RUNNING || !t.runId().equals(runIdByNumber.get(t.number()))) {
                lost++;
            }
            if (ran > 1) {
                twice++;
            }
            if (t.state() == TrialState.CRASHED) {
                crashed++;
            }
            byAgent.merge(t.agent(), 1, Integer::sum);
        }
        int extra = Math.max(0, trials.size() - cap);
        long notInStore = runsByNumber.keySet().stream()
                .filter(n -> trials.stream().noneMatch(t -> t.number() == n))
                .count();
        lost += (int) notInStore + Math.max(0, cap - trials.size());
        System.err.printf(
                Locale.ROOT,
                "%s: %d agents, %d trials in the store (cap %d), %d program runs in the ledger, %d crashed; trials per"
                        + " agent %s; %.1f s in all (%.1f ms per trial)%n",
                name,
                agents,
                trials.size(),
                cap,
                runsByNumber.values().stream().mapToInt(Integer::intValue).sum(),
                crashed,
                byAgent.values(),
                seconds,
                seconds * 1000 / Math.max(1, trials.size()));
        Stats.result("sweep.agents." + name + ".lost", lost, "trials", "0");
        Stats.result("sweep.agents." + name + ".run-twice", twice + extra, "trials", "0");
        Stats.result(
                "sweep.agents." + name + ".wall-per-trial", seconds * 1000 / Math.max(1, trials.size()), "ms", "-");
    }
}
