package dev.keel.cli;

import dev.keel.core.Json;
import dev.keel.core.KeelHome;
import dev.keel.core.MetricSeries;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code keel reproduce} and {@code keel env diff} with real parts: a git repository in a temp
 * folder, {@link ReproducibleProgram} started as a child JVM from it, the SQLite store.
 */
class ReproduceCommandTest {
    @TempDir
    Path tmp;

    Path repo;
    Path home;

    /**
     * One repository and Keel folder for the cases that only read their original run (each
     * reproduction is a new run, and the original is only read): a run from the clean tree and
     * one from a dirty tree, trained once for the class instead of once per case.
     */
    @TempDir
    static Path shared;

    private static Shared sharedRuns;

    record Shared(Path repo, Path home, String clean, String dirty) {}

    @BeforeEach
    void repository() throws Exception {
        repo = Files.createDirectories(tmp.resolve("repo"));
        home = tmp.resolve("home");
        initRepository(repo);
    }

    private static void initRepository(Path repo) throws Exception {
        git(repo, "init", "--quiet");
        Files.writeString(repo.resolve("scale.txt"), "1.0\n");
        git(repo, "add", "scale.txt");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "first");
    }

    /** Points this case at the shared repository and Keel folder (training them on first use). */
    private Shared useShared() throws Exception {
        synchronized (ReproduceCommandTest.class) {
            if (sharedRuns == null) {
                repo = Files.createDirectories(shared.resolve("repo"));
                home = shared.resolve("home");
                initRepository(repo);
                String clean = train(repo, Map.of());
                Files.writeString(repo.resolve("scale.txt"), "2.0\n"); // not committed: only the run's diff has it
                String dirty = train(repo, Map.of());
                sharedRuns = new Shared(repo, home, clean, dirty);
            }
        }
        repo = sharedRuns.repo();
        home = sharedRuns.home();
        return sharedRuns;
    }

    @Test
    void aRunFromACleanTreeIsReproducedBitwiseAndLinkedToTheOriginal() throws Exception {
        String original = useShared().clean();
        Snapshot before = snapshot(original);

        Cli.Result r = keel("reproduce", original, "--home", home.toString());
        assertEquals(0, r.code(), r.err());
        String copy = reproduction(r.out());
        assertTrue(r.out().contains("identical: all 20 metric points are bitwise equal"), r.out());
        assertTrue(r.out().contains("  no recorded environment difference"), r.out());

        try (Store store = store()) {
            assertEquals(original, store.provenance(copy).get("reproduces"));
            assertEquals(RunState.FINISHED, store.run(copy).orElseThrow().state());
        }
        assertEquals(before, snapshot(original), "the original run is only read");
        Cli.Result show = keel("run", "show", copy, "--home", home.toString());
        assertTrue(show.out().contains("Reproduces: " + original), show.out());
        try (var left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertFalse(
                    left.anyMatch(p -> p.getFileName().toString().equals("keel-reproduce-" + copy)),
                    "the work folder is removed");
        }
    }

    @Test
    void aRunFromADirtyTreeIsReproducedWithItsUncommittedChange() throws Exception {
        String original = useShared().dirty(); // scale.txt 2.0, not committed: only the run's diff has it

        Cli.Result r = keel("reproduce", original, "--home", home.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("identical: all 20 metric points are bitwise equal"), r.out());
        try (Store store = store()) {
            assertEquals(2.0, store.history(original, "loss").values()[0], "the change was what the run used");
        }
    }

    @Test
    void aChangedThreadSettingDivergesAtTheStepItFirstMattersAndIsNamed() throws Exception {
        String original = train(repo, Map.of("OMP_NUM_THREADS", "1"));
        Snapshot before = snapshot(original);

        Cli.Result same = keel("reproduce", original, "--home", home.toString());
        assertEquals(0, same.code(), same.out() + same.err());
        assertTrue(same.out().contains("identical"), "the recorded thread count is restored: " + same.out());

        Cli.Result r = keel("reproduce", original, "--env", "OMP_NUM_THREADS=4", "--home", home.toString());
        assertEquals(3, r.code(), r.out() + r.err());
        String copy = reproduction(r.out());
        assertTrue(
                r.out()
                        .contains("diverged at step 3: accuracy = " + (1 - (1.0 / 4 + 1e-3) / 10) + " in " + original
                                + ", " + (1 - (1.0 / 4 + 4e-3) / 10) + " in " + copy),
                r.out());
        assertTrue(r.out().contains("  threads OMP_NUM_THREADS: 1 → 4"), r.out());
        assertEquals(before, snapshot(original));
        try (Store store = store()) {
            Map<?, ?> record = (Map<?, ?>) store.provenance(copy).get("reproduction");
            assertEquals("diverged", record.get("verdict"), record.toString());
            assertEquals(3L, ((Number) record.get("step")).longValue());
            assertEquals("accuracy", record.get("key"));
            assertEquals(String.valueOf(1 - (1.0 / 4 + 4e-3) / 10), record.get("right"));
            assertEquals(List.of("threads OMP_NUM_THREADS: 1 → 4"), record.get("environment"));
            assertTrue(store.run(copy).orElseThrow().tags().contains("reproduces:" + original));
        }
        // the dashboard's Reproduce box reads both verdicts from the store, newest first
        try (ServerFixture server = new ServerFixture(home)) {
            Map<String, Object> box =
                    server.get("/api/v1/runs/" + original + "/reproduce").json();
            List<?> copies = (List<?>) box.get("reproductions");
            assertEquals(2, copies.size(), box.toString());
            assertEquals(copy, ((Map<?, ?>) copies.get(0)).get("run"));
            assertEquals("diverged", ((Map<?, ?>) ((Map<?, ?>) copies.get(0)).get("record")).get("verdict"));
            assertEquals("identical", ((Map<?, ?>) ((Map<?, ?>) copies.get(1)).get("record")).get("verdict"));
            assertEquals(
                    "keel reproduce " + original, ((Map<?, ?>) ((List<?>) box.get("commands")).get(0)).get("command"));
        }

        Cli.Result env = keel("env", "diff", original, copy, "--format", "json", "--home", home.toString());
        assertEquals(0, env.code(), env.err());
        assertTrue(env.out().contains("\"key\" : \"OMP_NUM_THREADS\""), env.out());
        Cli.Result table = keel("env", "diff", original, copy, "--home", home.toString());
        assertTrue(
                table.out().lines().anyMatch(l -> l.startsWith("threads") && l.contains("OMP_NUM_THREADS")),
                table.out());
    }

    @Test
    void stepsStopsTheProgramEarlyAndComparesOnlyThoseSteps() throws Exception {
        String original = useShared().clean();
        Cli.Result r = keel("reproduce", original, "--steps", "4", "--format", "json", "--home", home.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Object> json = Json.readMap(r.out());
        assertEquals("identical", json.get("verdict"), r.out());
        assertEquals(10, ((Number) json.get("points")).intValue());
        String copy = (String) json.get("reproduction");
        try (Store store = store()) {
            MetricSeries loss = store.history(copy, "loss");
            assertArrayEquals(new long[] {0, 1, 2, 3, 4}, loss.steps());
            assertEquals(RunState.STOPPED, store.run(copy).orElseThrow().state());
        }
    }

    @Test
    void theDatasetVersionTheRunUsedIsPinnedEvenAfterLatestMoved() throws Exception {
        Path v1 = Files.createDirectories(tmp.resolve("v1"));
        Files.writeString(v1.resolve("factor.txt"), "3\n");
        assertEquals(
                0,
                keel("data", "add", "factors", v1.toString(), "--home", home.toString())
                        .code());
        Files.writeString(repo.resolve("dataset.txt"), "factors:latest\n");
        git(repo, "add", "dataset.txt");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "data");
        String original = train(repo, Map.of());
        Path v2 = Files.createDirectories(tmp.resolve("v2"));
        Files.writeString(v2.resolve("factor.txt"), "5\n");
        assertEquals(
                0,
                keel("data", "add", "factors", v2.toString(), "--home", home.toString())
                        .code());

        Cli.Result dry = keel("reproduce", original, "--dry-run", "--home", home.toString());
        assertTrue(dry.out().contains("KEEL_REPRODUCE_DATASETS=factors:v1"), dry.out());
        Cli.Result r = keel("reproduce", original, "--home", home.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("identical"), r.out());
        try (Store store = store()) {
            assertEquals(3.0, store.history(original, "loss").values()[0]);
        }

        // 'keel data rm' of the version also forgets that the run used it: the reproduction then gets
        // the latest version, and the report names the dataset as the difference
        assertEquals(
                0,
                keel("data", "rm", "factors:v1", "--yes", "--home", home.toString())
                        .code());
        Cli.Result gone = keel("reproduce", original, "--home", home.toString());
        assertEquals(3, gone.code(), gone.out() + gone.err());
        assertTrue(gone.out().contains("  datasets factors: — → v2 (sha256:"), gone.out());
    }

    @Test
    void anotherDependencyVersionIsAWarningOrWithStrictARefusal() throws Exception {
        Path jar = tmp.resolve("ext").resolve("mathlib.jar");
        library(jar, "1.0");
        String original = train(repo, Map.of(), File.pathSeparator + jar);
        library(jar, "1.1"); // the same path now holds another version, as after a dependency update

        long runsBefore = runCount();
        Cli.Result strict = keel("reproduce", original, "--strict", "--home", home.toString());
        assertEquals(2, strict.code(), strict.out() + strict.err());
        assertTrue(
                strict.err()
                        .contains("not reproducing run " + original + " (--strict): the rebuilt class path's "
                                + "dependencies differ from the ones it recorded: org.example:mathlib 1.0 → 1.1"),
                strict.err());
        assertEquals(runsBefore, runCount(), "nothing was run");

        Cli.Result warned = keel("reproduce", original, "--home", home.toString());
        assertEquals(3, warned.code(), "the program's results depend on the library: " + warned.out() + warned.err());
        String copy = reproduction(warned.out());
        assertTrue(
                warned.out()
                        .contains("diverged at step 5: accuracy = " + (1 - (1.0 / 6 + 1e-3 + 1.0 * 1e-4) / 10) + " in "
                                + original + ", " + (1 - (1.0 / 6 + 1e-3 + 1.1 * 1e-4) / 10) + " in " + copy),
                warned.out());
        assertTrue(
                warned.err()
                        .contains("keel: warning: dependency differs from the original run: org.example:mathlib"
                                + " 1.0 → 1.1"),
                warned.err());
        assertTrue(warned.out().contains("  dependencies org.example:mathlib: 1.0 → 1.1"), warned.out());
    }

    /** A jar that names itself org.example:mathlib:VERSION, as Maven-built jars do. */
    private static void library(Path jar, String version) throws Exception {
        Files.createDirectories(jar.getParent());
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry("META-INF/maven/org.example/mathlib/pom.properties"));
            j.write(("groupId=org.example\nartifactId=mathlib\nversion=" + version + "\n").getBytes());
            j.closeEntry();
        }
    }

    @Test
    void theOriginalsBuildOutputIsReusedOnlyWhileItsSourcesAreTheRunsAndItIsNewer() throws Exception {
        Files.createDirectories(repo.resolve("lib"));
        Files.writeString(repo.resolve("lib/src.txt"), "source\n");
        Files.writeString(repo.resolve(".gitignore"), "out/\n");
        git(repo, "add", "lib/src.txt", ".gitignore");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "lib");
        Path out = Files.createDirectories(repo.resolve("lib/out"));
        Path built = Files.writeString(out.resolve("Lib.class"), "built");
        FileTime edited = Files.getLastModifiedTime(repo.resolve("lib/src.txt"));
        Files.setLastModifiedTime(built, FileTime.fromMillis(edited.toMillis() + 60_000));
        String original = train(repo, Map.of(), File.pathSeparator + out);
        Path output = repo.toRealPath().resolve("lib/out");

        Cli.Result fresh = keel("reproduce", original, "--home", home.toString());
        assertEquals(0, fresh.code(), fresh.out() + fresh.err());
        assertTrue(
                fresh.err()
                        .contains("keel: reusing the original repository's build output (its sources are the run's"
                                + " commit and diff, and it is newer than them): " + output),
                fresh.err());
        assertTrue(fresh.out().contains("identical"), fresh.out());

        Files.setLastModifiedTime(built, FileTime.fromMillis(edited.toMillis() - 60_000));
        Cli.Result stale = keel("reproduce", original, "--home", home.toString());
        assertTrue(
                stale.err()
                        .contains("keel: building in the work folder: " + output + " is older than its sources in the"
                                + " original repository (not rebuilt); give the build command with --build"),
                stale.err());

        Files.setLastModifiedTime(built, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        Files.writeString(repo.resolve("lib/src.txt"), "source moved on\n");
        Cli.Result moved = keel("reproduce", original, "--home", home.toString());
        assertTrue(
                moved.err()
                        .contains("keel: building in the work folder: the original repository's sources differ from"
                                + " the run's commit and diff (lib/src.txt)"),
                moved.err());
    }

    @Test
    void aCommitMissingFromTheRepositoryIsRefusedNamingGitFetch() throws Exception {
        String original = useShared().clean();
        Path other = Files.createDirectories(tmp.resolve("other"));
        git(other, "init", "--quiet");
        String commit = git(repo, "rev-parse", "HEAD").strip();
        long runsBefore = runCount();

        Cli.Result r = keel("reproduce", original, "--repo", other.toString(), "--home", home.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(
                "keel: cannot reproduce run " + original + ": commit " + commit + ", which it started from, is not in"
                        + " the repository at " + other + ". Fetch it with 'git -C " + other + " fetch REMOTE " + commit
                        + "' (or fetch the branch that holds it), then try again",
                r.err().strip());
        assertEquals(runsBefore, runCount(), "nothing was run");
    }

    @Test
    void aRunRecordedWithoutGitIsRefused() throws Exception {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        Files.writeString(plain.resolve("scale.txt"), "1.0\n");
        String original = train(plain, Map.of("GIT_CEILING_DIRECTORIES", tmp.toString()));

        Cli.Result r = keel("reproduce", original, "--home", home.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("cannot reproduce run " + original + ": it was recorded without git"), r.err());
    }

    @Test
    void dryRunPrintsThePlanAndChangesNothing() throws Exception {
        String original = useShared().dirty();
        Snapshot before = snapshot(original);
        Path work = tmp.resolve("work");
        long runsBefore = runCount();

        Cli.Result r =
                keel("reproduce", original, "--dry-run", "--workdir", work.toString(), "--home", home.toString());
        assertEquals(0, r.code(), r.err());
        String commit = git(repo, "rev-parse", "HEAD").strip();
        assertTrue(r.out().contains("commit:         " + commit), r.out());
        assertTrue(r.out().contains("work folder:    " + work), r.out());
        assertTrue(r.out().contains("diff applied:   "), r.out());
        assertTrue(r.out().contains(ReproducibleProgram.class.getName()), r.out());
        assertTrue(r.out().contains("KEEL_RUN_ID="), r.out());
        assertFalse(Files.exists(work), "nothing cloned");
        assertEquals(runsBefore, runCount(), "nothing run");
        assertEquals(before, snapshot(original));
        assertEquals(
                "",
                git(repo, "worktree", "list", "--porcelain")
                        .lines()
                        .filter(l -> l.startsWith("worktree ") && !l.endsWith(repo.toString()))
                        .reduce("", String::concat));
    }

    // --- helpers

    /** Everything about a run that reproducing it must leave alone. */
    record Snapshot(RunInfo run, Map<String, Object> provenance, List<Double> loss, List<String> files) {}

    private Snapshot snapshot(String id) {
        try (Store store = store()) {
            List<Double> loss = new ArrayList<>();
            for (double v : store.history(id, "loss").values()) {
                loss.add(v);
            }
            return new Snapshot(
                    store.run(id).orElseThrow(),
                    store.provenance(id),
                    loss,
                    store.files(id).stream().map(f -> f.name() + " " + f.hash()).toList());
        }
    }

    private Store store() {
        return Stores.open(new KeelHome(home).storeLocation());
    }

    private long runCount() {
        try (Store store = store()) {
            return store.countRuns(RunQuery.all());
        }
    }

    /** Starts the program in {@code dir} as its own JVM; the id of the run it made. */
    private String train(Path dir, Map<String, String> env) throws Exception {
        return train(dir, env, "");
    }

    /** With {@code extraClassPath} appended to the class path (a separator first, or empty). */
    private String train(Path dir, Map<String, String> env, String extraClassPath) throws Exception {
        long before = Files.exists(home) ? runCount() : 0;
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(ReproducibleProgram.class, extraClassPath))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("KEEL_HOME", home.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        try (Store store = store()) {
            List<RunInfo> runs = store.searchRuns(RunQuery.all());
            assertEquals(before + 1, runs.size());
            return runs.stream()
                    .max((a, b) -> Long.compare(a.createdAt(), b.createdAt()))
                    .orElseThrow()
                    .id();
        }
    }

    private static String reproduction(String out) {
        Matcher m = Pattern.compile("reproduction (\\w+) of").matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }

    private static Cli.Result keel(String... args) {
        return Cli.execute("", args);
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
