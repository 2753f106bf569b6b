package dev.keel.core.store;

import dev.keel.core.ConsoleLine;
import dev.keel.core.MetricSeries;
import dev.keel.core.ProjectInfo;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.flow.ProjectFlow;
import dev.keel.core.model.ModelStore;
import dev.keel.core.sweep.SweepStore;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where runs, their metrics, console lines and file lists are kept and searched. The SDK, the
 * CLI and the server talk only to this interface; the embedded SQLite store, PostgreSQL and a
 * remote (HTTP) store plug in behind it. Implementations are safe for use by many threads and,
 * for shared back ends, by many processes at once.
 *
 * <p>Every write goes through {@link #apply}; there is no other write path for a run's data.
 */
public interface Store extends AutoCloseable {

    /** Creates the run (and its project when new). Fails when the id exists. */
    void createRun(RunInfo run, Map<String, Object> provenance);

    /** Applies one writer cycle to a run atomically; see {@link WriteBatch}. */
    void apply(String runId, WriteBatch batch);

    /** The run, or empty when no run has this id. */
    Optional<RunInfo> run(String runId);

    /** Runs matching the query, in its order. */
    List<RunInfo> searchRuns(RunQuery query);

    /** How many runs match the query's project and filter (ignores sort and page). */
    long countRuns(RunQuery query);

    /** Deletes a run and everything stored with it (its blobs stay until a blob gc). */
    void deleteRun(String runId);

    /** The provenance recorded at creation (git, JVM, machine, dependencies…), empty when none. */
    Map<String, Object> provenance(String runId);

    /** The event-log offset the store has applied for this run, 0 when none. */
    long logOffset(String runId);

    /** A number for naming the next run of a project: 1 + the runs the project ever had. */
    long nextRunOrdinal(String project);

    List<ProjectInfo> projects();

    /** The keys the run has logged, sorted. */
    List<String> metricKeys(String runId);

    /** One metric's whole history in step order (for equal steps, in logging order). */
    MetricSeries history(String runId, String key);

    /** Console lines with {@code seq >= fromSeq}, at most {@code limit} (all when {@code limit <= 0}). */
    List<ConsoleLine> console(String runId, long fromSeq, int limit);

    /** Files kept with the run, by name. */
    List<RunFile> files(String runId);

    /**
     * Of {@code hashes}, the run-file contents that {@code project} holds: their bytes were sent
     * into it ({@link #holdBlobs}) or a file of one of its runs lists them ({@link #apply} records
     * those). A server lets a run name a content hash only when the caller may use it this way:
     * knowing a hash grants nothing.
     */
    default Set<String> heldBlobs(String project, Collection<String> hashes) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " keeps no record of which projects hold" + " which contents");
    }

    /** Records that {@code project} holds these contents (their bytes were sent into it). */
    default void holdBlobs(String project, Collection<String> hashes) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " keeps no record of which projects hold" + " which contents");
    }

    /** The projects that hold content {@code hash}, sorted; empty when none. */
    default List<String> blobHolders(String hash) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " keeps no record of which projects hold" + " which contents");
    }

    /**
     * The MLflow experiment of each project, for a store that can host MLflow's tracking API
     * (the SQL stores); empty for one that cannot (a remote store: MLflow clients talk to the
     * server that owns the database).
     */
    default Optional<ExperimentStore> experiments() {
        return Optional.empty();
    }

    /**
     * MLflow's logged models and its registered models without versions, for a store that can
     * host MLflow's API (the SQL stores); empty for one that cannot.
     */
    default Optional<MlflowModelStore> mlflowModels() {
        return Optional.empty();
    }

    /** The sweeps and trials this store coordinates. */
    default SweepStore sweeps() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no sweeps");
    }

    /** The registered models and their versions this store keeps. */
    default ModelStore models() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no registered models");
    }

    /**
     * Records a project's flow (its stages and edges, see {@link ProjectFlow}), replacing the one
     * recorded before; what {@code keel repro} writes so the dashboard can draw the flow.
     */
    default void saveFlow(ProjectFlow flow) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no project flows");
    }

    /** The flow last recorded for a project; empty when none was. */
    default Optional<ProjectFlow> flow(String project) {
        return Optional.empty();
    }

    @Override
    void close();
}
