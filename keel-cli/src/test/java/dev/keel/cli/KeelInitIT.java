package dev.keel.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code keel init} from the shaded jar, then {@code mvn -o verify} in the new project: it must
 * build and pass its tests out of the box. The Keel jars are installed into a throwaway local
 * repository (hard links to ~/.m2's files for everything else), never into the shared ~/.m2.
 */
class KeelInitIT {
    /**
     * JVM options of every JVM this test starts (keel, and Maven through MAVEN_OPTS): each lives
     * seconds, too short for C2's compile threads to pay back the cores they take.
     */
    private static final List<String> SHORT_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    @TempDir
    Path work;

    private static int run(List<String> cmd, Path dir, Path log, long minutes) throws Exception {
        return run(cmd, dir, log, minutes, Map.of());
    }

    private static int run(List<String> cmd, Path dir, Path log, long minutes, Map<String, String> env)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.environment().put("MAVEN_OPTS", String.join(" ", SHORT_JVM));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(
                    String.join(" ", cmd) + " did not finish in " + minutes + " min:\n" + Files.readString(log));
        }
        return p.exitValue();
    }

    /** A local repository whose third-party files are hard links to ~/.m2's (no dev/keel: those get installed). */
    private static void linkRepository(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (from.relativize(dir).toString().equals("dev/keel")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(file).toString());
                try {
                    Files.createLink(target, file);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(file, target);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Test
    void aScaffoldedProjectBuildsAndPassesItsTestsOffline() throws Exception {
        Path jar = Path.of(System.getProperty("keel.jar", "target/keel.jar")).toAbsolutePath();
        Path root = jar.getParent().getParent().getParent();
        Path repo = work.resolve("m2");
        linkRepository(Path.of(System.getProperty("user.home"), ".m2", "repository"), repo);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");

        Path project = work.resolve("tiny-tracker");
        List<String> init = new ArrayList<>(List.of(java.toString()));
        init.addAll(SHORT_JVM);
        init.addAll(List.of("-Dmaven.repo.local=" + repo, "-jar", jar.toString(), "init", project.toString()));
        int initCode = run(init, root, work.resolve("init.log"), 5);
        assertEquals(0, initCode, Files.readString(work.resolve("init.log")));
        assertTrue(
                Files.isRegularFile(repo.resolve("dev/keel/keel-djl/0.1.0-SNAPSHOT/keel-djl-0.1.0-SNAPSHOT.jar")),
                Files.readString(work.resolve("init.log")));

        int verify = run(
                List.of("mvn", "-q", "-B", "-o", "-Dmaven.repo.local=" + repo, "verify"),
                project,
                work.resolve("verify.log"),
                8);
        assertEquals(0, verify, Files.readString(work.resolve("verify.log")));
        int tests = 0;
        try (Stream<Path> reports = Files.list(project.resolve("target/surefire-reports"))) {
            for (Path r : reports.filter(p -> p.toString().endsWith(".txt")).toList()) {
                String text = Files.readString(r);
                assertTrue(text.contains("Failures: 0, Errors: 0, Skipped: 0"), text);
                tests += Integer.parseInt(text.replaceAll("(?s).*Tests run: (\\d+).*", "$1"));
            }
        }
        assertEquals(4, tests, "the template's tests all ran");
        assertTrue(Files.isRegularFile(project.resolve("target/tiny-tracker-0.1.0-SNAPSHOT.jar")));

        // its two-stage flow: both stages run the first time, each as a run; then nothing is stale
        List<String> repro = new ArrayList<>(List.of(java.toString()));
        repro.addAll(SHORT_JVM);
        repro.addAll(List.of("-jar", jar.toString(), "repro", "--dir", project.toString()));
        Map<String, String> env = Map.of("MAVEN_OPTS", String.join(" ", SHORT_JVM) + " -Dmaven.repo.local=" + repo);
        Path log = work.resolve("repro.log");
        assertEquals(0, run(repro, project, log, 8, env), Files.readString(log));
        String first = Files.readString(log);
        assertTrue(first.contains("train    runs: never ran (no entry in keel.lock)"), first);
        assertTrue(first.contains("2 of 2 stages ran; keel.lock updated"), first);
        assertEquals(
                3,
                Files.readAllLines(project.resolve("predictions.txt")).stream()
                        .filter(l -> l.matches("-?[0-9.]+,-?[0-9.]+ \\w+"))
                        .count(),
                Files.readString(project.resolve("predictions.txt")));
        assertEquals(0, run(repro, project, log, 3, env), Files.readString(log));
        assertTrue(Files.readString(log).contains("up to date: 2 stages, nothing ran"), Files.readString(log));
    }
}
