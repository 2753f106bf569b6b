package dev.keel.core.store;

import java.util.Map;

/**
 * An MLflow experiment over a Keel project: what MLflow's tracking API knows and a project
 * lacks (a numeric id, a display name that a rename changes while the project keeps its own,
 * an artifact location, a lifecycle stage, tags). {@code artifactLocation} is empty unless its
 * creator chose one; {@code tags} are sorted by key.
 */
public record Experiment(
        long id,
        String name,
        String project,
        String artifactLocation,
        String lifecycleStage,
        long creationTime,
        long lastUpdateTime,
        Map<String, String> tags) {
    public boolean active() {
        return "active".equals(lifecycleStage);
    }
}
