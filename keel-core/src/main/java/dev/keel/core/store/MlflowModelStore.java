package dev.keel.core.store;

import dev.keel.core.model.ModelFile;
import dev.keel.core.model.RegisteredModel;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MLflow's model objects that Keel's own registry ({@link dev.keel.core.model.ModelStore}) has no
 * place for, kept by a store that can host MLflow's API ({@link Store#mlflowModels()}):
 * MLflow 3's logged models with their files, and registered models that MLflow's clients
 * created before any version exists (Keel makes a model with its first version; once that
 * version is registered the placeholder goes and Keel's model takes its description and tags).
 *
 * <pre>{@code
 * MlflowModelStore m = store.mlflowModels().orElseThrow();
 * m.createLoggedModel(new LoggedModel("m-…", 1, "model", runId, "", "PENDING", "", "active", "ann", now, now,
 *         Map.of(), Map.of()));
 * }</pre>
 */
public interface MlflowModelStore {

    /** Stores a new logged model; RESOURCE_ALREADY_EXISTS when the id is taken. */
    LoggedModel createLoggedModel(LoggedModel model);

    Optional<LoggedModel> loggedModel(String id);

    /** The logged models of these experiments, newest first (deleted ones included). */
    List<LoggedModel> loggedModels(Collection<Long> experimentIds);

    /** Sets status and message; RESOURCE_DOES_NOT_EXIST when no such model. */
    void finalizeLoggedModel(String id, String status, String message, long now);

    void setLoggedModelDeleted(String id, boolean deleted, long now);

    /** Sets tags (a null value removes the tag). */
    void tagLoggedModel(String id, Map<String, String> tags, long now);

    /** Sets params; a key logged again keeps its first value, as a run's params do. */
    void logLoggedModelParams(String id, Map<String, String> params, long now);

    /** The model's files, by path. */
    List<ModelFile> loggedModelFiles(String id);

    /** Adds or replaces the file at {@code file.path()}. */
    void putLoggedModelFile(String id, ModelFile file, long now);

    /** Removes the file {@code path} or every file below the folder {@code path} (all when empty). */
    void removeLoggedModelFiles(String id, String path, long now);

    /**
     * Stores metric points logged against logged models; a point logged again (same model, key,
     * step, timestamp, run and dataset) keeps its first value, as MLflow does.
     */
    void logLoggedModelMetrics(List<LoggedModelMetric> metrics);

    /** The metric points of these logged models, by model id, each model's by key, step and timestamp. */
    Map<String, List<LoggedModelMetric>> loggedModelMetrics(Collection<String> modelIds);

    /** The contents logged models hold: a blob clean-up keeps them. */
    List<String> loggedModelHashes();

    /**
     * Stores a registered model with no versions yet ({@code project} empty); RESOURCE_ALREADY_EXISTS
     * when the name is taken here. The caller checks Keel's registry for the name first.
     */
    RegisteredModel createEmptyModel(String name, String owner, String description, Map<String, String> tags, long now);

    Optional<RegisteredModel> emptyModel(String name);

    /** Every registered model without versions, by name. */
    List<RegisteredModel> emptyModels();

    /** Replaces description and tags. */
    void updateEmptyModel(String name, String description, Map<String, String> tags, long now);

    void renameEmptyModel(String name, String newName, long now);

    /** Removes the placeholder; false when there was none. */
    boolean deleteEmptyModel(String name);
}
