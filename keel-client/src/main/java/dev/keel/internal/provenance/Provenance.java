package dev.keel.internal.provenance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a run ran: code (git), command, JVM, OS, machine, GPUs, dependencies, environment and
 * seeds, captured once at the start of a run.
 *
 * <pre>
 * Provenance p = Provenance.capture(Path.of("").toAbsolutePath(), List.of(42L));
 * store.saveProvenance(p.toMap());                          // JSON-like, immutable
 * p.gitDiff().ifPresent(diff -&gt; run.saveText("diff.patch", diff));
 * </pre>
 *
 * <p>Policies: it reads local files and runs {@code nvidia-smi} (killed after
 * {@link dev.keel.internal.system.NvidiaSmi#TIMEOUT}); it never touches the network (JGit does
 * not fetch, hostnames are not resolved). It takes from tens to a few hundred milliseconds (more
 * for {@code git status} of a large working tree), so call it off the training thread. It never
 * throws: a part that cannot be read is recorded as {@code {"error": "…"}} or left out. Secrets
 * stay out: URL credentials are stripped, secret-looking variables and option values are hidden.
 */
public final class Provenance {
    private final Map<String, Object> map;
    private final String gitDiff;

    private Provenance(Map<String, Object> map, String gitDiff) {
        this.map = map;
        this.gitDiff = gitDiff;
    }

    /** Captures provenance for a run started in {@code workingDir} with the given seeds. */
    public static Provenance capture(Path workingDir, List<Long> seeds) {
        return capture(
                workingDir, seeds, System.getenv(), System.getProperty("java.class.path"), GitState.MAX_DIFF_BYTES);
    }

    static Provenance capture(
            Path workingDir, List<Long> seeds, Map<String, String> env, String classPath, int maxDiffBytes) {
        Map<String, Object> m = new LinkedHashMap<>();
        String diff = null;
        try {
            GitState git = GitState.read(workingDir, maxDiffBytes);
            if (git != null) {
                m.put("git", git.toMap());
                diff = git.diff().isEmpty() ? null : git.diff();
            }
        } catch (Exception | LinkageError e) {
            m.put("git", Map.of("error", String.valueOf(e)));
        }
        m.put("command", part(() -> Host.command(workingDir)));
        m.put("jvm", part(Host::jvm));
        m.put("os", part(Host::os));
        m.put("machine", part(() -> Host.machine(env)));
        m.put("gpus", part(() -> Host.gpus(env.get("PATH"))));
        m.put("dependencies", part(() -> Dependencies.of(classPath)));
        m.put("environment", part(() -> Environment.allowed(env)));
        m.put("seeds", seeds == null ? List.of() : List.copyOf(seeds));
        return new Provenance(frozen(m), diff);
    }

    /**
     * Only the command section: cheap and enough for {@code keel run resume}, so it is recorded even
     * when the full capture is slow (a loaded machine, a large git working tree).
     */
    public static Object command(Path workingDir) {
        return part(() -> Host.command(workingDir));
    }

    /** The {@code dependencies} section a program with this class path records. */
    public static List<String> dependencies(String classPath) {
        return Dependencies.of(classPath);
    }

    /** The provenance as nested maps, lists, strings, numbers, booleans and nulls; immutable. */
    public Map<String, Object> toMap() {
        return map;
    }

    /** The uncommitted diff of tracked files (cut beyond 1 MiB, with a note), to store as a run file. */
    public Optional<String> gitDiff() {
        return Optional.ofNullable(gitDiff);
    }

    @Override
    public String toString() {
        return "Provenance" + map;
    }

    private static Object part(Supplier<Object> reader) {
        try {
            return reader.get();
        } catch (RuntimeException | LinkageError e) {
            return Map.of("error", String.valueOf(e));
        }
    }

    /** Deep unmodifiable copy that keeps nulls and order (Map.copyOf would reject nulls). */
    @SuppressWarnings("unchecked")
    static <T> T frozen(T value) {
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(k, frozen(v)));
            return (T) Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>(l.size());
            l.forEach(v -> copy.add(frozen(v)));
            return (T) Collections.unmodifiableList(copy);
        }
        return value;
    }
}
