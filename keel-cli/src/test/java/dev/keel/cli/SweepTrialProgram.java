package dev.keel.cli;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sweep trial's program for the agent tests: takes {@code key=value} arguments as
 * {@code keel agent} passes them and logs {@code loss = (x - 1)^2 + 1 / (epoch + 1)} for
 * {@code epochs} epochs (step = epoch), {@code sleep_ms} apart ({@code first_sleep_ms} apart in
 * trial 1, when given; the environment's {@value #SLEEP_ENV} overrides both, so one agent's trials
 * can take their time and another's need not). {@code mode} misbehaves on
 * purpose: {@code fail} logs a loss of -1 (better than any other) and exits 3, {@code hang} never
 * ends (unless asked to stop), {@code nometric} logs only {@code other}. {@code x} defaults to 0.
 * Like any Keel program in a sweep it stops early when {@code run.shouldStop()} says so, and a
 * resumed run goes on from the epoch after the last one it logged.
 */
public final class SweepTrialProgram {
    /** Milliseconds between epochs for every trial its agent starts, whatever the sweep says. */
    static final String SLEEP_ENV = "SWEEP_TRIAL_SLEEP_MS";

    private SweepTrialProgram() {}

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> params = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            params.put(a.substring(0, eq), a.substring(eq + 1));
        }
        double x = Double.parseDouble(params.getOrDefault("x", "0"));
        int epochs = Integer.parseInt(params.getOrDefault("epochs", "3"));
        String sleepMs = params.getOrDefault("sleep_ms", "50");
        if (params.containsKey("first_sleep_ms") && "1".equals(System.getenv("KEEL_SWEEP_TRIAL"))) {
            sleepMs = params.get("first_sleep_ms");
        }
        if (System.getenv(SLEEP_ENV) != null) {
            sleepMs = System.getenv(SLEEP_ENV);
        }
        long sleep = Long.parseLong(sleepMs);
        String mode = params.getOrDefault("mode", "ok");
        System.out.println(
                "trial " + System.getenv("KEEL_SWEEP_TRIAL") + " run " + System.getenv("KEEL_RUN_ID") + " x=" + x);
        try (Run run = Keel.init(RunOptions.builder()
                .project("sweeps")
                .config(Map.copyOf(params))
                .systemMetrics(false)
                .captureConsole(false)
                .build())) {
            // resumed (KEEL_RESUME, a Hyperband promotion): its whole state is the epoch, so it
            // continues exactly after the last step it logged
            int first = (int) run.step();
            if (first > 0) {
                System.out.println("resumed at epoch " + first);
            }
            for (int epoch = first; (epoch < epochs || mode.equals("hang")) && !run.shouldStop(); epoch++) {
                Thread.sleep(sleep);
                System.out.println("epoch " + epoch + " x=" + x);
                if (mode.equals("nometric")) {
                    run.log(Map.of("other", epoch * 1.0), epoch);
                } else {
                    run.log(Map.of("loss", (x - 1) * (x - 1) + 1.0 / (epoch + 1)), epoch);
                }
                if (mode.equals("fail")) {
                    run.log(Map.of("loss", -1.0), epoch);
                    run.exit(3);
                }
            }
        }
    }
}
