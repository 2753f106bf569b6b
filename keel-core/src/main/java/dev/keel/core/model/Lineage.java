package dev.keel.core.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a model version came from, copied when it was registered so that removing or resuming
 * the run later changes nothing here.
 *
 * @param runId    the run whose files the version holds
 * @param datasets the dataset versions the run used, as refs ({@code fashion-mnist:v3})
 * @param commit   the git commit the run recorded; empty when none
 * @param config   the run's config
 * @param metrics  the run's numeric summary values at registration (what alias gates read)
 */
public record Lineage(
        String runId, List<String> datasets, String commit, Map<String, Object> config, Map<String, Double> metrics) {

    public Lineage {
        datasets = List.copyOf(datasets);
        // a config may hold nulls, which Map.copyOf refuses
        config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
        metrics = Map.copyOf(metrics);
    }
}
