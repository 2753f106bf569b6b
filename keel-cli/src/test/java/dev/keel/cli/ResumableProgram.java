package dev.keel.cli;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;

import java.nio.file.Path;
import java.util.Map;

/**
 * A training program for the resume test: logs three steps, then fails on its first attempt;
 * started again by {@code keel run resume} (which sets KEEL_RESUME), it logs three more and ends.
 */
public final class ResumableProgram {
    private ResumableProgram() {}

    public static void main(String[] args) {
        Run run = Keel.init(RunOptions.builder()
                .project("resumable")
                .home(Path.of(args[0]))
                .systemMetrics(false)
                .build());
        System.out.println("id " + run.id() + " from step " + run.step());
        for (int i = 0; i < 3; i++) {
            run.log(Map.of("loss", 1.0 / (run.step() + 1)));
        }
        if (System.getenv("KEEL_RESUME") == null) {
            throw new IllegalStateException("the first attempt fails on purpose");
        }
        run.close();
    }
}
