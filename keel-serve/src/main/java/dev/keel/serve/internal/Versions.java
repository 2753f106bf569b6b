package dev.keel.serve.internal;

import ai.djl.modality.Input;
import ai.djl.modality.Output;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.model.ModelRef;
import dev.keel.core.model.ModelRegistry;
import dev.keel.core.model.ModelVersion;
import dev.keel.serve.ServeOptions;
import dev.keel.serve.ServingDescriptor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The version that takes new requests, and the follower that replaces it when the alias moves.
 *
 * <p>Promotion without downtime: the new version is pulled and loaded beside the old one and
 * warmed up; only then does it become current, so no request waits for a load. The old one is
 * retired: requests it already took are answered by it, new ones go to the new version, and it
 * unloads when it holds none. A version that fails to load is never made current; the old one
 * keeps serving, the failure is kept for {@code /healthz} and the run, and that version is not
 * tried again until the alias moves elsewhere. A registry that cannot be read keeps the current
 * version serving and is reported the same way.
 */
public final class Versions implements AutoCloseable {
    /** How long a request may wait for its answer. */
    static final long ANSWER_TIMEOUT_MS = 30_000;

    private final ModelRegistry registry;
    private final ServeOptions options;
    private final ModelRef followed;
    private final ServeMetrics metrics;
    private final Path workDir;
    private final boolean ownWorkDir;
    private final AtomicReference<LoadedVersion> current = new AtomicReference<>();
    private final ScheduledExecutorService follower;
    private final Events events;
    private volatile Problem registryProblem;
    private volatile Problem loadProblem;
    private volatile int failedVersion;
    private volatile long lastChecked;

    /** A problem shown by {@code /healthz} and logged into the run. */
    public record Problem(String message, long since, int version) {}

    /** What the server tells its run and its log about loads and the registry. */
    public interface Events {
        void loaded(ModelVersion version, ModelVersion replaced, long millis);

        void loadFailed(ModelVersion version, String message);

        void registryUnreachable(String message);
    }

    Versions(ModelRegistry registry, ServeOptions options, ServeMetrics metrics, Events events) throws IOException {
        this.registry = registry;
        this.options = options;
        this.followed =
                options.pin() > 0 ? new ModelRef(options.modelRef().name(), options.pin(), null) : options.modelRef();
        this.metrics = metrics;
        this.events = events;
        this.ownWorkDir = options.workDir() == null;
        this.workDir = ownWorkDir ? Files.createTempDirectory("keel-serve-") : options.workDir();
        Files.createDirectories(workDir);
        metrics.queueDepth(() -> {
            LoadedVersion v = current.get();
            return v == null ? 0 : v.batcher().queued();
        });
        this.follower = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keel-serve-follower");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Loads what the ref names now; fails (and the server does not start) when the registry cannot
     * be read, the ref names nothing, or the version cannot be served.
     */
    void start() {
        ModelVersion v;
        try {
            v = registry.models().resolve(followed);
        } catch (KeelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new KeelException(
                    ErrorCode.TEMPORARILY_UNAVAILABLE,
                    "cannot read the model registry to find " + followed + ": " + e.getMessage()
                            + "; check KEEL_HOME or KEEL_URL and that the store is reachable",
                    e);
        }
        lastChecked = System.currentTimeMillis();
        long t0 = System.nanoTime();
        LoadedVersion loaded = load(v);
        current.set(loaded);
        metrics.servedVersion(v.version());
        metrics.load("ok");
        events.loaded(v, null, (System.nanoTime() - t0) / 1_000_000);
        if (following()) {
            follower.scheduleWithFixedDelay(this::check, options.pollMs(), options.pollMs(), TimeUnit.MILLISECONDS);
        }
    }

    /** False when pinned to a version ({@code --pin} or a {@code NAME:vN} ref). */
    public boolean following() {
        return followed.version() == 0;
    }

    public ModelRef followed() {
        return followed;
    }

    /** Reads the ref once and promotes what it names when that changed; never throws. */
    void check() {
        ModelVersion target;
        try {
            target = registry.models().resolve(followed);
            lastChecked = System.currentTimeMillis();
            registryProblem = null;
        } catch (RuntimeException e) {
            if (registryProblem == null) {
                registryProblem = new Problem(
                        "cannot read " + followed + " from the model registry (" + e.getMessage() + "); serving "
                                + current().version().ref() + " until it can",
                        System.currentTimeMillis(),
                        0);
                events.registryUnreachable(registryProblem.message());
            }
            return;
        }
        LoadedVersion old = current.get();
        if (target.version() == old.version().version()) {
            return;
        }
        if (target.version() == failedVersion) {
            return;
        }
        long t0 = System.nanoTime();
        LoadedVersion next;
        try {
            ServingDescriptor.requireDeclared(target);
            next = load(target);
        } catch (RuntimeException | LinkageError e) {
            failedVersion = target.version();
            loadProblem = new Problem(e.getMessage(), System.currentTimeMillis(), target.version());
            metrics.load("failed");
            events.loadFailed(target, e.getMessage());
            return;
        }
        failedVersion = 0;
        loadProblem = null;
        current.set(next);
        metrics.servedVersion(target.version());
        metrics.load("ok");
        events.loaded(target, old.version(), (System.nanoTime() - t0) / 1_000_000);
        try {
            old.retire(options.drainMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private LoadedVersion load(ModelVersion v) {
        ServingDescriptor.requireDeclared(v);
        Path dir;
        try {
            dir = Files.createTempDirectory(workDir, v.model() + "-v" + v.version() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a folder for " + v.ref() + " under " + workDir, e);
        }
        try {
            registry.pull(v.ref(), dir);
            return LoadedVersion.load(v, dir, options, metrics);
        } catch (RuntimeException | LinkageError e) {
            LoadedVersion.deleteTree(dir);
            throw e;
        }
    }

    /**
     * Answers the inputs with one version, all queued at once so that they can share batches;
     * the answers come in the inputs' order. The future completes on the worker that answered
     * last, so no thread waits for it; past {@link #ANSWER_TIMEOUT_MS} it fails as overloaded.
     */
    public CompletableFuture<List<Answer>> predictAll(List<Input> inputs) {
        LoadedVersion v;
        do {
            v = current.get();
            if (v == null) {
                throw new KeelException(ErrorCode.TEMPORARILY_UNAVAILABLE, "the server is stopping");
            }
        } while (!v.acquire());
        LoadedVersion by = v;
        CompletableFuture<List<Answer>> answers;
        try {
            if (inputs.size() == 1) {
                answers = v.batcher().submit(inputs.get(0)).thenApply(out -> List.of(new Answer(out, by.version())));
            } else {
                List<CompletableFuture<Output>> pending = new ArrayList<>(inputs.size());
                for (Input in : inputs) {
                    pending.add(v.batcher().submit(in));
                }
                answers = CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                        .thenApply(done -> {
                            List<Answer> list = new ArrayList<>(pending.size());
                            for (CompletableFuture<Output> f : pending) {
                                list.add(new Answer(f.join(), by.version()));
                            }
                            return list;
                        });
            }
        } catch (RuntimeException e) {
            v.release();
            throw e;
        }
        return answers.orTimeout(ANSWER_TIMEOUT_MS, TimeUnit.MILLISECONDS).handle((list, error) -> {
            by.release();
            if (error == null) {
                return list;
            }
            throw failure(error, by);
        });
    }

    private static KeelException failure(Throwable error, LoadedVersion v) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof KeelException k) {
            return k;
        }
        if (e instanceof TimeoutException) {
            return new KeelException(
                    ErrorCode.TEMPORARILY_UNAVAILABLE,
                    "no answer within " + ANSWER_TIMEOUT_MS / 1000 + " s: the server is overloaded; retry later");
        }
        return new KeelException(
                ErrorCode.INTERNAL_ERROR, v.version().ref() + " failed on this input: " + e.getMessage(), e);
    }

    /** An answer and the version that gave it. */
    public record Answer(Output output, ModelVersion version) {}

    LoadedVersion current() {
        return current.get();
    }

    /** What {@code /healthz} shows. */
    Map<String, Object> health() {
        LoadedVersion v = current.get();
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("status", registryProblem == null && loadProblem == null ? "ok" : "degraded");
        h.put("model", followed.name());
        h.put("version", v.version().ref());
        h.put("following", following() ? followed.toString() : null);
        h.put("loaded_at", v.loadedAt());
        h.put("registry_checked_at", lastChecked);
        if (registryProblem != null) {
            h.put("registry_problem", problem(registryProblem));
        }
        if (loadProblem != null) {
            h.put("load_problem", problem(loadProblem));
        }
        return h;
    }

    private static Map<String, Object> problem(Problem p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("message", p.message());
        m.put("since", p.since());
        if (p.version() > 0) {
            m.put("version", p.version());
        }
        return m;
    }

    @Override
    public void close() {
        follower.shutdownNow();
        try {
            follower.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LoadedVersion v = current.getAndSet(null);
        if (v != null) {
            try {
                v.retire(options.drainMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                v.close();
            }
        }
        if (ownWorkDir) {
            LoadedVersion.deleteTree(workDir);
        }
    }
}
