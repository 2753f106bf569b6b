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
 * and "-Infinity". {@code endedAt} is 0 while the run is running. {@code problems} are what the
 * run could not record (e.g. points lost to a full disk), one line each, kept with its end state.
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
        Map<String, Object> summary,
        List<String> problems) {

    /** A run without recorded problems. */
    public RunInfo(
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
        this(
                id,
                project,
                name,
                group,
                user,
                tags,
                notes,
                state,
                createdAt,
                heartbeatAt,
                endedAt,
                runtimeMs,
                sweep,
                host,
                pid,
                config,
                summary,
                List.of());
    }

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
        problems = problems == null ? List.of() : List.copyOf(problems);
    }

    /** A copy with another state, as readers show a run whose process vanished. */
    public RunInfo withState(RunState newState) {
        return new RunInfo(
                id,
                project,
                name,
                group,
                user,
                tags,
                notes,
                newState,
                createdAt,
                heartbeatAt,
                endedAt,
                runtimeMs,
                sweep,
                host,
                pid,
                config,
                summary,
                problems);
    }

    /** A copy ended as {@code newState} at {@code newEndedAt} with {@code newProblems}, as recorded outside the store. */
    public RunInfo withEnd(RunState newState, long newEndedAt, long newRuntimeMs, List<String> newProblems) {
        return new RunInfo(
                id,
                project,
                name,
                group,
                user,
                tags,
                notes,
                newState,
                createdAt,
                heartbeatAt,
                newEndedAt,
                newRuntimeMs,
                sweep,
                host,
                pid,
                config,
                summary,
                newProblems);
    }

    /** This run under another name (a name the store gave after the run began). */
    public RunInfo withName(String newName) {
        return new RunInfo(
                id,
                project,
                newName,
                group,
                user,
                tags,
                notes,
                state,
                createdAt,
                heartbeatAt,
                endedAt,
                runtimeMs,
                sweep,
                host,
                pid,
                config,
                summary,
                problems);
    }

    /** This run with another config (a view that leaves some of it out). */
    public RunInfo withConfig(Map<String, Object> newConfig) {
        return new RunInfo(
                id,
                project,
                name,
                group,
                user,
                tags,
                notes,
                state,
                createdAt,
                heartbeatAt,
                endedAt,
                runtimeMs,
                sweep,
                host,
                pid,
                newConfig,
                summary,
                problems);
    }
}
