package dev.keel.server.remote;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A training loop in its own process, in whatever mode its environment sets ({@code KEEL_URL},
 * {@code KEEL_MODE}, {@code KEEL_HOME}): {@code STEPS SLEEP_EVERY [FILE_DIR]} logs metric x at
 * steps 0..STEPS-1 (sleeping 1 ms every SLEEP_EVERY steps), prints RUN id, LOOPDONE with the
 * slowest log() call in µs, then DONE after close().
 */
public final class LoggerMain {
    private LoggerMain() {}

    public static void main(String[] args) throws Exception {
        int steps = Integer.parseInt(args[0]);
        int sleepEvery = Integer.parseInt(args[1]);
        RunOptions options = RunOptions.builder()
                .project("remote")
                .config(Map.of("lr", 0.01, "layers", 3L))
                .tags("remote-test")
                .systemMetrics(false)
                .captureConsole(args.length > 2)
                .flushInterval(Duration.ofMillis(200))
                .build();
        long slowest = 0;
        try (Run run = Keel.init(options)) {
            System.out.println("RUN " + run.id());
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                run.log(Map.of("x", (double) i, "y", i * 0.5));
                slowest = Math.max(slowest, System.nanoTime() - t0);
                if (i % sleepEvery == sleepEvery - 1) {
                    Thread.sleep(1);
                }
                if (i % 1000 == 0) {
                    System.out.println("STEP " + i);
                }
            }
            run.summary().put("best", 0.75);
            if (args.length > 2) {
                Path f = Files.writeString(Path.of(args[2]).resolve("notes.txt"), "trained " + steps + " steps\n");
                run.saveFile(f);
            }
            System.out.println("LOOPDONE " + slowest / 1000);
        }
        System.out.println("DONE");
    }
}
