package dev.keel.core.store;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * An MLflow 3 logged model: a model's files and metadata logged on their own (not as a run's
 * artifacts), in an experiment and usually from a run. Keel keeps its files like run files, as
 * content hashes in the blob store, so registering it as a model version copies no bytes.
 *
 * @param id            {@code m-} and 32 lower-case hex digits
 * @param sourceRunId   the run that logged it; empty when none
 * @param status        {@code PENDING} until the client finalizes it, then {@code READY} or
 *                      {@code FAILED}
 * @param lifecycleStage {@code active} or {@code deleted}
 * @param creationTime  epoch milliseconds, as is {@code lastUpdatedTime}
 * @param tags          sorted by key, as are {@code params}
 */
public record LoggedModel(
        String id,
        long experimentId,
        String name,
        String sourceRunId,
        String modelType,
        String status,
        String statusMessage,
        String lifecycleStage,
        String createdBy,
        long creationTime,
        long lastUpdatedTime,
        Map<String, String> tags,
        Map<String, String> params) {

    public LoggedModel {
        tags = Collections.unmodifiableMap(new TreeMap<>(tags));
        params = Collections.unmodifiableMap(new TreeMap<>(params));
        sourceRunId = sourceRunId == null ? "" : sourceRunId;
        modelType = modelType == null ? "" : modelType;
        statusMessage = statusMessage == null ? "" : statusMessage;
        createdBy = createdBy == null ? "" : createdBy;
    }

    public boolean active() {
        return "active".equals(lifecycleStage);
    }
}
