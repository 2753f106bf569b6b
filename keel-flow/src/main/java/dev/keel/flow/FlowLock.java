package dev.keel.flow;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.keel.core.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code keel.lock}: for each stage that last ran through, its command, the content hash of
 * every input and output, the values of its params and the run that executed it. JSON with
 * sorted keys and one value a line, so that it diffs well and can be committed beside keel.yaml.
 * Written whole to a temporary file and renamed, so a crash leaves the old lock or the new one.
 */
public final class FlowLock {
    /** The lock file's name, beside keel.yaml. */
    public static final String FILE = "keel.lock";

    static final int FORMAT = 1;

    /** One stage's entry. Hash maps are path (or input key) → {@code sha256:…}. */
    public record Entry(
            String command,
            Map<String, String> inputs,
            Map<String, Object> params,
            Map<String, String> outputs,
            String run) {
        public Entry {
            inputs = Collections.unmodifiableMap(new TreeMap<>(inputs));
            params = Collections.unmodifiableMap(new TreeMap<>(params));
            outputs = Collections.unmodifiableMap(new TreeMap<>(outputs));
        }
    }

    private final Map<String, Entry> stages;

    private FlowLock(Map<String, Entry> stages) {
        this.stages = new TreeMap<>(stages);
    }

    public static FlowLock empty() {
        return new FlowLock(Map.of());
    }

    /** The lock in {@code projectDir}; empty when there is none yet. */
    public static FlowLock read(Path projectDir) {
        Path file = projectDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return empty();
        }
        try {
            Map<String, Object> doc = Json.MAPPER.readValue(Files.readString(file), new TypeReference<>() {});
            Object format = doc.get("keel_lock");
            if (!(format instanceof Number n) || n.intValue() != FORMAT) {
                throw new FlowException(file + " is not a keel.lock of format " + FORMAT + " (keel_lock: " + format
                        + "): delete it and run keel repro to write it anew (every stage then runs)");
            }
            Map<String, Entry> out = new LinkedHashMap<>();
            if (doc.get("stages") instanceof Map<?, ?> ss) {
                for (Map.Entry<?, ?> e : ss.entrySet()) {
                    Map<?, ?> m = (Map<?, ?>) e.getValue();
                    out.put(
                            e.getKey().toString(),
                            new Entry(
                                    (String) m.get("command"),
                                    strings(m.get("inputs")),
                                    objects(m.get("params")),
                                    strings(m.get("outputs")),
                                    (String) m.get("run")));
                }
            }
            return new FlowLock(out);
        } catch (IOException | ClassCastException e) {
            throw new FlowException(file + " cannot be read (" + e.getMessage() + "): restore it from version control,"
                    + " or delete it and run keel repro to write it anew (every stage then runs)");
        }
    }

    /** The entry of a stage, or null when it never ran through. */
    public Entry entry(String stage) {
        return stages.get(stage);
    }

    /** Every entry, by stage name. */
    public Map<String, Entry> entries() {
        return Collections.unmodifiableMap(stages);
    }

    /** A copy with one stage's entry replaced; the others stay as they are. */
    public FlowLock with(String stage, Entry entry) {
        Map<String, Entry> next = new TreeMap<>(stages);
        next.put(stage, entry);
        return new FlowLock(next);
    }

    /** The last run of every stage that has one. */
    public Map<String, String> lastRuns() {
        Map<String, String> out = new TreeMap<>();
        stages.forEach((k, v) -> {
            if (v.run() != null) {
                out.put(k, v.run());
            }
        });
        return out;
    }

    /** The file's text. */
    public String text() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("keel_lock", FORMAT);
        Map<String, Object> ss = new TreeMap<>();
        stages.forEach((name, e) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", e.command());
            m.put("inputs", e.inputs());
            m.put("params", e.params());
            m.put("outputs", e.outputs());
            m.put("run", e.run());
            ss.put(name, m);
        });
        doc.put("stages", ss);
        return Json.writePretty(doc) + "\n";
    }

    /** Writes the lock into {@code projectDir} atomically. */
    public void write(Path projectDir) {
        Path file = projectDir.resolve(FILE);
        Path tmp = projectDir.resolve(FILE + ".tmp");
        try {
            Files.writeString(tmp, text(), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static Map<String, String> strings(Object o) {
        Map<String, String> out = new TreeMap<>();
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(k.toString(), v == null ? null : v.toString()));
        }
        return out;
    }

    private static Map<String, Object> objects(Object o) {
        Map<String, Object> out = new TreeMap<>();
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(k.toString(), v));
        }
        return out;
    }
}
