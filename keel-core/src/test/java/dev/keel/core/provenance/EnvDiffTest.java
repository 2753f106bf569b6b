package dev.keel.core.provenance;

import dev.keel.core.data.RunInput;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvDiffTest {
    private static Map<String, Object> provenance(String commit, String jvmVersion, int processors, List<String> deps) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("git", Map.of("commit", commit, "dirty", false, "remote", "git@host:x.git"));
        p.put("command", Map.of("main_class", "a.Main", "arguments", List.of("--epochs", "2")));
        p.put(
                "jvm",
                Map.of(
                        "vendor",
                        "Eclipse Adoptium",
                        "version",
                        jvmVersion,
                        "available_processors",
                        processors,
                        "input_arguments",
                        List.of("-Xmx1g")));
        p.put("os", Map.of("name", "Linux", "version", "6.1", "arch", "amd64"));
        p.put(
                "machine",
                Map.of(
                        "hostname",
                        "box",
                        "cpu_model",
                        "Xeon",
                        "logical_cores",
                        8,
                        "cpu_flags",
                        List.of("avx2", "sse4_2")));
        p.put("gpus", List.of());
        p.put("dependencies", deps);
        p.put("environment", Map.of("OMP_NUM_THREADS", "1", "LANG", "C.UTF-8", "KEEL_RUN_ID", "aaaaaaaa"));
        p.put("seeds", List.of(42));
        return p;
    }

    private static RunEnvironment run(String id, Map<String, Object> p, Map<String, Object> config, List<RunInput> in) {
        return new RunEnvironment(id, p, config, null, in);
    }

    @Test
    void twoRunsWithTheSameEnvironmentHaveNoDifferenceExceptTheirIdentity() {
        Map<String, Object> p = provenance("abc", "17.0.9", 4, List.of("ai.djl:api:0.30.0"));
        Map<String, Object> q = new LinkedHashMap<>(p);
        q.put(
                "environment",
                Map.of(
                        "OMP_NUM_THREADS",
                        "1",
                        "LANG",
                        "C.UTF-8",
                        "KEEL_RUN_ID",
                        "bbbbbbbb",
                        "KEEL_REPRODUCE_STEPS",
                        "3"));
        EnvDiff.Result d =
                EnvDiff.compare(run("a", p, Map.of("lr", 0.1), List.of()), run("b", q, Map.of("lr", 0.1), List.of()));
        assertTrue(d.identical(), () -> d.differences().toString());
    }

    @Test
    void everyKindOfDifferenceIsNamedInItsSection() {
        Map<String, Object> p =
                provenance("abc", "17.0.9", 4, List.of("ai.djl:api:0.30.0", "org.x:gone:1", "com.y:lib:2.0"));
        Map<String, Object> q =
                provenance("def", "21.0.1", 2, List.of("ai.djl:api:0.31.0", "com.y:lib:2.0", "org.z:new:3"));
        q.put(
                "machine",
                Map.of(
                        "hostname",
                        "box",
                        "cpu_model",
                        "EPYC",
                        "logical_cores",
                        8,
                        "cpu_flags",
                        List.of("avx2", "avx512f")));
        q.put("environment", Map.of("OMP_NUM_THREADS", "4", "LANG", "C.UTF-8"));
        q.put("seeds", List.of(7));
        RunInput oldData = new RunInput("a", "mnist", 1, "sha256:11", 0);
        RunInput newData = new RunInput("b", "mnist", 2, "sha256:22", 0);
        EnvDiff.Result d = EnvDiff.compare(
                run("a", p, Map.of("lr", 0.1, "opt", Map.of("beta", 0.9)), List.of(oldData)),
                run("b", q, Map.of("lr", 0.2, "opt", Map.of("beta", 0.9), "extra", true), List.of(newData)));

        assertEquals(List.of(new EnvDifference("code", "commit", "abc", "def")), d.section("code"));
        assertEquals(List.of(new EnvDifference("jvm", "version", "17.0.9", "21.0.1")), d.section("jvm"));
        assertEquals(
                List.of(
                        new EnvDifference("machine", "cpu_model", "Xeon", "EPYC"),
                        new EnvDifference("machine", "cpu_flag avx512f", null, "yes"),
                        new EnvDifference("machine", "cpu_flag sse4_2", "yes", null)),
                d.section("machine"));
        assertEquals(
                List.of(
                        new EnvDifference("threads", "available_processors", "4", "2"),
                        new EnvDifference("threads", "OMP_NUM_THREADS", "1", "4")),
                d.section("threads"));
        assertEquals(
                List.of(
                        new EnvDifference("dependencies", "ai.djl:api", "0.30.0", "0.31.0"),
                        new EnvDifference("dependencies", "org.x:gone", "1", null),
                        new EnvDifference("dependencies", "org.z:new", null, "3")),
                d.section("dependencies"));
        assertEquals(
                "changed removed added",
                String.join(
                        " ",
                        d.section("dependencies").stream()
                                .map(EnvDifference::kind)
                                .toList()));
        assertEquals(
                List.of(new EnvDifference("datasets", "mnist", "v1 (sha256:11)", "v2 (sha256:22)")),
                d.section("datasets"));
        assertEquals(
                List.of(
                        new EnvDifference("config", "extra", null, "true"),
                        new EnvDifference("config", "lr", "0.1", "0.2")),
                d.section("config"));
        assertEquals(List.of(new EnvDifference("seeds", "seeds", "42", "7")), d.section("seeds"));
        assertTrue(d.section("environment").isEmpty(), "LANG is equal; the thread variable is under threads");
    }

    @Test
    void anUncommittedDiffIsComparedByItsContentAddress() {
        Map<String, Object> p = provenance("abc", "17", 4, List.of());
        EnvDiff.Result same = EnvDiff.compare(
                new RunEnvironment("a", p, Map.of(), "sha256:aa", List.of()),
                new RunEnvironment("b", p, Map.of(), "sha256:aa", List.of()));
        assertTrue(same.identical());
        EnvDiff.Result other = EnvDiff.compare(
                new RunEnvironment("a", p, Map.of(), "sha256:aa", List.of()),
                new RunEnvironment("b", p, Map.of(), null, List.of()));
        assertEquals(List.of(new EnvDifference("code", "diff", "sha256:aa", "none")), other.differences());
    }

    @Test
    void whatNeitherRunRecordedIsANoteNotADifference() {
        EnvDiff.Result d =
                EnvDiff.compare(run("a", Map.of(), Map.of(), List.of()), run("b", Map.of(), Map.of(), List.of()));
        assertTrue(d.identical());
        assertTrue(
                d.notes().contains("neither run recorded git (no git state: its code cannot be compared)"),
                d.notes()::toString);
        assertTrue(d.notes().contains("neither run recorded CPU flags"), d.notes()::toString);
    }
}
