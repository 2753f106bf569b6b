package dev.keel.core.liveness;

import dev.keel.core.Json;
import dev.keel.core.KeelHome;
import dev.keel.core.RunState;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run's end, for when neither its event log nor the store took it (a full disk holding both):
 * {@code runs/<id>/end.json}, written as blanks when the run starts so that its space is taken
 * then, and overwritten in place at the end, which needs no new space on ordinary file systems
 * (not on copy-on-write ones such as btrfs or ZFS). Readers show a run stored as running whose
 * process is gone with this end instead of {@code crashed}, and recovery stores it.
 */
public final class RunEnd {
    public static final String FILE = "end.json";
    public static final int RESERVED = 16 * 1024;
    private static final int MAX_LINE = 1000;

    /** An end as recorded. */
    public record Ended(RunState state, long endedAt, long runtimeMs, List<String> problems) {}

    private RunEnd() {}

    public static Path path(KeelHome home, String id) {
        return home.runDir(id).resolve(FILE);
    }

    /** Takes the space (blanks, synced) and clears an end left by an earlier session; false when it cannot. */
    public static boolean reserve(KeelHome home, String id) {
        byte[] blanks = new byte[RESERVED];
        Arrays.fill(blanks, (byte) ' ');
        try (FileChannel ch = FileChannel.open(
                path(home, id),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeAll(ch, blanks);
            ch.force(true);
            return true;
        } catch (IOException | RuntimeException e) {
            try {
                // an end of an earlier session must not stand for this one
                Files.deleteIfExists(path(home, id));
            } catch (IOException | RuntimeException ignored) {
                // truncation above already emptied it, unless the file refused any change
            }
            return false;
        }
    }

    /** Overwrites the reserved blanks with the end; false when there is no reserved file or it cannot be written. */
    public static boolean record(KeelHome home, String id, Ended end) {
        Path file = path(home, id);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        byte[] json = encode(end);
        byte[] padded = new byte[RESERVED];
        Arrays.fill(padded, (byte) ' ');
        System.arraycopy(json, 0, padded, 0, json.length);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            writeAll(ch, padded);
            ch.force(true);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The recorded end, if the run's last session recorded one here. */
    @SuppressWarnings("unchecked")
    public static Optional<Ended> read(KeelHome home, String id) {
        try {
            String text =
                    Files.readString(path(home, id), StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                return Optional.empty();
            }
            Map<String, Object> m = Json.MAPPER.readValue(text, Map.class);
            List<String> problems = new ArrayList<>();
            if (m.get("problems") instanceof List<?> list) {
                list.forEach(p -> problems.add(String.valueOf(p)));
            }
            RunState state = RunState.parse(String.valueOf(m.get("state")));
            if (!state.isTerminal()) {
                return Optional.empty();
            }
            return Optional.of(new Ended(
                    state,
                    ((Number) m.get("endedAt")).longValue(),
                    ((Number) m.get("runtimeMs")).longValue(),
                    problems));
        } catch (IOException | RuntimeException e) {
            // absent, blank or damaged: no end recorded here
            return Optional.empty();
        }
    }

    /** The end as JSON that fits the reserved space: long lines are cut, then the last lines dropped. */
    static byte[] encode(Ended end) {
        List<String> problems = new ArrayList<>();
        for (String p : end.problems()) {
            problems.add(p.length() > MAX_LINE ? p.substring(0, MAX_LINE) + "…" : p);
        }
        while (true) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("state", end.state().label());
            m.put("endedAt", end.endedAt());
            m.put("runtimeMs", end.runtimeMs());
            m.put("problems", problems);
            byte[] json = Json.write(m).getBytes(StandardCharsets.UTF_8);
            if (json.length <= RESERVED || problems.isEmpty()) {
                return json;
            }
            // the count of lost points is the last line and the one that matters most
            problems.remove(0);
        }
    }

    private static void writeAll(FileChannel ch, byte[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(data);
        long pos = 0;
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
    }
}
