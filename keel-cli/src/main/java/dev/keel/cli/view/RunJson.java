package dev.keel.cli.view;

import dev.keel.core.JsonText;
import dev.keel.core.RunInfo;
import dev.keel.core.data.RunInput;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run in the JSON contract of {@code keel runs --format json}:
 * {@code {id, name, project, state, user, tags, notes, created_at, runtime_s, sweep, config, summary, inputs}}
 * ({@code inputs} from {@link #of(RunInfo, List, long)}),
 * with {@code created_at} as ISO-8601 UTC, {@code sweep} null when none, and non-finite numbers
 * as the strings "NaN", "Infinity" and "-Infinity".
 */
public final class RunJson {
    private RunJson() {}

    /** The contract plus {@code inputs}: the dataset versions the run used ({@link DataResults#inputsJson}). */
    public static Map<String, Object> of(RunInfo run, List<RunInput> inputs, long now) {
        Map<String, Object> out = of(run, now);
        out.put("inputs", DataResults.inputsJson(inputs));
        return out;
    }

    public static Map<String, Object> of(RunInfo run, long now) {
        Map<String, Object> out = new LinkedHashMap<>();
        long runtime = RunTimes.runtimeMs(run, now);
        out.put("id", run.id());
        out.put("name", run.name());
        out.put("project", run.project());
        out.put("state", run.state().label());
        out.put("user", run.user());
        out.put("tags", run.tags());
        out.put("notes", run.notes());
        out.put("created_at", Values.isoTime(run.createdAt()));
        out.put("runtime_s", runtime < 0 ? null : runtime / 1000.0);
        out.put("sweep", run.sweep().isEmpty() ? null : run.sweep());
        out.put("config", JsonText.encodeNonFinite(run.config()));
        out.put("summary", JsonText.encodeNonFinite(run.summary()));
        out.put("problems", run.problems());
        return out;
    }
}
