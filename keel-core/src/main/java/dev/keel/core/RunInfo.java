package dev.keel.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a store knows about one run: identity, the W&B-style table columns, config and summary.
 *
 * <p>Times are epoch milliseconds. {@code config} and {@code summary} are JSON-like trees
 * (maps, lists, strings, numbers, booleans, null); non-finite doubles are kept as
 * {@link Double} values in memory and encoded by {@link Json} as the strings "NaN", "Infinity"
 * and "-Infinity". {@code endedAt} is 0 while the run is running.
 */
public record RunInfo(
        String id,
        String project,
        String name,
        String group,
        String user,
        List<String> tags,
        String notes,
        RunState state,
        long createdAt,
        long heartbeatAt,
        long endedAt,
        long runtimeMs,
        String sweep,
        String host,
        long pid,
        Map<String, Object> config,
        Map<String, Object> summary) {

    public RunInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        tags = tags == null ? List.of() : List.copyOf(tags);
        config = config == null ? Map.of() : config;
        summary = summary == null ? Map.of() : summary;
        notes = notes == null ? "" : notes;
        group = group == null ? "" : group;
        sweep = sweep == null ? "" : sweep;
        user = user == null ? "" : user;
        host = host == null ? "" : host;
    }

    /** A copy with another state, as readers show a run whose process vanished. */
    public RunInfo withState(RunState newState) {
        return new RunInfo(id, project, name, group, user, tags, notes, newState, createdAt, heartbeatAt,
                endedAt, runtimeMs, sweep, host, pid, config, summary);
    }
}
