package dev.keel.bench;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;

/**
 * One {@code Keel.init} in a fresh JVM, as a training program's first line would call it:
 * prints {@code INIT_MS <main() to init returning> CPU_MS <the main thread's CPU time then>}. bench/startup.sh compiles this file alone
 * against a CLI jar (which holds the SDK), so one source times the jars of two commits.
 *   java -cp keel.jar:DIR dev.keel.bench.StartupInit HOME
 */
public final class StartupInit {
    private StartupInit() {}

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        Run run = Keel.init(RunOptions.builder()
                .project("bench-init")
                .home(Path.of(args[0]))
                .config(Map.of("lr", 0.01, "layers", 3, "optimizer", Map.of("name", "adam")))
                .tags("bench")
                .build());
        long initNs = System.nanoTime() - t0;
        // the caller's CPU time from the JVM's start: other jobs on the machine inflate it far
        // less than wall time
        long cpuNs = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        run.log(Map.of("loss", 1.0));
        run.close();
        System.out.printf("INIT_MS %.1f CPU_MS %.1f%n", initNs / 1e6, cpuNs / 1e6);
    }
}
