package dev.keel.internal.run;

import dev.keel.ConsoleMode;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.Ids;
import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.MetricSeries;
import dev.keel.core.Names;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.liveness.Hosts;
import dev.keel.core.liveness.Liveness;
import dev.keel.core.liveness.RunLock;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.sweep.TrialState;
import dev.keel.internal.config.ConfigResolver;
import dev.keel.internal.console.ConsoleCapture;
import dev.keel.internal.log.EventLogWriter;
import dev.keel.internal.provenance.Provenance;
import dev.keel.internal.remote.RemoteMode;
import dev.keel.internal.remote.RemoteStore;
import dev.keel.internal.remote.RunSender;
import dev.keel.internal.system.SystemMonitor;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.SubstituteLoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Creates runs for {@link dev.keel.Keel}. Only quick steps happen on the caller's thread
 * (config, run folder, lock, log open); the store opens and the run's name is drawn on a
 * background thread, provenance is captured on another, and the store row is written by the
 * run's writer.
 */
public final class RunFactory {
    /** Marker file in a run folder once its store row exists (spares recovery a look-up). */
    static final String INDEXED_MARK = "indexed";

    private static final List<Long> SEEDS = new CopyOnWriteArrayList<>();
    private static final Map<String, RemoteStore> REMOTES = new ConcurrentHashMap<>();
    private static final ExecutorService BACKGROUND = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "keel-provenance");
        t.setDaemon(true);
        return t;
    });

    private static final AtomicBoolean ENV_RESUME_TAKEN = new AtomicBoolean();
    private static final AtomicBoolean ENV_RUN_ID_TAKEN = new AtomicBoolean();
    private static final AtomicBoolean ENV_SWEEP_METRIC_TAKEN = new AtomicBoolean();
    private static final AtomicBoolean WARMED_UP = new AtomicBoolean();
    /** What console capture's installation waits for: the threads {@link #warmUp} started. */
    private static volatile Thread[] consolePreparation = new Thread[0];

    /** Starts a new run's provenance capture; tests put a capture here that they finish themselves. */
    static volatile Function<RunImpl, CompletableFuture<CapturedProvenance>> provenanceCapture =
            RunFactory::captureProvenance;

    /** Opens a Keel folder's store; tests put an opening here that they finish themselves. */
    static volatile BiFunction<KeelHome, Executor, CompletableFuture<Store>> storeOpening = StoreRegistry::opening;

    private RunFactory() {}

    public static Run create(RunOptions requested) {
        warmUp(requested);
        RunOptions options = withResumeFromEnvironment(requested);
        TrialEnvironment trial = TrialEnvironment.read(System::getenv);
        ReproduceSettings.current();
        if (options.resume() == null && options.sweep() == null && trial.sweep() != null) {
            options = options.toBuilder().sweep(trial.sweep()).build();
        }
        KeelHome home = (options.home() != null ? new KeelHome(options.home()) : KeelHome.resolve()).ensureExists();
        // A new local run's store opens once init's own work is done (init needs nothing from
        // it, and on a small machine its thread would compete with init for the CPU); where the
        // run needs the store first, it opens on another thread while this one resolves the config.
        boolean openLater = options.resume() == null
                && (trial.runId() == null || ENV_RUN_ID_TAKEN.get())
                && storeInBackground(RemoteMode.of(options.server()), options, null);
        CompletableFuture<Store> store = openLater ? new CompletableFuture<>() : storeOpening.apply(home, BACKGROUND);
        List<String> initProblems = new ArrayList<>();
        Map<String, Object> config = ConfigResolver.resolve(options.configSources(), options.overrides(), initProblems);
        String givenId =
                options.resume() == null && trial.runId() != null && ENV_RUN_ID_TAKEN.compareAndSet(false, true)
                        ? trial.runId()
                        : null;
        RunImpl run = options.resume() != null
                ? resume(options, home, StoreRegistry.join(store), config)
                : createNew(options, home, store, openLater, config, initProblems, givenId);
        for (int i = 0; i < initProblems.size(); i++) {
            run.problemsSink().report("init:" + i, initProblems.get(i));
        }
        for (long s : SEEDS) {
            run.seed(s);
        }
        return run;
    }

    /**
     * The first run of a JVM prepares what its last step, console capture, needs while this
     * thread does the rest of init: SLF4J's start on one thread and the C library binding on
     * another. In a fresh JVM, loading classes and native libraries is most of what {@code init}
     * does, and the binding alone takes longer than the rest of init.
     */
    private static void warmUp(RunOptions options) {
        ConsoleMode given = options.console();
        ConsoleMode mode = given == ConsoleMode.AUTO ? ConsoleMode.parse(System.getenv("KEEL_CONSOLE")) : given;
        if (mode == null) {
            mode = given;
        }
        if (mode == ConsoleMode.OFF || !WARMED_UP.compareAndSet(false, true)) {
            return;
        }
        Thread logging = preparing(RunFactory::awaitLoggingStarted);
        Thread libc = mode == ConsoleMode.WRAP ? null : preparing(ConsoleCapture::warmUp);
        consolePreparation = libc == null ? new Thread[] {logging} : new Thread[] {logging, libc};
    }

    private static Thread preparing(Runnable task) {
        Thread t = new Thread(task, "keel-console-prep");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * The database driver and JGit log through SLF4J, whose start may print (no provider on the
     * class path) on whichever thread starts it. Console capture begins only once that is done,
     * so those lines reach the console, as when init opened the store itself, and never a
     * run's console. While another thread is starting it, SLF4J hands out a stand-in factory.
     */
    private static void awaitLoggingStarted() {
        try {
            while (LoggerFactory.getILoggerFactory() instanceof SubstituteLoggerFactory) {
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | LinkageError e) {
            // no SLF4J here: nothing to wait for
        }
    }

    /** Waits for {@link #warmUp}'s work, which console capture's installation needs anyway. */
    private static void awaitConsoleReady() {
        boolean interrupted = false;
        for (Thread t : consolePreparation) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true; // init still installs capture; the caller sees its interrupt
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code KEEL_RESUME=<id>} (set by {@code keel run resume}) makes the first run this process
     * creates continue that run, so a training program resumes without code changes.
     */
    private static RunOptions withResumeFromEnvironment(RunOptions options) {
        String id = System.getenv("KEEL_RESUME");
        if (options.resume() != null || id == null || id.isBlank() || !ENV_RESUME_TAKEN.compareAndSet(false, true)) {
            return options;
        }
        return options.toBuilder().resume(id.trim()).build();
    }

    public static long recordSeed(long seed) {
        SEEDS.add(seed);
        for (RunImpl run : ProcessHooks.active()) {
            run.seed(seed);
        }
        return seed;
    }

    private static RunImpl createNew(
            RunOptions o,
            KeelHome home,
            CompletableFuture<Store> opening,
            boolean openLater,
            Map<String, Object> config,
            List<String> problems,
            String givenId) {
        RemoteMode remote = RemoteMode.of(o.server());
        boolean inBackground = storeInBackground(remote, o, givenId);
        if (openLater && !inBackground) {
            openInto(opening, home);
        }
        List<String> tags = RunLimits.tags(o.tags(), problems);
        String notes = RunLimits.notes(o.notes(), problems);
        String id;
        if (givenId != null) {
            id = givenId;
            if (Files.exists(home.runDir(id))
                    || StoreRegistry.join(opening).run(id).isPresent()) {
                throw KeelException.invalid(TrialEnvironment.RUN_ID + "=" + id + " names a run that exists already in "
                        + home + ": a run id is used once. Unset " + TrialEnvironment.RUN_ID
                        + " to get a new id, or set KEEL_RESUME=" + id + " to continue that run");
            }
        } else {
            do {
                id = Ids.newRunId();
            } while (Files.exists(home.runDir(id)));
        }
        String given = RunLimits.name(o.name(), problems);
        String name = given != null && !given.isBlank() ? given : null;
        // the folder, its lock and the log need only the id: made while the store opens
        RunLock lock = lock(home, id);
        List<String> logProblems = new ArrayList<>(1);
        EventLogWriter log = openLog(home, id, logProblems::add);
        CompletableFuture<Store> store;
        CompletableFuture<String> naming;
        if (inBackground) {
            // the writer creates the store row, and the log holds the run until then: init
            // waits for neither; a store that does not open is a problem of the run's, reported by its writer, while
            // its log keeps everything
            store = opening;
            naming = name != null ? opening.thenApply(s -> given) : nameFrom(opening, o.project());
        } else {
            try {
                Store open = StoreRegistry.join(opening);
                store = CompletableFuture.completedFuture(open);
                if (name == null) {
                    name = Names.friendly(ordinal(remote, open, o.project()));
                }
                naming = CompletableFuture.completedFuture(name);
            } catch (RuntimeException | Error e) {
                abandon(home, id, lock, log);
                throw e;
            }
        }
        long now = System.currentTimeMillis();
        String user = o.user() != null ? o.user() : System.getProperty("user.name", "");
        RunInfo info = new RunInfo(
                id,
                o.project(),
                name != null ? name : RunRecords.UNNAMED,
                o.group(),
                user,
                tags,
                notes,
                RunState.RUNNING,
                now,
                now,
                0,
                0,
                o.sweep(),
                Hosts.name(),
                ProcessHandle.current().pid(),
                config,
                Map.of());
        RunImpl run =
                new RunImpl(id, name, o.project(), config, tags, home, o.strict(), o.queueCapacity(), 0, Map.of());
        run.namedBy(naming);
        logProblems.forEach(p -> run.problemsSink().report("log", p));
        // started last, as the store is: its threads (git, dependency scan) would compete with init
        CompletableFuture<CapturedProvenance> provenance = new CompletableFuture<>();
        RunWriter writer = new RunWriter(
                run,
                queueOf(run),
                store,
                naming,
                home,
                log,
                info,
                false,
                provenance,
                o.flushInterval().toMillis(),
                new SummaryTracker(),
                run.problemsSink());
        writer.beginNew();
        attachSender(remote, home, run, writer);
        ProcessHooks.register(run);
        run.start(writer, lock);
        startCompanions(run, o, home);
        if (!inBackground) {
            watchForStop(run, o.sweep(), remote, store.join());
        } else if (openLater) {
            openInto(opening, home);
        }
        pipe(provenanceCapture.apply(run), provenance);
        return run;
    }

    /** Starts opening {@code home}'s store on a background thread; {@code into} completes with it. */
    private static void openInto(CompletableFuture<Store> into, KeelHome home) {
        pipe(storeOpening.apply(home, BACKGROUND), into);
    }

    private static <T> void pipe(CompletableFuture<T> from, CompletableFuture<T> into) {
        from.whenComplete((v, e) -> {
            if (e != null) {
                into.completeExceptionally(e);
            } else {
                into.complete(v);
            }
        });
    }

    /**
     * Whether a new run may leave its store to the writer: not when something must be asked of
     * the store before the run goes on (a given id, a sweep's stop checks, a server's numbering).
     */
    private static boolean storeInBackground(RemoteMode remote, RunOptions o, String givenId) {
        return !remote.sending()
                && givenId == null
                && (o.sweep() == null || o.sweep().isBlank());
    }

    /** The run's name, from its number in the project, once the store is open. */
    private static CompletableFuture<String> nameFrom(CompletableFuture<Store> opening, String project) {
        return opening.thenApplyAsync(s -> Names.friendly(s.nextRunOrdinal(project)), BACKGROUND);
    }

    /**
     * Remote mode: the run is logged locally as always, and a background sender uploads its
     * event log after every writer cycle; the run's end waits (bounded) for it to catch up.
     */
    private static void attachSender(RemoteMode mode, KeelHome home, RunImpl run, RunWriter writer) {
        if (!mode.sending()) {
            return;
        }
        RemoteStore remote = remoteStore(mode.url());
        RunSender sender = RunSender.start(
                home,
                run.id(),
                remote,
                new LocalBlobStore(home.blobs()),
                mode.finishTimeout().toMillis());
        writer.afterCycle(sender::wake);
        run.sendsThrough(sender);
    }

    /**
     * A sweep's trial watches for its sweep asking it to stop ({@code run.shouldStop()}); the
     * sweep lives where the runs are coordinated: on the server in remote mode.
     */
    private static void watchForStop(RunImpl run, String sweep, RemoteMode remote, Store local) {
        if (sweep == null || sweep.isBlank()) {
            return;
        }
        Store coordinator = remote.sending() ? remoteStore(remote.url()) : local;
        StopCheck check = StopCheck.start(coordinator, run.id(), run::stopRequested, StopCheck.intervalMillis());
        run.addCompanion(check);
        TrialEnvironment trial = TrialEnvironment.read(System::getenv);
        if (trial.metric() != null && ENV_SWEEP_METRIC_TAKEN.compareAndSet(false, true)) {
            run.watchSweepMetric(trial.metric(), trial.pauseAfter(), check::lookSoon);
        }
    }

    /**
     * A stopped run that Hyperband paused at a rung and then promoted: its trial runs again
     * (paused trials' runs end stopped; promotion makes the trial running before its program
     * starts again).
     */
    private static boolean promoted(RunInfo stored, RemoteMode remote, Store local) {
        Object reason = stored.summary().get(RunState.STOP_REASON_KEY);
        if (stored.sweep() == null
                || stored.sweep().isBlank()
                || !(reason instanceof String r && r.startsWith(RunImpl.PAUSE_REASON_PREFIX))) {
            return false;
        }
        try {
            Store coordinator = remote.sending() ? remoteStore(remote.url()) : local;
            // promotion hands the trial back running with no stop asked (SweepStore.resumeTrial)
            return coordinator
                    .sweeps()
                    .trialOfRun(stored.id())
                    .map(t -> t.state() == TrialState.RUNNING && t.reason().isEmpty())
                    .orElse(false);
        } catch (RuntimeException e) {
            return false; // no sweeps here, or the server does not answer: refused as stopped
        }
    }

    /** One client per server per JVM (its connection pool and threads are shared by every run). */
    private static RemoteStore remoteStore(String url) {
        return REMOTES.computeIfAbsent(url, u -> (RemoteStore) Stores.open(u));
    }

    /** Names count the server's runs in remote mode; the local count when the server does not answer. */
    private static long ordinal(RemoteMode mode, Store local, String project) {
        if (mode.sending()) {
            try {
                return remoteStore(mode.url()).nextRunOrdinal(project, Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                // the server is down or refuses: a name is only a name
            }
        }
        return local.nextRunOrdinal(project);
    }

    /** System metrics and console capture, both on their own threads (OSHI's slow start included). */
    private static void startCompanions(RunImpl run, RunOptions o, KeelHome home) {
        ConsoleMode mode = consoleMode(o.console(), System.getenv("KEEL_CONSOLE"), run);
        if (mode != ConsoleMode.OFF) {
            awaitConsoleReady();
            ConsoleCapture.Handle console = ConsoleCapture.install(
                    line -> run.consoleLine(line.stream(), line.epochMillis(), line.text()), mode);
            run.addCompanion(console);
            if (console.fallback() != null && mode == ConsoleMode.REDIRECT) {
                run.problemsSink().report("console", console.fallback());
            } else if (console.fallback() != null) {
                run.problemsSink().warnOnce("console", console.fallback());
            }
        }
        if (o.systemMetrics()) {
            run.addCompanion(SystemMonitor.start(home.root(), o.systemMetricsInterval(), run::logSystem));
        }
    }

    /** The options' mode; where they leave the default, {@code KEEL_CONSOLE} may pick another. */
    static ConsoleMode consoleMode(ConsoleMode given, String env, RunImpl run) {
        if (given != ConsoleMode.AUTO || env == null || env.isBlank()) {
            return given;
        }
        ConsoleMode fromEnv = ConsoleMode.parse(env);
        if (fromEnv == null) {
            run.problemsSink()
                    .report(
                            "console-env",
                            "KEEL_CONSOLE=" + env + " is not a console mode; use auto, "
                                    + "redirect, wrap or off (auto is used)");
            return given;
        }
        return fromEnv;
    }

    private static RunImpl resume(RunOptions o, KeelHome home, Store store, Map<String, Object> newConfig) {
        String id = o.resume();
        if (Ids.isRunId(id) && store.run(id).isEmpty()) {
            // a process killed before its first store write left the run in its event log only
            Recovery.recoverOne(home, store, id);
        }
        RunInfo stored = store.run(id)
                .orElseThrow(() -> KeelException.notFound(
                        "cannot resume run '" + id + "': no such run in " + home + " (check the id with `keel runs`)"));
        if (stored.state() == RunState.RUNNING) {
            if (Liveness.isAlive(home, stored)) {
                throw KeelException.invalid("cannot resume run " + id + ": it is still running (pid " + stored.pid()
                        + " on " + stored.host() + ")");
            }
            Recovery.recoverOne(home, store, id);
            stored = store.run(id).orElseThrow();
        }
        if (stored.state() == RunState.FINISHED) {
            throw KeelException.invalid("cannot resume run " + id + ": it finished; start a new run instead");
        }
        if (stored.state() == RunState.STOPPED && !promoted(stored, RemoteMode.of(o.server()), store)) {
            // its sweep ended it on purpose; a continuation would be a different trial
            throw KeelException.invalid("cannot resume run " + id + ": its sweep stopped it early ("
                    + stored.summary().getOrDefault(RunState.STOP_REASON_KEY, "no reason recorded")
                    + "); start a new run instead");
        }
        Map<String, Object> config = new LinkedHashMap<>(stored.config());
        config.putAll(newConfig);
        long firstStep = nextStepAfter(store, id);
        RunImpl run = new RunImpl(
                id,
                stored.name(),
                stored.project(),
                config,
                new ArrayList<>(stored.tags()),
                home,
                o.strict(),
                o.queueCapacity(),
                firstStep,
                stored.summary());
        run.priorFiles(store.files(id));
        run.consoleSeqFrom(nextConsoleSeq(store, id));
        RunLock lock = lock(home, id);
        EventLogWriter log = openLog(home, id, p -> run.problemsSink().report("log", p));
        if (log != null && log.end() < store.logOffset(id)) {
            // the log lost records the store has (damage was cut off): appending there would
            // give offsets the store treats as already applied
            run.problemsSink()
                    .report(
                            "log",
                            "the event log " + home.eventLog(id) + " is shorter than what the "
                                    + "store has indexed (it was damaged); this session's metrics go to the store only");
            closeQuietly(log);
            log = null;
        }
        SummaryTracker tracker = new SummaryTracker();
        stored.summary().forEach(tracker::put);
        tracker.drainChanged();
        RunWriter writer = new RunWriter(
                run,
                queueOf(run),
                CompletableFuture.completedFuture(store),
                CompletableFuture.completedFuture(stored.name()),
                home,
                log,
                stored,
                true,
                CompletableFuture.completedFuture(CapturedProvenance.none()),
                o.flushInterval().toMillis(),
                tracker,
                run.problemsSink());
        writer.beginResumed(attempts(store.provenance(id), stored));
        writer.addConfig(newConfig);
        RemoteMode remote = RemoteMode.of(o.server());
        attachSender(remote, home, run, writer);
        ProcessHooks.register(run);
        run.start(writer, lock);
        startCompanions(run, o, home);
        watchForStop(run, stored.sweep(), remote, store);
        return run;
    }

    /**
     * One past the highest console line number the run has (0 when none): a few one-line reads,
     * doubling then halving, since "some line at or after n" holds exactly up to the highest.
     */
    static long nextConsoleSeq(Store store, String id) {
        if (store.console(id, 0, 1).isEmpty()) {
            return 0;
        }
        long present = 0;
        long absent = 1;
        while (!store.console(id, absent, 1).isEmpty()) {
            present = absent;
            absent *= 2;
        }
        while (absent - present > 1) {
            long mid = present + (absent - present) / 2;
            if (store.console(id, mid, 1).isEmpty()) {
                absent = mid;
            } else {
                present = mid;
            }
        }
        return absent;
    }

    /**
     * Every process that recorded the run, this one last: the earlier list from provenance, else
     * the process that created it (a run from before attempts were kept).
     */
    static List<Map<String, Object>> attempts(Map<String, Object> provenance, RunInfo stored) {
        List<Map<String, Object>> all = new ArrayList<>();
        if (provenance.get("attempts") instanceof List<?> earlier && !earlier.isEmpty()) {
            for (Object a : earlier) {
                if (a instanceof Map<?, ?> m) {
                    Map<String, Object> copy = new LinkedHashMap<>();
                    m.forEach((k, v) -> copy.put(String.valueOf(k), v));
                    all.add(copy);
                }
            }
        } else {
            all.add(attempt(stored.host(), stored.pid(), stored.createdAt()));
        }
        all.add(attempt(Hosts.name(), ProcessHandle.current().pid(), System.currentTimeMillis()));
        return all;
    }

    private static Map<String, Object> attempt(String host, long pid, long startedAt) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("host", host);
        a.put("pid", pid);
        a.put("started_at", startedAt);
        return a;
    }

    /** One past the highest step the run logged (system metrics aside), 0 when none. */
    private static long nextStepAfter(Store store, String id) {
        long max = -1;
        for (String key : store.metricKeys(id)) {
            if (key.startsWith("system/")) {
                continue;
            }
            MetricSeries s = store.history(id, key);
            for (int i = 0; i < s.size(); i++) {
                max = Math.max(max, s.steps()[i]);
            }
        }
        return max + 1;
    }

    private static RunLock lock(KeelHome home, String id) {
        try {
            Files.createDirectories(home.runDir(id));
            RunLock lock = RunLock.tryAcquire(home.lockFile(id));
            if (lock == null) {
                throw KeelException.invalid(
                        "run " + id + " is in use by another process (its lock " + home.lockFile(id) + " is held)");
            }
            return lock;
        } catch (IOException e) {
            throw new KeelException(
                    KeelException.ErrorCode.STORAGE_FAILURE,
                    "cannot create the run folder " + home.runDir(id) + " (" + e + "): make " + home.root()
                            + " writable or set KEEL_HOME",
                    e);
        }
    }

    /** The run's log, or null (with the problem handed to {@code problem}) when it cannot be opened. */
    private static EventLogWriter openLog(KeelHome home, String id, Consumer<String> problem) {
        try {
            return EventLogWriter.open(home.eventLog(id));
        } catch (IOException | RuntimeException e) {
            problem.accept("cannot open the event log " + home.eventLog(id) + " (" + e
                    + "): metrics go to the store only, without crash recovery. Fix: make "
                    + home.runDir(id)
                    + " writable and make sure events.log is a regular file.");
            return null;
        }
    }

    /**
     * Undoes a new run's folder when the run cannot be created after all (its store does not
     * open): nothing was written to it yet, and an empty folder would list as a damaged run.
     */
    private static void abandon(KeelHome home, String id, RunLock lock, EventLogWriter log) {
        if (log != null) {
            closeQuietly(log);
        }
        lock.close();
        Path dir = home.runDir(id);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException | RuntimeException ignored) {
            // an empty run folder is left behind
        }
    }

    private static void closeQuietly(EventLogWriter log) {
        try {
            log.close();
        } catch (IOException ignored) {
            // nothing was written through it
        }
    }

    /** Git, command, JVM, machine, dependencies…; the uncommitted diff becomes the run file diff.patch. */
    static CompletableFuture<CapturedProvenance> captureProvenance(RunImpl run) {
        List<Long> seeds = List.copyOf(SEEDS);
        return CompletableFuture.supplyAsync(
                () -> {
                    Provenance p = Provenance.capture(Path.of("").toAbsolutePath(), seeds);
                    List<RunFile> files = p.gitDiff()
                            .map(diff -> run.storeText("diff.patch", diff, "diff"))
                            .filter(Objects::nonNull)
                            .map(List::of)
                            .orElse(List.of());
                    return new CapturedProvenance(p.toMap(), files);
                },
                BACKGROUND);
    }

    private static BlockingQueue<Event> queueOf(RunImpl run) {
        return run.queue();
    }
}
