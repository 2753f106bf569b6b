package dev.keel.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JVM the {@code ./keel} launcher starts (its class-data-sharing archive, its compiler), with
 * the launcher script run from a copy of the repository that holds only the script and the built
 * jar (so it never builds).
 */
class LauncherIT {
    /** How long a background dump may take on a loaded machine before the test gives up. */
    private static final long DUMP_WAIT_MS = TimeUnit.MINUTES.toMillis(5);

    @TempDir
    Path work;

    record Proc(int code, String out, String err) {}

    private Path checkout() throws Exception {
        Path root = work.resolve("keel-copy");
        Files.createDirectories(root.resolve("keel-cli/target"));
        Path jar = Path.of(System.getProperty("keel.jar", "target/keel.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "the shaded jar should exist after package: " + jar);
        Files.copy(jar, root.resolve("keel-cli/target/keel.jar"));
        Path lib = jar.resolveSibling("lib"); // PyTorch's native libraries, which keel.jar's manifest names
        if (Files.isDirectory(lib)) {
            Files.createSymbolicLink(root.resolve("keel-cli/target/lib"), lib);
        }
        Path script = root.resolve("keel");
        Files.copy(Path.of("../keel").toAbsolutePath(), script);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Files.setLastModifiedTime(root.resolve("pom.xml"), FileTime.fromMillis(1_000_000));
        Fixtures.seed(work.resolve("store"));
        return root;
    }

    private Proc keel(Path root, Path javaHome, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("keel").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(work.toFile())
                .redirectOutput(work.resolve("out.txt").toFile())
                .redirectError(work.resolve("err.txt").toFile());
        pb.environment().put("JAVA_HOME", javaHome.toString());
        pb.environment().put("KEEL_HOME", work.resolve("store").toString());
        pb.environment().remove("KEEL_CDS");
        pb.environment().remove("KEEL_JAVA_OPTS");
        pb.environment().remove("KEEL_JIT_HINTS");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "keel " + String.join(" ", args) + " did not finish");
        return new Proc(
                p.exitValue(),
                Files.readString(work.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(work.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    /** The files the background job leaves in the archive folder once it is done (a .jsa or a .refused). */
    private static List<Path> awaitDump(Path root) throws Exception {
        Path dir = root.resolve("keel-cli/target/cds");
        long deadline = System.currentTimeMillis() + DUMP_WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            List<Path> done = finished(dir);
            if (!done.isEmpty()) {
                return done;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no archive and no refusal in " + dir + " after " + DUMP_WAIT_MS + " ms");
    }

    private static List<Path> finished(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("keel-\\d+\\.(jsa|refused)"))
                    .toList();
        }
    }

    /** The run ids a {@code runs --format json} printed, in order. */
    private static List<String> ids(String json) {
        List<String> ids = new ArrayList<>();
        Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"([a-z0-9]+)\"").matcher(json);
        while (m.find()) {
            ids.add(m.group(1));
        }
        assertEquals(3, ids.size(), json);
        return ids;
    }

    private static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    /** A JDK whose {@code bin/java} runs {@code script}, then this JVM's {@code java}; its release file is this JVM's. */
    private Path wrapperJdk(String name, String script) throws Exception {
        Path jdk = work.resolve(name);
        Files.createDirectories(jdk.resolve("bin"));
        Files.copy(javaHome().resolve("release"), jdk.resolve("release"));
        Path java = jdk.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\n" + script + "exec '" + javaHome().resolve("bin/java") + "' \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return jdk;
    }

    @Test
    void theFirstCommandLeavesAnArchiveThatLaterCommandsLoadKeelFrom() throws Exception {
        Path root = checkout();
        Proc first = keel(root, javaHome(), Map.of(), "runs", "--format", "json");
        assertEquals(0, first.code(), first.err());

        List<Path> done = awaitDump(root);
        assertEquals(1, done.size(), done.toString());
        assertTrue(done.get(0).toString().endsWith(".jsa"), "this JVM takes archives: " + done);

        Path classLog = work.resolve("classes.txt");
        Proc second = keel(
                root,
                javaHome(),
                Map.of("KEEL_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog),
                "runs",
                "--format",
                "json");
        assertEquals(0, second.code(), second.err());
        assertEquals(ids(first.out()), ids(second.out()));
        assertEquals("", second.err());
        String classes = Files.readString(classLog);
        assertTrue(
                classes.contains("dev.keel.cli.RunsCommand source: shared objects file (top)"),
                "keel's classes come from the archive");

        // an archive the JVM does not take (damaged, or made by another JVM) is skipped silently
        Files.write(done.get(0), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Proc damaged = keel(root, javaHome(), Map.of(), "runs", "--format", "json");
        assertEquals(0, damaged.code(), damaged.err());
        assertEquals(ids(first.out()), ids(damaged.out()));
        assertEquals("", damaged.err());
    }

    @Test
    void aJvmThatRefusesArchivesRunsEveryCommandWithoutAndIsNotAskedAgain() throws Exception {
        Path root = checkout();
        // a JVM without class-data sharing: it rejects the options, as OpenJ9 or a JVM built without CDS do
        Path asked = work.resolve("asked.txt");
        Path fake = wrapperJdk(
                "jdk-without-cds",
                "for a in \"$@\"; do\n"
                        + "  case \"$a\" in -XX:ArchiveClassesAtExit=*|-XX:SharedArchiveFile=*)\n"
                        + "    echo asked >> '" + asked + "'\n"
                        + "    echo \"Unrecognized VM option '${a#-XX:}'\" >&2\n"
                        + "    echo 'Error: Could not create the Java Virtual Machine.' >&2\n"
                        + "    exit 1 ;;\n"
                        + "  esac\n"
                        + "done\n");

        Proc first = keel(root, fake, Map.of(), "runs", "--format", "json");
        assertEquals(0, first.code(), first.err());
        List<Path> done = awaitDump(root);
        assertEquals(1, done.size(), done.toString());
        assertTrue(done.get(0).toString().endsWith(".refused"), done.toString());
        assertEquals(1, Files.readAllLines(asked).size(), "the dump was tried once");

        Proc second = keel(root, fake, Map.of(), "run", "show", "aaaa1111");
        assertEquals(0, second.code(), second.err());
        assertTrue(second.out().contains("brave-otter-1"), second.out());
        assertEquals("", second.err());
        assertEquals(1, Files.readAllLines(asked).size(), "neither asked again nor given an archive");
    }

    /**
     * The archive is dumped by an interpreting JVM: JDK 17 to 20 archive a method that is waiting
     * for the JIT when the dump happens with that mark, and never compile it in any JVM that maps
     * the archive (JDK-8306460). An interpreting JVM queues nothing.
     */
    @Test
    void theArchiveIsDumpedByAJvmThatCompilesNothing() throws Exception {
        Path root = checkout();
        Path dumps = work.resolve("dumps.txt");
        Path wrapper = wrapperJdk(
                "jdk-recording-dumps",
                "case \"$*\" in *-XX:ArchiveClassesAtExit=*) echo \"$*\" >> '" + dumps + "' ;; esac\n");

        Proc first = keel(root, wrapper, Map.of(), "runs", "--format", "json");
        assertEquals(0, first.code(), first.err());
        List<Path> done = awaitDump(root);
        assertEquals(1, done.size(), done.toString());
        assertTrue(done.get(0).toString().endsWith(".jsa"), "the interpreted dump is an archive: " + done);
        List<String> lines = Files.readAllLines(dumps);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(List.of(lines.get(0).split(" ")).contains("-Xint"), lines.get(0));
    }

    @Test
    void keelCdsOffLeavesTheJvmAlone() throws Exception {
        Path root = checkout();
        Proc r = keel(root, javaHome(), Map.of("KEEL_CDS", "off"), "runs", "--format", "json");
        assertEquals(0, r.code(), r.err());
        Thread.sleep(500); // a background job, were one started, would have made its folder by now
        assertTrue(finished(root.resolve("keel-cli/target/cds")).isEmpty());
        assertTrue(!Files.exists(root.resolve("keel-cli/target/cds")));
    }

    @Test
    void shortReadCommandsRunOnTheClientCompilerAndHeavyOnesOnBoth() throws Exception {
        Path root = checkout();
        Map<String, String> env = Map.of("KEEL_CDS", "off", "KEEL_JAVA_OPTS", "-XX:+PrintFlagsFinal");
        for (List<String> quick : List.of(List.of("runs"), List.of("run", "show", "aaaa1111"), List.of("--help"))) {
            Proc r = keel(root, javaHome(), env, quick.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().matches("(?s).*TieredStopAtLevel\\s+= 1 .*"), quick + ": " + flag(r.out()));
        }
        Proc heavy = keel(root, javaHome(), env, "data", "verify", "nosuch");
        assertTrue(heavy.out().matches("(?s).*TieredStopAtLevel\\s+= 4 .*"), "data verify: " + flag(heavy.out()));
    }

    @Test
    void reproduceRunsOnTheClientCompilerBesideTheProgramItWaitsFor() throws Exception {
        Path root = checkout();
        Map<String, String> env = Map.of("KEEL_CDS", "off", "KEEL_JAVA_OPTS", "-XX:+PrintFlagsFinal");
        Proc r = keel(root, javaHome(), env, "reproduce", "nosuch");
        assertTrue(r.out().matches("(?s).*TieredStopAtLevel\\s+= 1 .*"), "reproduce: " + flag(r.out()));
    }

    @Test
    void datasetCommandsCompileTheHashingLoopsEarlyAndOthersDoNot() throws Exception {
        Path root = checkout();
        Map<String, String> env = Map.of("KEEL_CDS", "off", "KEEL_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
        Proc heavy = keel(root, javaHome(), env, "data", "verify", "nosuch");
        assertTrue(heavy.out().contains("Chunker::cut"), "data verify: " + heavy.out());
        assertTrue(heavy.out().contains("SHA2::implCompress0"), "data verify: " + heavy.out());
        assertFalse(heavy.out().contains("CompileCommand: "), "the JIT hints print nothing: " + heavy.out());
        assertFalse(heavy.out().contains("Tier4InvocationThreshold"), "data verify: " + heavy.out());
        // add and checkout do per-file work tens of thousands of times: only the hashing loops get C2 early
        for (String command : List.of("add", "checkout")) {
            Proc perFile = keel(root, javaHome(), env, "data", command, "nosuch", "folder");
            assertTrue(perFile.out().contains("-XX:Tier4InvocationThreshold=500000"), command + ": " + perFile.out());
            assertTrue(perFile.out().contains("SHA2::implCompress0"), command + ": " + perFile.out());
        }
        Proc other = keel(root, javaHome(), env, "runs");
        assertFalse(other.out().contains("Chunker::cut"), "runs: " + other.out());
        Map<String, String> off =
                Map.of("KEEL_CDS", "off", "KEEL_JAVA_OPTS", "-XX:+PrintCommandLineFlags", "KEEL_JIT_HINTS", "0");
        Proc plain = keel(root, javaHome(), off, "data", "verify", "nosuch");
        assertFalse(plain.out().contains("Chunker::cut"), "KEEL_JIT_HINTS=0: " + plain.out());
    }

    @Test
    void onlyAModuleSourceOrPomNewerThanTheJarMakesTheLauncherBuild() throws Exception {
        Path root = checkout();
        Path bin = Files.createDirectories(work.resolve("bin"));
        Path built = work.resolve("mvn-called");
        // Stands in for Maven: the decision to build is under test, not the build itself.
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\necho \"$@\" >> '" + built + "'\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("KEEL_CDS", "off", "PATH", bin + ":" + System.getenv("PATH"));
        FileTime later = FileTime.fromMillis(Files.getLastModifiedTime(root.resolve("keel-cli/target/keel.jar"))
                        .toMillis()
                + 60_000);

        for (String outside : List.of(
                ".git/objects/ab/cdef",
                "bench/.venv/lib/site.py",
                "examples/x/src/main/java/A.java",
                "keel-core/src/test/java/ATest.java",
                "keel-core/target/classes/A.class")) {
            touch(root.resolve(outside), later);
        }
        Proc quiet = keel(root, javaHome(), env, "runs", "--format", "json");
        assertEquals(0, quiet.code(), quiet.err());
        assertFalse(Files.exists(built), "files outside the modules' sources made it build");

        touch(root.resolve("keel-core/src/main/java/dev/keel/core/A.java"), later);
        Proc source = keel(root, javaHome(), env, "runs", "--format", "json");
        assertEquals(0, source.code(), source.err());
        assertTrue(source.err().contains("building Keel"), source.err());
        assertTrue(Files.readString(built).contains("-pl keel-cli -am package"), Files.readString(built));

        // The build touched the jar; a module pom newer than it builds again.
        Files.delete(built);
        touch(root.resolve("keel-core/pom.xml"), FileTime.fromMillis(System.currentTimeMillis() + 120_000));
        Proc pom = keel(root, javaHome(), env, "runs", "--format", "json");
        assertEquals(0, pom.code(), pom.err());
        assertTrue(Files.exists(built), "a newer module pom did not make it build");
    }

    private static void touch(Path file, FileTime time) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "x");
        Files.setLastModifiedTime(file, time);
    }

    private static String flag(String flags) {
        return flags.lines()
                .filter(l -> l.contains("TieredStopAtLevel"))
                .findFirst()
                .orElse("(no such flag)");
    }
}
