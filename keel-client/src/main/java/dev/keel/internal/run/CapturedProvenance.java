package dev.keel.internal.run;

import dev.keel.core.RunFile;

import java.util.List;
import java.util.Map;

/**
 * What the background capture found: the provenance sections, and the run files made from it
 * (the uncommitted git diff). The writer records both in one cycle, so a short run that ends
 * right after {@code init} still keeps its diff.
 */
record CapturedProvenance(Map<String, Object> sections, List<RunFile> files) {

    static CapturedProvenance none() {
        return new CapturedProvenance(Map.of(), List.of());
    }
}
