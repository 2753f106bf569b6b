package dev.keel.core.store;

import dev.keel.core.ConsoleLine;
import dev.keel.core.MetricBatch;
import dev.keel.core.RunFile;
import dev.keel.core.RunState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one writer cycle changes about one run, applied by {@link Store#apply} in a single
 * transaction. This is the store's one write primitive (the way MLflow funnels every logging
 * call through {@code log_batch}): convenience methods elsewhere build a batch and apply it.
 *
 * <p>{@code logOffset} is the end offset in the run's event log that this batch brings the
 * store up to; the store keeps it with the run in the same transaction, so replaying the log
 * after a crash applies every record exactly once. {@code -1} means "not from an event log".
 *
 * <p>Fields left null or empty change nothing. Summary and config updates are merged key by
 * key into what is stored; a key mapped to {@code null} is removed.
 *
 * <p>{@code truncateAfterStep} rewinds the run's metric history: every stored point at a step
 * after it is deleted <em>before</em> this batch's own {@link #metrics} are added, in the same
 * transaction. A resumed run uses it to drop what a crashed attempt logged after the checkpoint
 * it resumes from. Use {@link #rewindTo} to set it: it also drops the batch's own points past
 * the step, so that a batch built from records in log order means what the records said.
 */
public final class WriteBatch {
    /** The {@link #truncateAfterStep} that deletes nothing. */
    public static final long NO_TRUNCATION = Long.MAX_VALUE;

    public long logOffset = -1;
    /** Step after which stored metric points are deleted before {@link #metrics} are added; {@link #NO_TRUNCATION} for none. */
    public long truncateAfterStep = NO_TRUNCATION;

    public final MetricBatch metrics = new MetricBatch(64);
    public final Map<String, Object> summary = new LinkedHashMap<>();
    public final Map<String, Object> config = new LinkedHashMap<>();
    /** Provenance sections to set (merged by top-level key; null removes), e.g. late seeds. */
    public final Map<String, Object> provenance = new LinkedHashMap<>();

    public final List<ConsoleLine> console = new ArrayList<>();
    public final List<RunFile> files = new ArrayList<>();
    /** Names of run files to forget (their blobs stay until a blob gc); disjoint from {@link #files}. */
    public final List<String> removedFiles = new ArrayList<>();

    public RunState state;
    /** Epoch ms; set together with a terminal {@link #state}. */
    public long endedAt;
    /** Epoch ms of the writer's latest sign of life; 0 leaves it unchanged. */
    public long heartbeatAt;
    /** Run time so far; -1 leaves it unchanged. */
    public long runtimeMs = -1;

    public String notes;
    public List<String> tags;
    /** What the run could not record, one line each (set with its end state); null leaves them unchanged. */
    public List<String> problems;

    public String name;
    /** The machine of the process now recording the run (a resumed run's); null leaves it unchanged. */
    public String host;
    /** That process's id; 0 leaves it unchanged. */
    public long pid;

    /**
     * Rewinds the metric history to {@code step}: points at later steps, stored or already in
     * this batch, are dropped; points added to the batch afterwards are kept.
     */
    public void rewindTo(long step) {
        truncateAfterStep = Math.min(truncateAfterStep, step);
        metrics.retainStepsUpTo(step);
    }

    /** Adds a file, cancelling an earlier removal of the same name in this batch. */
    public void addFile(RunFile file) {
        removedFiles.remove(file.name());
        files.removeIf(f -> f.name().equals(file.name()));
        files.add(file);
    }

    /** Removes a file, cancelling an earlier addition of the same name in this batch. */
    public void removeFile(String name) {
        files.removeIf(f -> f.name().equals(name));
        if (!removedFiles.contains(name)) {
            removedFiles.add(name);
        }
    }

    public boolean isEmpty() {
        return metrics.isEmpty()
                && summary.isEmpty()
                && config.isEmpty()
                && provenance.isEmpty()
                && console.isEmpty()
                && files.isEmpty()
                && removedFiles.isEmpty()
                && state == null
                && heartbeatAt == 0
                && runtimeMs < 0
                && notes == null
                && tags == null
                && problems == null
                && name == null
                && logOffset < 0
                && truncateAfterStep == NO_TRUNCATION;
    }
}
