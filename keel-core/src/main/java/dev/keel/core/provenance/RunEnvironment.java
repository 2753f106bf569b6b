package dev.keel.core.provenance;

import dev.keel.core.data.RunInput;

import java.util.List;
import java.util.Map;

/**
 * What one run ran with, as the store keeps it: its provenance sections, its config, the content
 * address of its uncommitted diff (the run file {@code diff.patch}; null when it had none) and the
 * dataset versions it used. The input of {@link EnvDiff}.
 */
public record RunEnvironment(
        String runId,
        Map<String, Object> provenance,
        Map<String, Object> config,
        String diffHash,
        List<RunInput> inputs) {

    public RunEnvironment {
        provenance = provenance == null ? Map.of() : provenance;
        config = config == null ? Map.of() : config;
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
    }
}
