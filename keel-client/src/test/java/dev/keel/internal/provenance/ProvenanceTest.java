package dev.keel.internal.provenance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.PackageVersion;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProvenanceTest {
    @TempDir
    Path tmp;

    private Path repoDir;
    private RevCommit commit;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void gitRepoWithOneCommit() throws Exception {
        repoDir = Files.createDirectories(tmp.resolve("project"));
        try (Git git = Git.init()
                .setDirectory(repoDir.toFile())
                .setInitialBranch("main")
                .call()) {
            Files.writeString(repoDir.resolve("Train.java"), "class Train {\n    int epochs = 10;\n}\n");
            Files.createDirectories(repoDir.resolve("src"));
            Files.writeString(repoDir.resolve("src/config.yaml"), "lr: 0.1\n");
            git.add().addFilepattern(".").call();
            PersonIdent me = new PersonIdent("Test", "test@example.com");
            commit = git.commit()
                    .setMessage("first")
                    .setAuthor(me)
                    .setCommitter(me)
                    .setSign(false)
                    .call();
            StoredConfig config = git.getRepository().getConfig();
            config.setString("remote", "origin", "url", "https://alice:s3cr3t-t0ken@github.com/org/repo.git");
            config.save();
        }
        env.put("PATH", "");
    }

    @Test
    void aCleanRepositoryGivesCommitBranchAndRemoteWithoutCredentials() {
        Provenance p = capture(repoDir.resolve("src"));
        Map<String, Object> git = section(p, "git");
        assertEquals(commit.name(), git.get("commit"));
        assertEquals("main", git.get("branch"));
        assertEquals("https://github.com/org/repo.git", git.get("remote"));
        assertEquals(repoDir.toAbsolutePath().toString(), git.get("root"), "found by walking up from src/");
        assertEquals(false, git.get("dirty"));
        assertTrue(p.gitDiff().isEmpty());
        assertFalse(p.toString().contains("s3cr3t"));
    }

    @Test
    void aModifiedTrackedFileMakesItDirtyAndTheDiffShowsTheChangeButNotUntrackedFiles() throws Exception {
        Files.writeString(repoDir.resolve("Train.java"), "class Train {\n    int epochs = 20;\n}\n");
        Files.writeString(repoDir.resolve("notes.txt"), "untracked scratch\n");
        Provenance p = capture(repoDir);
        Map<String, Object> git = section(p, "git");
        assertEquals(true, git.get("dirty"));
        assertEquals(1, git.get("changed_files"));
        assertEquals(1, git.get("untracked_files"));
        String diff = p.gitDiff().orElseThrow();
        assertTrue(diff.contains("-    int epochs = 10;"), diff);
        assertTrue(diff.contains("+    int epochs = 20;"), diff);
        assertFalse(diff.contains("untracked scratch"), diff);
        assertEquals(false, git.get("diff_truncated"));
        assertEquals((long) diff.getBytes(StandardCharsets.UTF_8).length, git.get("diff_bytes"));
    }

    @Test
    void stagedChangesAreInTheDiffToo() throws Exception {
        Files.writeString(repoDir.resolve("Added.java"), "class Added {}\n");
        try (Git git = Git.open(repoDir.toFile())) {
            git.add().addFilepattern("Added.java").call();
        }
        Provenance p = capture(repoDir);
        assertEquals(true, section(p, "git").get("dirty"));
        assertTrue(p.gitDiff().orElseThrow().contains("+class Added {}"));
    }

    @Test
    void aLargeDiffIsCutAndSaysWhatWasCut() throws Exception {
        Files.writeString(repoDir.resolve("Train.java"), "x\n".repeat(5_000));
        Provenance p = Provenance.capture(repoDir, List.of(), env, "", 1_000);
        Map<String, Object> git = section(p, "git");
        assertEquals(true, git.get("diff_truncated"));
        long total = (Long) git.get("diff_bytes");
        assertTrue(total > 10_000, "full size is reported: " + total);
        String diff = p.gitDiff().orElseThrow();
        assertTrue(diff.endsWith("[keel: diff cut: kept the first 1000 of " + total + " bytes]\n"), diff);
        assertTrue(diff.length() < 1_200);
    }

    @Test
    void outsideARepositoryThereIsNoGitSection() throws Exception {
        Provenance p = capture(Files.createDirectories(tmp.resolve("elsewhere")));
        assertFalse(p.toMap().containsKey("git"), p.toMap().toString());
        assertTrue(p.gitDiff().isEmpty());
    }

    @Test
    void dependenciesComeFromTheClassPathJars() {
        Provenance p = capture(repoDir);
        @SuppressWarnings("unchecked")
        List<String> deps = (List<String>) p.toMap().get("dependencies");
        String jackson = "com.fasterxml.jackson.core:jackson-databind:" + PackageVersion.VERSION.toString();
        assertTrue(deps.contains(jackson), jackson + " in " + deps);
        assertTrue(deps.stream().anyMatch(d -> d.startsWith("org.eclipse.jgit:org.eclipse.jgit:")), deps.toString());
        assertEquals(deps.stream().sorted().distinct().toList(), deps, "sorted and distinct");
    }

    @Test
    void secretsAreNeverCaptured() {
        env.put("KEEL_API_KEY", "kk-secret-1");
        env.put("KEEL_PROJECT", "apparel");
        env.put("KEEL_URL", "http://bob:pw-secret-2@127.0.0.1:7080");
        env.put("AWS_SECRET_ACCESS_KEY", "aws-secret-3");
        env.put("GITHUB_TOKEN", "gh-secret-4");
        env.put("CUDA_VISIBLE_DEVICES", "0,1");
        env.put("OMP_NUM_THREADS", "8");
        env.put("SOME_OTHER", "not on the list");
        Provenance p = capture(repoDir);
        assertEquals(
                Map.of(
                        "KEEL_PROJECT",
                        "apparel",
                        "KEEL_URL",
                        "http://127.0.0.1:7080",
                        "CUDA_VISIBLE_DEVICES",
                        "0,1",
                        "OMP_NUM_THREADS",
                        "8",
                        "PATH",
                        ""),
                withPath(section(p, "environment")));
        String all = p.toString();
        for (String secret : List.of("kk-secret-1", "pw-secret-2", "aws-secret-3", "gh-secret-4", "s3cr3t")) {
            assertFalse(all.contains(secret), secret);
        }
    }

    @Test
    void commandJvmOsMachineAndSeedsAreRecorded() throws Exception {
        Provenance p = Provenance.capture(repoDir, List.of(42L, 7L), env, "", 1 << 20);
        Map<String, Object> m = p.toMap();
        assertEquals(List.of(42L, 7L), m.get("seeds"));
        assertEquals(repoDir.toAbsolutePath().toString(), section(p, "command").get("working_dir"));
        assertEquals(System.getProperty("java.version"), section(p, "jvm").get("version"));
        assertEquals(System.getProperty("os.arch"), section(p, "os").get("arch"));
        Map<String, Object> machine = section(p, "machine");
        assertTrue(((Integer) machine.get("logical_cores")) >= 1);
        assertTrue(((Long) machine.get("memory_bytes")) > 0);
        assertNotNull(machine.get("cpu_model"));
        assertEquals(List.of(), m.get("gpus"), "no nvidia-smi on an empty PATH");
        assertThrows(UnsupportedOperationException.class, () -> m.put("x", 1));
        assertThrows(
                UnsupportedOperationException.class, () -> section(p, "jvm").put("x", 1));
        // JSON-like: serialises as is
        String json = new ObjectMapper().writeValueAsString(m);
        assertTrue(json.contains("\"seeds\":[42,7]"), json);
    }

    @Test
    void gpusComeFromNvidiaSmiList() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\n[ \"$1\" = -L ] && echo 'GPU 0: NVIDIA H200 (UUID: GPU-1234)'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        env.put("PATH", bin.toString());
        assertEquals(
                List.of("GPU 0: NVIDIA H200 (UUID: GPU-1234)"),
                capture(repoDir).toMap().get("gpus"));
    }

    private Provenance capture(Path dir) {
        return Provenance.capture(dir, List.of(), env, System.getProperty("java.class.path"), 1 << 20);
    }

    private static Map<String, Object> withPath(Map<String, Object> environment) {
        Map<String, Object> m = new HashMap<>(environment);
        m.putIfAbsent("PATH", "");
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Provenance p, String name) {
        return (Map<String, Object>) p.toMap().get(name);
    }
}
