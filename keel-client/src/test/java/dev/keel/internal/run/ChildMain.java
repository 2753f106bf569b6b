package dev.keel.internal.run;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;

import java.nio.file.Path;
import java.util.Map;

/**
 * A training process for the crash tests, run in a child JVM: {@code ChildMain HOME MODE}.
 * Prints {@code id <runId>} first, then for mode {@code log} {@code at <step> <epochMs>} after
 * each logged step (every few ms), until killed; mode {@code sleep} prints {@code ready} once it
 * has logged, then sleeps; mode {@code trial} trains "epochs" until its sweep asks it to stop
 * (printing {@code stopping at epoch N: REASON}) or 60 s have passed.
 */
public final class ChildMain {
    private ChildMain() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        String mode = args[1];
        Run run = Keel.init(RunOptions.builder()
                .project("crash")
                .home(home)
                .systemMetrics(false)
                .captureConsole(false)
                .build());
        System.out.println("id " + run.id());
        System.out.flush();
        switch (mode) {
            case "log" -> {
                for (long step = 0; ; step++) {
                    run.log(Map.of("loss", 1.0 / (step + 1), "acc", step * 1e-6, "step_copy", step));
                    if (step % 5 == 0) {
                        System.out.println("at " + step + " " + System.currentTimeMillis());
                        System.out.flush();
                    }
                    if (step % 250 == 249) {
                        // what flush() acknowledged is durable: a kill after it must not lose it
                        run.flush();
                        System.out.println("flushed " + step);
                        System.out.flush();
                    }
                    Thread.sleep(1);
                }
            }
            case "sleep" -> {
                run.log(Map.of("loss", 1.0));
                System.out.println("ready");
                System.out.flush();
                Thread.sleep(60_000);
            }
            case "throw" -> {
                run.log(Map.of("loss", 1.0));
                throw new IllegalStateException("training diverged");
            }
            case "throw-in-try" -> {
                try (Run r = run) {
                    r.log(Map.of("loss", 1.0));
                    throw new IllegalStateException("training diverged");
                }
            }
            case "exit3" -> {
                run.log(Map.of("loss", 1.0));
                System.exit(3);
            }
            case "exit0" -> {
                run.log(Map.of("loss", 1.0));
                System.exit(0);
            }
            case "run-exit3" -> {
                run.log(Map.of("loss", 1.0));
                run.exit(3);
            }
            case "return" -> run.log(Map.of("loss", 1.0));
            case "trial" -> {
                // a sweep's trial: an epoch loop that checks shouldStop at each epoch end
                try (Run r = run) {
                    for (int epoch = 0; epoch < 1200; epoch++) {
                        r.log(Map.of("loss", 1.0 / (epoch + 1)));
                        if (epoch == 0) {
                            System.out.println("training");
                            System.out.flush();
                        }
                        if (r.shouldStop()) {
                            System.out.println("stopping at epoch " + epoch + ": "
                                    + r.stopReason().orElseThrow());
                            System.out.flush();
                            return;
                        }
                        Thread.sleep(50);
                    }
                    System.out.println("all epochs done");
                }
            }
            default -> throw new IllegalArgumentException(mode);
        }
    }
}
