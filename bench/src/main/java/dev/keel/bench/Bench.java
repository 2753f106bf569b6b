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
    private static final Map<String, Consumer<String[]>> HARNESSES = Map.of(
            "log-latency", LogLatency::main,
            "ingest", Ingest::main,
            "loop-overhead", LoopOverhead::main,
            "runs-query", RunsQuery::main,
            "history-read", HistoryRead::main,
            "init-latency", InitLatency::main,
            "transfer", Transfer::main);

    private Bench() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || !HARNESSES.containsKey(args[0])) {
            System.err.println("usage: java -jar keel-bench.jar <" + String.join("|", HARNESSES.keySet().stream().sorted().toList())
                    + "> [options]");
            System.exit(2);
        }
        HARNESSES.get(args[0]).accept(Arrays.copyOfRange(args, 1, args.length));
    }
}
