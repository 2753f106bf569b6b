package dev.keel.internal.run;

import dev.keel.Checkpoints;
import dev.keel.Run;
import dev.keel.Summary;
import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.RunFile;
import dev.keel.core.RunState;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.liveness.RunLock;
import dev.keel.core.model.ModelRef;
import dev.keel.core.model.Registration;
import dev.keel.data.Datasets;
import dev.keel.data.LinkMode;
import dev.keel.internal.checkpoint.CheckpointManager;
import dev.keel.internal.remote.RunSender;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A live run. The training side only validates and enqueues ({@link ArrayBlockingQueue}: its
 * lock is held for a pointer swap, never during I/O); {@link RunWriter} on its own thread does
 * the rest.
 */
final class RunImpl implements Run {
    /** How long {@code log} waits for room before checking that the writer still lives. */
    private static final long OFFER_SLICE_MS = 100;

    private static final long END_TIMEOUT_MS = 30_000;
    /** How long registerModel waits for a model's files to reach the server: large models take a while. */
    private static final long MODEL_UPLOAD_TIMEOUT_MS = 3_600_000;

    private final String id;
    /** Null until the store has numbered the run (see {@link #namedBy}). */
    private volatile String name;
    /**
     * The run's name, drawn once its store is open; failed when the store cannot be opened,
     * which the writer reports as a problem (the event log keeps logging) and {@code name()}
     * throws.
     */
    private volatile CompletableFuture<String> naming;

    private final String project;
    private final Map<String, Object> config;
    private final KeelHome home;
    private final boolean strict;
    private final BlockingQueue<Event> queue;
    private final SummaryImpl summary;
    private final RunFiles files;
    private final Problems problems;
    private final AtomicLong nextStep;
    private final AtomicLong consoleSeq = new AtomicLong();
    /** Console lines are taken until the capture has been closed (it hands on its last lines while closing). */
    private volatile boolean consoleOpen = true;

    private final AtomicBoolean ended = new AtomicBoolean();
    private final Set<String> tags;
    private final Thread owner = Thread.currentThread();
    private final List<AutoCloseable> companions = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> finishers = new CopyOnWriteArrayList<>();
    /** Uploads the run to a server (remote mode), which then keeps its models too; null when embedded. */
    private volatile RunSender sender;

    private List<RunFile> priorFiles = List.of();
    private CheckpointManager checkpoints;
    private volatile Thread writerThread;
    private volatile RunState endState;
    private volatile String stopReason;
    /** How the stop reason of a run paused at a Hyperband rung begins (a promoted one may be resumed). */
    static final String PAUSE_REASON_PREFIX = "hyperband: paused";

    /** The sweep metric {@code keel agent} watches (KEEL_SWEEP_METRIC); null when none. */
    private volatile String watchedMetric;
    /** Stop once the watched metric was logged this many times here (a Hyperband rung); 0: never. */
    private volatile long pauseAfter;

    private final AtomicLong watchedLogged = new AtomicLong();
    /** Told, without waiting, each time the watched metric is logged (the stop check looks at once). */
    private volatile Runnable onWatched = () -> {};

    private RunLock lock;

    RunImpl(
            String id,
            String name,
            String project,
            Map<String, Object> config,
            List<String> tags,
            KeelHome home,
            boolean strict,
            int queueCapacity,
            long firstStep,
            Map<String, Object> summary) {
        this.id = id;
        this.name = name;
        this.naming = CompletableFuture.completedFuture(name);
        this.project = project;
        this.config = Collections.unmodifiableMap(config);
        this.tags = new LinkedHashSet<>(tags);
        this.home = home;
        this.strict = strict;
        this.queue = new ArrayBlockingQueue<>(Math.max(16, queueCapacity));
        this.nextStep = new AtomicLong(firstStep);
        this.problems = new Problems(id);
        this.summary = new SummaryImpl(this, summary);
        this.files = new RunFiles(id, home, problems, this::enqueue);
    }

    /** The store's answer for this run: its name, or why the store cannot take the run. */
    void namedBy(CompletableFuture<String> naming) {
        this.naming = naming;
    }

    /**
     * Why the store cannot take this run, as the exception to throw; null while it may. The
     * event log keeps what the run logged meanwhile, and whichever command next reads the
     * runs of a store that opens again indexes it (recovery).
     */
    KeelException storeFailure() {
        CompletableFuture<String> n = naming;
        if (!n.isCompletedExceptionally()) {
            return null;
        }
        Throwable cause;
        try {
            n.join();
            return null;
        } catch (CompletionException | CancellationException e) {
            cause = e.getCause() != null ? e.getCause() : e;
        }
        KeelException.ErrorCode code =
                cause instanceof KeelException k ? k.code() : KeelException.ErrorCode.STORAGE_FAILURE;
        return new KeelException(
                code,
                "run " + id + " cannot be recorded in the store " + home.database() + ": " + cause.getMessage()
                        + " (what the run logged is kept in " + home.eventLog(id)
                        + ", and goes into the store when a keel command next reads it after the store is fixed)",
                cause);
    }

    void start(RunWriter writer, RunLock lock) {
        this.lock = lock;
        Thread t = new Thread(writer, "keel-writer-" + id);
        t.setDaemon(true);
        writerThread = t;
        t.start();
    }

    /** A resumed run numbers its console lines after those of its earlier processes. */
    void consoleSeqFrom(long next) {
        consoleSeq.set(next);
    }

    /** Something that lives as long as the run (console capture, system monitor); closed at its end. */
    void addCompanion(AutoCloseable c) {
        if (ended.get()) {
            closeQuietly(c);
        } else {
            companions.add(c);
        }
    }

    /** Closed once the writer has ended, before the lock is released (the remote sender's catch-up). */
    /** Remote mode: the run goes to a server through {@code s}, and registers its models there. */
    void sendsThrough(RunSender s) {
        this.sender = s;
        addFinisher(s);
    }

    void addFinisher(AutoCloseable c) {
        finishers.add(c);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // a companion that cannot stop must not keep the run from ending
        }
    }

    BlockingQueue<Event> queue() {
        return queue;
    }

    /** Whether invalid input throws ({@code RunOptions.strict}) instead of being left out with a problem. */
    boolean strict() {
        return strict;
    }

    Problems problemsSink() {
        return problems;
    }

    Thread owner() {
        return owner;
    }

    KeelHome home() {
        return home;
    }

    @Override
    public String id() {
        return id;
    }

    /** Waits, the first time in a fresh JVM, for the store that numbers the run. */
    @Override
    public String name() {
        String n = name;
        if (n != null) {
            return n;
        }
        try {
            n = naming.join();
        } catch (CompletionException | CancellationException e) {
            throw storeFailure();
        }
        name = n;
        return n;
    }

    @Override
    public String project() {
        return project;
    }

    @Override
    public Map<String, Object> config() {
        return config;
    }

    @Override
    public void log(Map<String, ? extends Number> metrics) {
        enqueuePoints(metrics, nextStep.getAndIncrement());
    }

    @Override
    public void log(Map<String, ? extends Number> metrics, long step) {
        long want = step + 1;
        long cur;
        while ((cur = nextStep.get()) < want && !nextStep.compareAndSet(cur, want)) {
            Thread.onSpinWait();
        }
        enqueuePoints(metrics, step);
    }

    private void enqueuePoints(Map<String, ? extends Number> metrics, long step) {
        if (metrics == null) {
            invalid("null", "the metrics map is null");
            return;
        }
        int size = metrics.size();
        String[] keys = new String[size];
        double[] values = new double[size];
        int n = 0;
        for (Map.Entry<String, ? extends Number> e : metrics.entrySet()) {
            String key = e.getKey();
            String problem = MetricNames.problem(key);
            if (problem != null) {
                invalid(key, problem);
                continue;
            }
            Object v = e.getValue();
            if (!(v instanceof Number num)) {
                invalid(
                        key,
                        v == null
                                ? "the value is null"
                                : "the value is a " + v.getClass().getName() + ", not a number");
                continue;
            }
            keys[n] = key;
            values[n] = num.doubleValue();
            n++;
        }
        String watched = watchedMetric;
        boolean sawWatched = false;
        if (watched != null) {
            for (int i = 0; i < n; i++) {
                sawWatched |= keys[i].equals(watched);
            }
        }
        if (n > 0) {
            enqueue(new Event.Points(keys, values, n, step, System.currentTimeMillis()));
        }
        if (sawWatched) {
            watchedLogged(watched);
        }
        if (ReproduceSettings.current().stopsAt(step)) {
            stopRequested(
                    "keel reproduce --steps " + ReproduceSettings.current().stopAfterStep() + " reached step " + step);
        }
    }

    private void invalid(String key, String problem) {
        String message = "metric " + MetricNames.show(key) + " skipped: " + problem
                + " (names need 1-250 characters without control characters; values must be numbers)";
        if (strict) {
            throw new IllegalArgumentException(message);
        }
        problems.warnOnce("invalid:" + key, message);
    }

    /** The writer parks while idle (see RunWriter); flush and end must not wait for its next look. */
    private void wakeWriter() {
        Thread w = writerThread;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** Hands an event to the writer; waits for room (back-pressure) but never on a dead writer. */
    void enqueue(Event e) {
        if (ended.get() && !(e instanceof Event.End)) {
            lost(e, "the run has ended");
            return;
        }
        offer(e);
    }

    private void offer(Event e) {
        if (queue.offer(e)) {
            return;
        }
        wakeWriter(); // it may be napping through a burst
        try {
            while (!queue.offer(e, OFFER_SLICE_MS, TimeUnit.MILLISECONDS)) {
                Thread w = writerThread;
                if (w == null || !w.isAlive()) {
                    lost(e, "the run has ended");
                    return;
                }
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            lost(e, "the logging thread was interrupted while the queue was full");
        }
    }

    private void lost(Event e, String why) {
        if (e instanceof Event.Points p) {
            problems.dropped(p.n(), why);
        }
        problems.warnOnce(
                "after-end",
                "a " + e.getClass().getSimpleName().toLowerCase() + " event was not recorded: " + why
                        + ". Log before close(), or resume the run.");
    }

    @Override
    public long step() {
        return nextStep.get();
    }

    @Override
    public void rewind(long step) {
        if (step == Long.MAX_VALUE) {
            throw new IllegalArgumentException("rewind(Long.MAX_VALUE) would drop nothing; give the step to keep"
                    + " history up to, e.g. the step of the checkpoint the run resumed from");
        }
        nextStep.set(step + 1);
        enqueue(new Event.Rewind(step));
    }

    @Override
    public Summary summary() {
        return summary;
    }

    void publishSummary(Map<String, Object> changed) {
        summary.publish(changed);
    }

    @Override
    public void notes(String notes) {
        List<String> over = new ArrayList<>(1);
        if (RunLimits.notes(notes, over) == null && !over.isEmpty()) {
            problems.report("notes:" + over.get(0), over.get(0));
            return;
        }
        enqueue(new Event.Meta(notes == null ? "" : notes, null));
    }

    @Override
    public void tags(String... newTags) {
        List<String> over = new ArrayList<>();
        List<String> kept = RunLimits.tags(Arrays.asList(newTags), over);
        over.forEach(p -> problems.report("tags:" + p, p));
        synchronized (tags) {
            tags.addAll(kept);
        }
        enqueue(new Event.Meta(null, kept));
    }

    List<String> tagsSnapshot() {
        synchronized (tags) {
            return new ArrayList<>(tags);
        }
    }

    /**
     * Hook for console capture: one line the process printed ({@code "out"} or {@code "err"}).
     * Called while the stream is locked, so it never waits: a line that finds the queue full is
     * counted and reported instead (the line was still printed).
     */
    void consoleLine(String stream, long timestamp, String text) {
        if (consoleOpen && !queue.offer(new Event.Console(consoleSeq.getAndIncrement(), timestamp, stream, text))) {
            problems.report(
                    "console-full",
                    "console lines were printed faster than they could be kept; "
                            + "some are missing from the run's log (they were printed as usual)");
        }
    }

    /** Hook for system metrics: values under {@code system/…}, logged at the current step. */
    void logSystem(Map<String, Double> values) {
        if (ended.get() || values.isEmpty()) {
            return;
        }
        String[] keys = new String[values.size()];
        double[] vals = new double[values.size()];
        int n = 0;
        for (Map.Entry<String, Double> e : values.entrySet()) {
            if (e.getValue() != null && MetricNames.problem(e.getKey()) == null) {
                keys[n] = e.getKey().startsWith("system/") ? e.getKey() : "system/" + e.getKey();
                vals[n++] = e.getValue();
            }
        }
        if (n > 0
                && !queue.offer(
                        new Event.Points(keys, vals, n, Math.max(0, nextStep.get() - 1), System.currentTimeMillis()))) {
            problems.dropped(n); // the monitor must not stall; a missed sample is counted, not hidden
        }
    }

    void seed(long seed) {
        if (!ended.get()) {
            enqueue(new Event.Seed(seed));
        }
    }

    @Override
    public String saveFile(Path file) {
        return files.saveFile(file);
    }

    /** Files the run had before this session (a resumed run's checkpoints among them). */
    void priorFiles(List<RunFile> files) {
        this.priorFiles = List.copyOf(files);
    }

    @Override
    public synchronized Checkpoints checkpoints() {
        if (checkpoints == null) {
            checkpoints = new CheckpointManager(
                    new LocalBlobStore(home.blobs()),
                    priorFiles,
                    f -> {
                        // save() promises a listed checkpoint: a kill right after it must find it
                        enqueue(new Event.File(f));
                        flush();
                    },
                    name -> enqueue(new Event.FileRemoved(name)));
        }
        return checkpoints;
    }

    @Override
    public Path useDataset(String ref) {
        return useDataset(ref, LinkMode.COPY);
    }

    @Override
    public Path useDataset(String ref, LinkMode mode) {
        if (ref == null || ref.isBlank()) {
            throw KeelException.invalid("run.useDataset needs a dataset reference such as"
                    + " 'fashion-mnist:latest', 'fashion-mnist:v3' or 'fashion-mnist:prod'");
        }
        // Opened per call: datasets are used a few times per run, and the engine holds no state
        // worth keeping open next to the training loop.
        try (Datasets data = Datasets.open(home)) {
            return data.use(id, ReproduceSettings.current().pin(ref.trim()), mode)
                    .path();
        }
    }

    @Override
    public String registerModel(String name, Path path) {
        ModelRef.checkName(name, name);
        if (!Files.exists(path)) {
            throw KeelException.invalid("cannot register " + path + " as model " + name + ": no such file or folder");
        }
        String artifact = "models/" + name;
        files.logArtifact(Files.isDirectory(path) ? artifact : artifact + "/" + path.getFileName(), path);
        flush();
        RunSender s = sender;
        if (s != null) {
            return registerOnServer(s, name, artifact);
        }
        if (StoreRegistry.get(home).run(id).isEmpty()) {
            throw KeelException.invalid("run " + id + " is not in the local store " + home.database() + " (it is"
                    + " recorded on a server): the model registry is local for now");
        }
        return ModelsImpl.register(home, name, Registration.of(id).path(artifact));
    }

    /**
     * The server registers only files it holds for the run, so the run's log (and the files'
     * bytes, content-addressed) go up first, at once rather than at the sender's next cycle.
     */
    private String registerOnServer(RunSender s, String name, String artifact) {
        try {
            s.awaitUploaded(Files.size(home.eventLog(id)), MODEL_UPLOAD_TIMEOUT_MS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the event log of run " + id, e);
        } catch (KeelException e) {
            throw new KeelException(
                    e.code(),
                    "cannot register model " + name + " on the server: " + e.getMessage() + "; the run is kept in "
                            + home + ": once the server answers, 'keel sync " + id + "' uploads it and 'keel model"
                            + " register " + name + " --run " + id + " --path " + artifact + "' registers it",
                    e);
        }
        return ModelsImpl.registerOn(s.remote(), name, Registration.of(id).path(artifact));
    }

    @Override
    public String logArtifact(String artifactName, Path path) {
        return files.logArtifact(artifactName, path);
    }

    /** Keeps text as a run file (e.g. the uncommitted git diff); problems are recorded, not thrown. */
    RunFile storeText(String fileName, String text, String kind) {
        return files.storeText(fileName, text, kind);
    }

    @Override
    public void flush() {
        Thread w = writerThread;
        if (ended.get() || w == null || !w.isAlive()) {
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        enqueue(new Event.Flush(done));
        wakeWriter();
        try {
            while (!done.await(OFFER_SLICE_MS, TimeUnit.MILLISECONDS)) {
                if (!w.isAlive()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean shouldStop() {
        return stopReason != null;
    }

    @Override
    public Optional<String> stopReason() {
        return Optional.ofNullable(stopReason);
    }

    /**
     * Watches the sweep's metric: after {@code pauseAfter} values of it (0: none) the run stops at
     * once, before the program's next iteration starts; {@code onLogged} hears of each value.
     */
    void watchSweepMetric(String metric, long pauseAfter, Runnable onLogged) {
        this.onWatched = onLogged;
        this.pauseAfter = pauseAfter;
        this.watchedMetric = metric;
    }

    /** Never throws: logging must not break a training loop. */
    private void watchedLogged(String metric) {
        long count = watchedLogged.incrementAndGet();
        long after = pauseAfter;
        if (after > 0 && count >= after) {
            stopRequested(
                    PAUSE_REASON_PREFIX + " after " + metric + " value " + count + " of this attempt, at a rung of"
                            + " its bracket; the sweep resumes it if the bracket promotes it");
        }
        try {
            onWatched.run();
        } catch (RuntimeException e) {
            // the stop check looks again at its next interval
        }
    }

    /** Called by the {@link StopCheck} (its sweep asks) or at {@code KEEL_REPRODUCE_STEPS}; the first reason stays. */
    void stopRequested(String reason) {
        if (stopReason == null && !ended.get()) {
            stopReason = reason;
            System.err.println("keel: run " + id + ": asked to stop: " + reason);
        }
    }

    @Override
    public List<String> problems() {
        return problems.snapshot();
    }

    @Override
    public void close() {
        end(RunState.FINISHED, null);
        ProcessHooks.closedBy(this, Thread.currentThread());
    }

    @Override
    public void exit(int status) {
        ProcessHooks.exiting(status);
        end(status == 0 ? RunState.FINISHED : RunState.FAILED, status == 0 ? null : "exit status " + status);
        System.exit(status);
    }

    @Override
    public void fail(Throwable cause) {
        end(RunState.FAILED, cause == null ? "failed" : cause.toString());
    }

    /** The state the run ended with, or null while it runs. */
    RunState endState() {
        return endState;
    }

    /**
     * Ends the run once: the writer records the state, writes what is pending and stops; the
     * lock is released. Later calls do nothing and return false.
     */
    boolean end(RunState state, String error) {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        String stop = stopReason;
        if (state == RunState.FINISHED && stop != null) {
            // it ended well but early, as its sweep asked: say so, and keep why
            state = RunState.STOPPED;
            error = stop;
            summary.keep(RunState.STOP_REASON_KEY, stop);
            offer(new Event.SummaryPut(RunState.STOP_REASON_KEY, stop));
        }
        endState = state;
        for (AutoCloseable c : companions) {
            closeQuietly(c);
        }
        consoleOpen = false;
        enqueue(new Event.End(state, error, System.currentTimeMillis()));
        wakeWriter();
        Thread w = writerThread;
        try {
            if (w != null && w != Thread.currentThread()) {
                w.join(END_TIMEOUT_MS);
                if (w.isAlive()) {
                    problems.report(
                            "end",
                            "the writer did not finish within " + END_TIMEOUT_MS / 1000
                                    + " s (slow storage?); the rest is in the event log, if it could be written");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (AutoCloseable c : finishers) {
                closeQuietly(c);
            }
            if (lock != null && (w == null || !w.isAlive())) {
                lock.close();
            }
            ProcessHooks.unregister(this);
        }
        return true;
    }

    @Override
    public String toString() {
        return "Run[" + id + " " + name + " in " + project + "]";
    }
}
