package dev.keel;

import dev.keel.data.LinkMode;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One tracked execution of training code, created by {@link Keel#init}. Close it (it is
 * {@link AutoCloseable}) to mark it {@code finished}, or end the process with {@link #exit(int)};
 * an uncaught exception marks it
 * {@code failed}, SIGTERM/SIGINT {@code killed}, and a process that vanished reads as
 * {@code crashed} to every reader. A sweep's trial that closes after its sweep asked it to stop
 * ({@link #shouldStop()}) ends {@code stopped}.
 *
 * <p>Logging never does I/O on the calling thread: {@link #log} only enqueues, and a background
 * writer appends to the run's event log and indexes into the store. When the queue is full,
 * {@code log} waits for room (back-pressure) rather than dropping points; when storage fails,
 * {@code log} neither throws nor blocks indefinitely, and the problem is recorded
 * ({@link #problems()}). A Run is safe to use from several threads.
 *
 * <pre>{@code
 * try (Run run = Keel.init(RunOptions.builder().project("apparel-classifier").config(cfg).build())) {
 *     for (int epoch = 0; epoch < epochs; epoch++) {
 *         run.log(Map.of("loss", loss, "accuracy", acc));
 *     }
 *     run.summary().put("test_accuracy", testAcc);
 * }
 * }</pre>
 */
public interface Run extends AutoCloseable {

    /** The 8-character base-36 id, e.g. {@code 6v8m5w0s}. */
    String id();

    /**
     * The run's name, generated ({@code adjective-noun-N}) unless given. {@code N} is the run's
     * number in its project, which the store gives: the first call may wait for the store to
     * open (the first run of a process opens it in the background), and throws a
     * {@code KeelException} with the store's message when it cannot be opened.
     */
    String name();

    /** The project the run belongs to. */
    String project();

    /** The resolved config, read-only. */
    Map<String, Object> config();

    /**
     * Logs metrics at the next step: the first call without a step logs step 0, then 1, 2…
     * Names must be 1–250 characters without control characters; NaN and ±Infinity are kept as
     * such. An invalid name or a null value is skipped with a warning naming the key (or throws
     * {@link IllegalArgumentException} when the run was created with
     * {@link RunOptions.Builder#strict(boolean) strict}). Never throws because of storage: a
     * store that cannot be opened or written is reported in {@link #problems()} while the
     * event log keeps every point (see {@link Keel}).
     */
    void log(Map<String, ? extends Number> metrics);

    /** Logs metrics at an explicit step; later auto-steps continue after the highest step seen. */
    void log(Map<String, ? extends Number> metrics, long step);

    /** The step the next {@link #log(Map)} without a step will use. */
    long step();

    /**
     * Rewinds the run's metric history to {@code step}: every point logged at a later step,
     * by this process or by an earlier attempt of the run, is dropped, and the next
     * {@link #log(Map)} without a step logs {@code step + 1}. Points logged after this call are
     * kept, whatever their step. Call it when a resumed run continues from a checkpoint saved at
     * {@code step}, so that what the crashed attempt logged after that checkpoint, and the
     * resumed run logs again, is stored once:
     *
     * <pre>{@code
     * Checkpoints.Loaded<State> resumed = run.checkpoints().load("last", State::read).orElseThrow();
     * run.rewind(resumed.checkpoint().step());
     * }</pre>
     *
     * <p>The rewind is recorded in the run's event log in order with the points, so a replay
     * ({@code keel sync}, crash recovery) gives the same history. It applies to every key,
     * {@code system/…} included, and to the history only: the summary keeps its values until
     * metrics logged later replace them. {@code rewind(-1)} drops the whole history of
     * non-negative steps; {@code Long.MIN_VALUE} drops every point.
     */
    void rewind(long step);

    /** The run's summary: one value per metric, shown in the runs table; see {@link Summary}. */
    Summary summary();

    /** Replaces the run's notes. */
    void notes(String notes);

    /** Adds tags to the run. */
    void tags(String... tags);

    /** Keeps a copy of a file with the run, under its file name. Returns its blob address. */
    String saveFile(Path file);

    /** Keeps a copy of a file (or every file under a folder) with the run, under {@code name}. */
    String logArtifact(String name, Path path);

    /**
     * Uses a version of a dataset as this run's input: resolves {@code ref} ({@code name},
     * {@code name:latest}, {@code name:v3}, {@code name:TAG} or {@code name@HASH_PREFIX}) to one exact
     * version, materialises it in the local cache (read-only copies, kept for later calls and runs
     * and checked each time they are handed out: a file a run edited is rewritten from the stored
     * data) and records that version as the run's input, so {@code keel run show}
     * and {@code keel data show} name it. Returns the local folder (or file, for a one-file dataset).
     *
     * <pre>{@code
     * Path images = run.useDataset("fashion-mnist:latest");
     * }</pre>
     *
     * @throws dev.keel.core.KeelException when the reference is malformed or names no version,
     *         or stored data is damaged; the message names the problem and the fix
     */
    Path useDataset(String ref);

    /**
     * {@link #useDataset(String)} with an explicit {@link LinkMode}: {@code HARDLINK}
     * materialises read-only hard links to the cache instead of copies (no bytes written when
     * cached), with the risk {@link LinkMode#HARDLINK_RISK} states.
     */
    Path useDataset(String ref, LinkMode mode);

    /**
     * The run's checkpoints: save, list, prune and load model and optimizer state. A resumed run
     * lists the checkpoints it saved before.
     */
    Checkpoints checkpoints();

    /**
     * Registers the model file (or folder) {@code path} as the next version of model {@code name}
     * and returns it as {@code NAME:vN}: the files are kept with the run (under
     * {@code models/NAME}, as {@link #logArtifact} keeps them) and the version lists their content
     * hashes, with this run's lineage (datasets used, commit, config, summary metrics so far).
     * A run recorded on a server (KEEL_URL) uploads its files first and registers the version in
     * the server's registry, which then reads the lineage from the run it holds.
     *
     * <pre>{@code
     * run.summary().put("test_accuracy", 0.89);
     * String version = run.registerModel("apparel-classifier", Path.of("model.params"));
     * }</pre>
     *
     * @throws dev.keel.core.KeelException when the name is invalid, the model belongs to another
     *         project, or the run's files cannot reach its server (the run stays recorded locally)
     */
    String registerModel(String name, Path path);

    /**
     * Waits until everything logged so far is durable in the event log and indexed in the
     * store (or until storage has failed; see {@link #problems()}).
     */
    void flush();

    /**
     * True once the sweep this run is a trial of asks it to stop: its early-termination rule
     * gave up on the trial ({@code keel agent}), or the sweep was canceled. Check it where the
     * loop can stop cleanly (at the end of an epoch), save a checkpoint and close the run: it
     * then ends {@code stopped}, with {@link #stopReason()} kept in the summary under
     * {@code _stop_reason}. Stopping is the program's choice; the agent ends a program that
     * ignores the request after a grace period.
     *
     * <pre>{@code
     * for (int epoch = 0; epoch < epochs && !run.shouldStop(); epoch++) {
     *     trainOneEpoch();
     *     run.checkpoints().save(state, metrics);
     * }
     * }</pre>
     *
     * <p>It reads a flag: a background thread asks the store every two seconds or so, so this
     * never waits and never throws. It stays false for a run that belongs to no sweep and for a
     * store that keeps no sweeps.
     */
    boolean shouldStop();

    /**
     * Why the sweep asked this run to stop (e.g. {@code hyperband: val_loss 0.52 at step 3 is
     * worse than the rung's best 1/3}); empty while {@link #shouldStop()} is false.
     */
    Optional<String> stopReason();

    /** Problems met while recording, such as a full disk; empty when all is well. */
    List<String> problems();

    /**
     * Ends the run as {@code finished} (idempotent). Waits until everything logged is durable,
     * and for the background provenance capture if it is still running (bounded: at most about
     * 5 s after {@code init}), so that even a short run records what it ran.
     *
     * <p>Close the run before the process ends. A run left open still gets an end from a
     * shutdown hook, but one ended by {@code System.exit(n)} on JDK 17-20 cannot tell success
     * from failure (those JDKs do not report {@code n}): it reads {@code finished} with the
     * problem "exit status unknown". To end the process with a status, use {@link #exit(int)}.
     */
    @Override
    void close();

    /**
     * Ends the run with the process: records {@code status} ({@code 0}: {@code finished};
     * anything else: {@code failed} with the error "exit status N"), waits as {@link #close()}
     * does, then calls {@code System.exit(status)}; it does not return. Other runs still open in
     * this process end with the same status.
     *
     * <pre>{@code
     * if (diverged) {
     *     run.exit(2);
     * }
     * }</pre>
     */
    void exit(int status);

    /** Ends the run as {@code failed}, recording the cause. */
    void fail(Throwable cause);
}
