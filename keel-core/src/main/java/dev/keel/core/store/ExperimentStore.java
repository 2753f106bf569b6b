package dev.keel.core.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The mapping between MLflow experiments and Keel projects, kept by a run store that can host
 * MLflow's API ({@link Store#experiments()}). One experiment per project that MLflow's API has
 * seen; ids are never reused, and several servers over one database hand out the same ids.
 *
 * <pre>{@code
 * ExperimentStore experiments = store.experiments().orElseThrow();
 * Experiment e = experiments.create("apparel", "apparel", "", Map.of(), System.currentTimeMillis(), false);
 * }</pre>
 */
public interface ExperimentStore {
    /**
     * Adds an experiment for {@code project} named {@code name}, with id 0 when {@code id0} and
     * there is no experiment 0 yet, else one above the highest. Fails with
     * {@code RESOURCE_ALREADY_EXISTS} when the name or project is taken.
     */
    Experiment create(
            String name, String project, String artifactLocation, Map<String, String> tags, long now, boolean id0);

    Optional<Experiment> byId(long id);

    Optional<Experiment> byName(String name);

    Optional<Experiment> byProject(String project);

    /** Every experiment, by id. */
    List<Experiment> all();

    /**
     * Renames the experiment and its project (with the project's runs, sweeps, models and
     * ownership), freeing the old name; fails with {@code RESOURCE_ALREADY_EXISTS} when another
     * experiment or project has the new name.
     */
    void rename(long id, String newName, long now);

    void setLifecycleStage(long id, String stage, long now);

    /** Sets one tag, or removes it when {@code value} is null; concurrent tag writes are not lost. */
    void setTag(long id, String key, String value, long now);
}
