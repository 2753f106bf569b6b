package dev.keel.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs one benchmark harness by name. Each prints result lines
 * {@code RESULT <name> <value> <unit> (target …)} that bench/run.sh collects for
 * docs/benchmarks.md. Use {@code bench/run.sh}, which builds this jar and runs them all.
 */
public final class Bench {
    private static final Map<String, Consumer<String[]>> HARNESSES = Map.ofEntries(
            Map.entry("log-latency", LogLatency::main),
            Map.entry("ingest", Ingest::main),
            Map.entry("http-ingest", HttpIngest::main),
            Map.entry("loop-overhead", LoopOverhead::main),
            Map.entry("runs-query", RunsQuery::main),
            Map.entry("history-read", HistoryRead::main),
            Map.entry("init-latency", InitLatency::main),
            Map.entry("runs-search", RunsSearch::main),
            Map.entry("transfer", Transfer::main),
            Map.entry("dashboard", Dashboard::main),
            Map.entry("sweep-overhead", SweepBench::overhead),
            Map.entry("sweep-agents", SweepBench::agents),
            Map.entry("sweep-search", SweepSearchBench::main),
            Map.entry("mlflow-log", MlflowBench::log),
            Map.entry("mlflow-search", MlflowBench::search),
            Map.entry("mlflow-serve", MlflowBench::serve),
            Map.entry("mlflow-java-artifacts", MlflowBench::javaArtifacts),
            Map.entry("model-resolve", ModelResolve::main));

    private Bench() {}

    public static void main(String[] args) {
        if (args.length == 0 || !HARNESSES.containsKey(args[0])) {
            System.err.println("usage: java -jar keel-bench.jar <"
                    + String.join("|", HARNESSES.keySet().stream().sorted().toList()) + "> [options]");
            System.exit(2);
        }
        HARNESSES.get(args[0]).accept(Arrays.copyOfRange(args, 1, args.length));
    }
}
