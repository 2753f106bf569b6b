package dev.keel.internal.run;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;

import java.nio.file.Path;
import java.util.Map;

/**
 * A training process for the crash tests, run in a child JVM: {@code ChildMain HOME MODE}.
 * Prints {@code id <runId>} first, then for mode {@code log} {@code at <step> <epochMs>} after
 * each logged step (every few ms), until killed; modes {@code exit3-watched}/{@code exit0-watched}
 * print {@code init took <ms> ms} and {@code exit status known <true|false> (<why>) waited <ms> ms}
 * before they exit.
 */
public final class ChildMain {
    private ChildMain() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        String mode = args[1];
        long initStart = System.nanoTime();
        Run run = Keel.init(RunOptions.builder().project("crash").home(home).systemMetrics(false)
                .captureConsole(false).build());
        System.out.println("id " + run.id());
        if (mode.endsWith("-watched")) {
            System.out.println("init took " + (System.nanoTime() - initStart) / 1_000_000 + " ms");
        }
        System.out.flush();
        switch (mode) {
            case "log" -> {
                for (long step = 0; ; step++) {
                    run.log(Map.of("loss", 1.0 / (step + 1), "acc", step * 1e-6, "step_copy", step));
                    if (step % 5 == 0) {
                        System.out.println("at " + step + " " + System.currentTimeMillis());
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
            case "exit3-watched", "exit0-watched" -> {
                // the exit status is only known once the JDK 17-20 agent is in place: wait for it, and say so
                run.log(Map.of("loss", 1.0));
                long t0 = System.nanoTime();
                boolean known = ProcessHooks.exitStatusKnown(20_000);
                System.out.println("exit status known " + known + " (" + ExitStatusWatch.outcome() + ") waited "
                        + (System.nanoTime() - t0) / 1_000_000 + " ms");
                System.out.flush();
                System.exit(mode.startsWith("exit3") ? 3 : 0);
            }
            case "return" -> run.log(Map.of("loss", 1.0));
            default -> throw new IllegalArgumentException(mode);
        }
    }
}
