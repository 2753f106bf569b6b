package dev.keel.cli.flow;

import dev.keel.core.KeelException;
import dev.keel.flow.Flow;

import java.nio.file.Files;
import java.nio.file.Path;

/** The project folder {@code keel repro} and {@code keel dag} work in: the nearest one holding keel.yaml. */
public final class ProjectDir {
    private ProjectDir() {}

    /** {@code given} when set, else the nearest folder holding keel.yaml walking up from the working directory. */
    public static Path find(Path given) {
        if (given != null) {
            Path dir = given.toAbsolutePath().normalize();
            if (!Files.isRegularFile(dir.resolve(Flow.FILE))) {
                throw KeelException.invalid("no " + Flow.FILE + " in " + dir + ": give the folder of a Keel project"
                        + " (keel init DIR makes one)");
            }
            return dir;
        }
        Path start = Path.of("").toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(Flow.FILE))) {
                return dir;
            }
        }
        throw KeelException.invalid("no " + Flow.FILE + " in " + start + " or above: run this in a Keel project (keel"
                + " init DIR makes one), or name its folder with --dir");
    }
}
