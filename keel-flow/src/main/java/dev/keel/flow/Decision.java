package dev.keel.flow;

/**
 * Whether a stage runs, and why, as {@code keel repro} prints it: {@code runs: input
 * data/train.csv changed (abc123 → def456)}, {@code skipped: up to date}.
 */
public record Decision(boolean runs, String reason) {
    static Decision run(String why) {
        return new Decision(true, "runs: " + why);
    }

    static Decision skip(String why) {
        return new Decision(false, "skipped: " + why);
    }
}
