package dev.keel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run's checkpoints, obtained from {@link Run#checkpoints()}: saved atomically (temporary file,
 * fsync, rename) into the content-addressed blob folder, checksummed, listed with the run, and
 * pruned to the last K plus the best by a chosen metric.
 *
 * <pre>{@code
 * Checkpoints ckpts = run.checkpoints().keepLast(2).keepBest("val_accuracy", SummaryMode.MAX);
 * ckpts.save(epoch, step, Map.of("val_accuracy", acc), out -> model.writeState(out));
 * ...
 * Checkpoints.Loaded<State> resumed = ckpts.load("last", in -> State.read(in));
 * }</pre>
 *
 * <p><b>Failures.</b> {@link #save} throws {@link dev.keel.core.KeelException} when the checkpoint
 * cannot be made durable (a training loop should know that its safety net is gone; catch it to
 * carry on). {@link #load} verifies the checksum before handing bytes to the reader; a damaged
 * checkpoint is reported and the previous good one is used instead.
 *
 * <p>Pruned checkpoints leave the run's file list at once; their bytes are freed by the blob
 * garbage collection ({@code keel data gc}), which keeps anything still referenced.
 */
public interface Checkpoints {

    /** Keeps the newest {@code k} checkpoints (default 3); 0 keeps every one. */
    Checkpoints keepLast(int k);

    /** Also keeps the best checkpoint by {@code metric}: {@link SummaryMode#MIN} or {@link SummaryMode#MAX}. */
    Checkpoints keepBest(String metric, SummaryMode mode);

    /**
     * Saves a checkpoint whose content {@code writer} writes; returns once its bytes are durable
     * and it is listed with the run (a process killed right after can resume from it).
     */
    Checkpoint save(long epoch, long step, Map<String, ? extends Number> metrics, StateWriter writer);

    /** Kept checkpoints, oldest first. */
    List<Checkpoint> list();

    /** {@code "last"}, {@code "best"}, or an epoch number ({@code "3"} / {@code "epoch-3"}). */
    Optional<Checkpoint> find(String which);

    /**
     * Loads the checkpoint {@code which} names; when it is damaged (checksum mismatch) or the
     * reader fails on it, tries the previous ones, newest first, and says which were skipped.
     * Empty when no good checkpoint is at or before it.
     */
    <T> Optional<Loaded<T>> load(String which, StateReader<T> reader);

    /** Writes the state a checkpoint keeps, e.g. a model's parameters and the optimizer's state. */
    @FunctionalInterface
    interface StateWriter {
        /** Writes the state to {@code out}; Keel closes it and makes it durable afterwards. */
        void write(OutputStream out) throws IOException;
    }

    /** Reads back the state a {@link StateWriter} wrote. */
    @FunctionalInterface
    interface StateReader<T> {
        /** Reads the state from {@code in}, whose bytes have been verified against the checksum. */
        T read(InputStream in) throws IOException;
    }

    /** What {@link #load} found: the checkpoint used, the state read, and why others were skipped. */
    record Loaded<T>(Checkpoint checkpoint, T state, List<String> skipped) {}
}
