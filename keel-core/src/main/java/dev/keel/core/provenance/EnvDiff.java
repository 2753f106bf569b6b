package dev.keel.core.provenance;

import dev.keel.core.Json;
import dev.keel.core.data.RunInput;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Every recorded difference between two runs' environments that could explain why their results
 * differ: code (commit, uncommitted diff), command and JVM options, JVM, operating system, machine
 * (CPU model and flags, cores, memory), thread settings, GPUs, other recorded environment
 * variables, dependency versions, dataset versions, config and seeds.
 *
 * <pre>
 * EnvDiff.Result d = EnvDiff.compare(first, second);
 * d.differences().forEach(x -&gt; System.out.println(x.section() + " " + x.key() + ": " + x.left() + " → " + x.right()));
 * </pre>
 *
 * <p>Policy: only what both runs could have recorded is compared; what neither records (a GPU
 * driver version) or only one recorded is named in {@link Result#notes()}, never guessed. The
 * variables that identify a run rather than its environment ({@code KEEL_RUN_ID},
 * {@code KEEL_RESUME}, {@code KEEL_SWEEP}, {@code KEEL_REPRODUCE_*}) are left out.
 */
public final class EnvDiff {
    /** Thread-count settings of the JVM's math libraries, shown apart from the other variables. */
    private static final Pattern THREAD_VARIABLE = Pattern.compile(".*_(NUM_THREADS|DYNAMIC|THREADS)$");

    private static final Set<String> RUN_IDENTITY = Set.of("KEEL_RUN_ID", "KEEL_RESUME", "KEEL_SWEEP");
    private static final String REPRODUCE_PREFIX = "KEEL_REPRODUCE_";

    /** The differences in a fixed section order, and what could not be compared. */
    public record Result(String left, String right, List<EnvDifference> differences, List<String> notes) {
        public boolean identical() {
            return differences.isEmpty();
        }

        /** The differences of one section, e.g. {@code dependencies}. */
        public List<EnvDifference> section(String name) {
            return differences.stream().filter(d -> d.section().equals(name)).toList();
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run1", left);
            m.put("run2", right);
            m.put("identical", identical());
            m.put("differences", differences.stream().map(EnvDifference::toMap).toList());
            m.put("notes", notes);
            return m;
        }
    }

    private EnvDiff() {}

    public static Result compare(RunEnvironment a, RunEnvironment b) {
        List<EnvDifference> out = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, Object> pa = a.provenance();
        Map<String, Object> pb = b.provenance();

        for (RunEnvironment r : List.of(a, b)) {
            if (r.provenance().get("error") != null) {
                notes.add("run " + r.runId() + "'s provenance is incomplete: "
                        + r.provenance().get("error"));
            }
        }
        if (!(pa.get("git") instanceof Map<?, ?>) || !(pb.get("git") instanceof Map<?, ?>)) {
            notes.add(missing(a, b, "git", "no git state: its code cannot be compared"));
        }
        compare(out, "code", code(a), code(b));
        compare(out, "command", command(pa), command(pb));
        compare(
                out,
                "jvm",
                pick(pa, "jvm", "vendor", "version", "runtime", "vm"),
                pick(pb, "jvm", "vendor", "version", "runtime", "vm"));
        compare(out, "os", pick(pa, "os", "name", "version", "arch"), pick(pb, "os", "name", "version", "arch"));
        compare(out, "machine", machine(pa), machine(pb));
        compareFlags(out, notes, a, b);
        compare(out, "threads", threads(pa), threads(pb));
        compare(out, "gpu", gpus(pa), gpus(pb));
        notes.add("GPU driver and CUDA library versions are not recorded (only nvidia-smi -L's GPU list)");
        compare(out, "environment", otherVariables(pa), otherVariables(pb));
        if (!(pa.get("dependencies") instanceof List<?>) || !(pb.get("dependencies") instanceof List<?>)) {
            notes.add(missing(a, b, "dependencies", "no dependency list"));
        }
        compare(out, "dependencies", dependencies(pa), dependencies(pb));
        compare(out, "datasets", datasets(a.inputs()), datasets(b.inputs()));
        compare(out, "config", flatten(a.config()), flatten(b.config()));
        compare(out, "seeds", seeds(pa), seeds(pb));
        return new Result(a.runId(), b.runId(), List.copyOf(out), List.copyOf(notes));
    }

    private static String missing(RunEnvironment a, RunEnvironment b, String section, String what) {
        boolean inA = a.provenance().get(section) instanceof Map<?, ?>
                || a.provenance().get(section) instanceof List<?>;
        boolean inB = b.provenance().get(section) instanceof Map<?, ?>
                || b.provenance().get(section) instanceof List<?>;
        if (!inA && !inB) {
            return "neither run recorded " + section + " (" + what + ")";
        }
        return "run " + (inA ? b.runId() : a.runId()) + " recorded " + what;
    }

    private static void compare(List<EnvDifference> out, String section, Map<String, String> a, Map<String, String> b) {
        // sorted sections (config, dependencies…) stay sorted; the others keep their recorded order
        Set<String> keys = a instanceof TreeMap<?, ?> ? new TreeSet<>(a.keySet()) : new LinkedHashSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            String x = a.get(k);
            String y = b.get(k);
            if (x == null ? y != null : !x.equals(y)) {
                out.add(new EnvDifference(section, k, x, y));
            }
        }
    }

    private static Map<String, String> code(RunEnvironment run) {
        Map<String, String> m = new LinkedHashMap<>();
        if (run.provenance().get("git") instanceof Map<?, ?> git) {
            put(m, "commit", git.get("commit"));
            put(m, "dirty", git.get("dirty"));
            m.put("diff", run.diffHash() == null ? "none" : run.diffHash());
            put(m, "diff_truncated", Boolean.TRUE.equals(git.get("diff_truncated")) ? true : null);
            put(m, "error", git.get("error"));
        }
        return m;
    }

    private static Map<String, String> command(Map<String, Object> p) {
        Map<String, String> m = new LinkedHashMap<>();
        if (p.get("command") instanceof Map<?, ?> c) {
            put(m, "main_class", c.get("main_class"));
            put(m, "arguments", c.get("arguments"));
        }
        if (p.get("jvm") instanceof Map<?, ?> jvm) {
            put(m, "jvm_options", jvm.get("input_arguments"));
        }
        return m;
    }

    private static Map<String, String> machine(Map<String, Object> p) {
        Map<String, String> m =
                pick(p, "machine", "hostname", "cpu_model", "physical_cores", "logical_cores", "memory_bytes");
        return m;
    }

    /** CPU flags as one difference per flag one run's CPU has and the other's lacks. */
    private static void compareFlags(List<EnvDifference> out, List<String> notes, RunEnvironment a, RunEnvironment b) {
        Set<String> fa = flags(a.provenance());
        Set<String> fb = flags(b.provenance());
        if (fa == null || fb == null) {
            if (fa != null || fb != null) {
                notes.add("run " + (fa == null ? a.runId() : b.runId()) + " recorded no CPU flags");
            } else {
                notes.add("neither run recorded CPU flags");
            }
            return;
        }
        TreeSet<String> all = new TreeSet<>(fa);
        all.addAll(fb);
        for (String f : all) {
            if (fa.contains(f) != fb.contains(f)) {
                out.add(new EnvDifference(
                        "machine", "cpu_flag " + f, fa.contains(f) ? "yes" : null, fb.contains(f) ? "yes" : null));
            }
        }
    }

    private static Set<String> flags(Map<String, Object> p) {
        if (p.get("machine") instanceof Map<?, ?> m && m.get("cpu_flags") instanceof List<?> l) {
            Set<String> s = new TreeSet<>();
            l.forEach(f -> s.add(String.valueOf(f)));
            return s;
        }
        return null;
    }

    private static Map<String, String> threads(Map<String, Object> p) {
        Map<String, String> m = new LinkedHashMap<>();
        if (p.get("jvm") instanceof Map<?, ?> jvm) {
            put(m, "available_processors", jvm.get("available_processors"));
        }
        for (Map.Entry<String, String> e : variables(p).entrySet()) {
            if (THREAD_VARIABLE.matcher(e.getKey()).matches()) {
                m.put(e.getKey(), e.getValue());
            }
        }
        return m;
    }

    private static Map<String, String> otherVariables(Map<String, Object> p) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : variables(p).entrySet()) {
            if (!THREAD_VARIABLE.matcher(e.getKey()).matches()) {
                m.put(e.getKey(), e.getValue());
            }
        }
        return m;
    }

    private static Map<String, String> variables(Map<String, Object> p) {
        Map<String, String> m = new TreeMap<>();
        if (p.get("environment") instanceof Map<?, ?> env) {
            env.forEach((k, v) -> {
                String name = String.valueOf(k);
                if (!RUN_IDENTITY.contains(name) && !name.startsWith(REPRODUCE_PREFIX)) {
                    m.put(name, text(v));
                }
            });
        }
        return m;
    }

    private static Map<String, String> gpus(Map<String, Object> p) {
        Map<String, String> m = new LinkedHashMap<>();
        if (p.get("gpus") instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                m.put("gpu " + i, String.valueOf(l.get(i)));
            }
        }
        return m;
    }

    /** {@code group:artifact} → version. */
    private static Map<String, String> dependencies(Map<String, Object> p) {
        Map<String, String> m = new TreeMap<>();
        if (p.get("dependencies") instanceof List<?> l) {
            for (Object o : l) {
                String coordinate = String.valueOf(o);
                int last = coordinate.lastIndexOf(':');
                if (last > 0) {
                    m.merge(coordinate.substring(0, last), coordinate.substring(last + 1), (x, y) -> x + ", " + y);
                } else {
                    m.put(coordinate, "?");
                }
            }
        }
        return m;
    }

    private static Map<String, String> datasets(List<RunInput> inputs) {
        Map<String, String> m = new TreeMap<>();
        for (RunInput in : inputs) {
            m.merge(in.dataset(), "v" + in.number() + " (" + in.hash() + ")", (x, y) -> x + ", " + y);
        }
        return m;
    }

    private static Map<String, String> seeds(Map<String, Object> p) {
        Map<String, String> m = new LinkedHashMap<>();
        if (p.get("seeds") instanceof List<?> l && !l.isEmpty()) {
            m.put("seeds", text(l));
        }
        return m;
    }

    /** Nested config maps as dotted keys ({@code optimizer.lr}). */
    static Map<String, String> flatten(Map<String, Object> config) {
        Map<String, String> m = new TreeMap<>();
        flatten("", config, m);
        return m;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
        map.forEach((k, v) -> {
            String key = prefix + k;
            if (v instanceof Map<?, ?> nested && !nested.isEmpty()) {
                flatten(key + ".", nested, out);
            } else {
                out.put(key, text(v));
            }
        });
    }

    private static Map<String, String> pick(Map<String, Object> p, String section, String... keys) {
        Map<String, String> m = new LinkedHashMap<>();
        if (p.get(section) instanceof Map<?, ?> s) {
            for (String k : keys) {
                put(m, k, s.get(k));
            }
            put(m, "error", s.get("error"));
        }
        return m;
    }

    private static void put(Map<String, String> m, String key, Object value) {
        if (value != null) {
            m.put(key, text(value));
        }
    }

    private static String text(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof List<?> l) {
            List<String> words = new ArrayList<>();
            l.forEach(x -> words.add(String.valueOf(x)));
            return String.join(" ", words);
        }
        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
            return String.valueOf(v);
        }
        return Json.write(v);
    }
}
