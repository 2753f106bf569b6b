package dev.keel.internal.run;

import dev.keel.core.ConsoleLine;
import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.liveness.Hosts;
import dev.keel.core.liveness.RunEnd;
import dev.keel.core.store.Store;
import dev.keel.core.store.WriteBatch;
import dev.keel.internal.log.EventLogWriter;
import dev.keel.internal.log.EventType;
import dev.keel.internal.log.LogRecords;
import dev.keel.internal.log.LogReplayer;
import dev.keel.internal.log.MetricCodec;
import dev.keel.internal.provenance.Provenance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The run's background writer: drains the queue, and every cycle (half the flush interval, on
 * {@code flush()}, or when much is pending) appends the cycle's records to the event log with
 * one write + fsync, then indexes the same records into the store as one {@link WriteBatch}.
 *
 * <p>The log is the source of truth. The store row is created once provenance is captured (or
 * after {@link #PROVENANCE_WAIT_MS}); until then, and after any failed store write, the store
 * is brought up to date by replaying the log from the store's applied offset, so nothing the
 * log holds is indexed twice or skipped. When the log cannot be written, batches go to the
 * store directly; when neither can be written, points are counted as dropped and reported.
 * The writer never stops draining, so {@code log()} never waits on broken storage.
 *
 * <p>The end state goes with the run's problems (what could not be stored). When neither the
 * log nor the store took it, it goes to the space {@link RunEnd} reserved at the start, so that
 * a run whose {@code close()} returned reads as ended, not crashed.
 */
final class RunWriter implements Runnable {
    static final long HEARTBEAT_MS = 2_000;
    static final long PROVENANCE_WAIT_MS = 5_000;
    /** Shortest nap between looks at the queue while points arrive fast. */
    static final long MIN_NAP_MS = 5;

    private static final int EARLY_CYCLE_POINTS = 100_000;
    /**
     * Points per METRICS record. A record is the unit a remote upload sends at once (its end
     * offset is the batch's sequence number), so this bounds the size of an upload request.
     */
    static final int MAX_POINTS_PER_RECORD = 5_000;

    private final RunImpl run;
    private final BlockingQueue<Event> queue;
    private final CompletableFuture<Store> opening;
    private final CompletableFuture<String> naming;
    /** The store, once the run has been created in it. */
    private Store store;

    private final KeelHome home;
    private final Problems problems;
    private final long cycleMs;
    private final Future<CapturedProvenance> provenance;
    private final long startedAt = System.currentTimeMillis();
    private final long priorRuntimeMs;
    private final SummaryTracker summary;
    private final List<Long> seeds = new ArrayList<>();

    private EventLogWriter log;
    private RunInfo info;
    private boolean created;
    private boolean provenanceRecorded;
    private boolean needCatchUp;
    private WriteBatch pending = new WriteBatch();
    private final List<Map.Entry<EventType, Map<String, Object>>> records = new ArrayList<>();
    private final List<CountDownLatch> flushWaiters = new ArrayList<>();
    private final List<Event> drained = new ArrayList<>(1024);
    private final int queueRoom;
    private long lastLook = System.nanoTime();
    private long napNanos = TimeUnit.MILLISECONDS.toNanos(MIN_NAP_MS);
    private long lastCycle = startedAt;
    private long lastHeartbeat;
    private Event.End end;
    private boolean endStored;
    /** Whether anything reached the log: before the run is created, only the log holds it. */
    private boolean logged;

    private String logFailure;
    private volatile Runnable afterCycle;

    RunWriter(
            RunImpl run,
            BlockingQueue<Event> queue,
            CompletableFuture<Store> store,
            CompletableFuture<String> naming,
            KeelHome home,
            EventLogWriter log,
            RunInfo info,
            boolean alreadyInStore,
            Future<CapturedProvenance> provenance,
            long flushMs,
            SummaryTracker summary,
            Problems problems) {
        this.run = run;
        this.queue = queue;
        this.queueRoom = queue.size() + queue.remainingCapacity();
        this.opening = store;
        this.naming = naming;
        this.store = alreadyInStore ? store.join() : null;
        this.home = home;
        this.log = log;
        this.info = info;
        this.created = alreadyInStore;
        this.needCatchUp = alreadyInStore;
        this.provenance = provenance;
        this.cycleMs = Math.max(1, flushMs / 2);
        this.priorRuntimeMs = alreadyInStore ? info.runtimeMs() : 0;
        this.summary = summary;
        this.problems = problems;
    }

    /**
     * Writes the run itself as the log's first record, at once and without fsync: a process
     * killed right after init still leaves a run that recovery can index.
     */
    void beginNew() {
        if (log == null) {
            return;
        }
        log.add(EventType.CREATE, LogRecords.json(RunRecords.toMap(info)));
        try {
            log.commit(false);
            logged = true;
        } catch (IOException e) {
            problems.report(
                    "log",
                    "cannot write the event log " + home.eventLog(run.id()) + " (" + e
                            + "): metrics go to the store only. Fix: free disk space or make " + home.root()
                            + " writable.");
            closeLog();
        }
    }

    /** Runs after every writer cycle, on the writer thread; must not block (wakes the remote sender). */
    void afterCycle(Runnable r) {
        this.afterCycle = r;
    }

    /** Queues the return to running of a resumed run. */
    /**
     * Marks the run running again, recorded by this process (its host and pid replace the
     * stopped one's); {@code attempts} (provenance) lists every process that recorded the run.
     */
    void beginResumed(List<Map<String, Object>> attempts) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("state", RunState.RUNNING.label());
        state.put("endedAt", 0L);
        state.put("host", Hosts.name());
        state.put("pid", ProcessHandle.current().pid());
        records.add(new SimpleEntry<>(EventType.STATE, state));
        records.add(new SimpleEntry<>(EventType.PROVENANCE, Map.of("attempts", attempts)));
    }

    /** Adds config values to the run (resume with new config sources). */
    void addConfig(Map<String, Object> config) {
        if (!config.isEmpty()) {
            records.add(new SimpleEntry<>(EventType.CONFIG, new LinkedHashMap<>(config)));
        }
    }

    @Override
    public void run() {
        // Taken first, while there is space, for an end that neither the log nor the store can
        // take; here rather than in init, which must not wait for its fsync.
        RunEnd.reserve(home, run.id());
        try {
            while (end == null) {
                long now = System.currentTimeMillis();
                long wait = created ? Math.max(0, lastCycle + cycleMs - now) : Math.min(20, cycleMs);
                Event first = queue.poll();
                if (first == null) {
                    // Park rather than wait on the queue: a writer blocked in poll(timeout) makes
                    // every offer() on the training thread pay for a futex wake-up (~5-10 µs).
                    // Flush, End and a full queue unpark it at once.
                    LockSupport.parkNanos(Math.min(TimeUnit.MILLISECONDS.toNanos(wait), napNanos));
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                    first = queue.poll();
                }
                int found = 0;
                if (first != null) {
                    handle(first);
                    drained.clear();
                    found = 1 + queue.drainTo(drained, 4096);
                    for (Event e : drained) {
                        handle(e);
                    }
                    drained.clear();
                }
                adaptNap(found);
                now = System.currentTimeMillis();
                boolean provenanceJustReady = !created && provenance.isDone();
                if (end != null
                        || !flushWaiters.isEmpty()
                        || now - lastCycle >= cycleMs
                        || pending.metrics.size() >= EARLY_CYCLE_POINTS
                        || provenanceJustReady) {
                    cycleSafely();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cycleSafely();
        } finally {
            closeLog();
            recordEndOutsideTheStore();
            releaseWaiters();
        }
    }

    /** The end, where readers find it when neither the log nor the store took it (see RunEnd). */
    private void recordEndOutsideTheStore() {
        if (end == null || endStored) {
            return;
        }
        RunEnd.Ended ended = new RunEnd.Ended(
                end.state(), end.endedAt(), priorRuntimeMs + (end.endedAt() - startedAt), problems.snapshot());
        if (!RunEnd.record(home, run.id(), ended)) {
            problems.report(
                    "end",
                    "cannot record the run's end anywhere (event log, store and "
                            + RunEnd.path(home, run.id()) + " all failed): readers will show it as crashed."
                            + " Fix: free disk space in " + home.root());
        }
    }

    /**
     * Sizes the next nap so that, at the rate events arrived since the last look, the queue
     * would be at most 1/32 full when the writer looks again (few enough events to still be in
     * the cache when it reads them). A loop that logs a few
     * hundred times a second is then drained once per cycle instead of every few milliseconds:
     * each wake-up is CPU taken from the other core, which the training loop may share. A burst
     * that fills the queue anyway wakes the writer (see RunImpl#enqueue).
     */
    private void adaptNap(int found) {
        long now = System.nanoTime();
        long since = Math.max(1, now - lastLook);
        lastLook = now;
        napNanos = napAfter(
                since,
                found,
                queueRoom,
                TimeUnit.MILLISECONDS.toNanos(MIN_NAP_MS),
                TimeUnit.MILLISECONDS.toNanos(cycleMs));
    }

    /** The nap after a look that found {@code found} events {@code sinceNanos} after the one before. */
    static long napAfter(long sinceNanos, int found, int queueRoom, long floorNanos, long ceilingNanos) {
        if (found == 0) {
            return ceilingNanos;
        }
        double nanosPerEvent = sinceNanos / (double) found;
        long fill = (long) (nanosPerEvent * (queueRoom / 32.0));
        return Math.max(floorNanos, Math.min(ceilingNanos, fill));
    }

    private void handle(Event e) {
        if (e instanceof Event.Points p) {
            for (int i = 0; i < p.n(); i++) {
                pending.metrics.add(p.keys()[i], p.step(), p.timestamp(), p.values()[i]);
                summary.point(p.keys()[i], p.values()[i]);
            }
        } else if (e instanceof Event.SummaryPut s) {
            summary.put(s.key(), s.value());
        } else if (e instanceof Event.Define d) {
            summary.define(d.metric(), d.mode());
        } else if (e instanceof Event.Meta m) {
            Map<String, Object> meta = new LinkedHashMap<>();
            if (m.notes() != null) {
                meta.put("notes", m.notes());
            }
            if (m.addTags() != null) {
                meta.put("tags", run.tagsSnapshot());
            }
            records.add(new SimpleEntry<>(EventType.META, meta));
        } else if (e instanceof Event.Console c) {
            records.add(new SimpleEntry<>(
                    EventType.CONSOLE,
                    LogRecords.console(new ConsoleLine(c.seq(), c.timestamp(), c.stream(), c.text()))));
        } else if (e instanceof Event.File f) {
            records.add(new SimpleEntry<>(EventType.FILE, LogRecords.file(f.file())));
        } else if (e instanceof Event.FileRemoved f) {
            records.add(new SimpleEntry<>(EventType.FILE, LogRecords.removedFile(f.name())));
        } else if (e instanceof Event.Rewind r) {
            // points of this cycle logged before the rewind are filtered now; the ones logged
            // after it are added later: appendToLog writes the REWIND record before them
            pending.rewindTo(r.step());
        } else if (e instanceof Event.Seed s) {
            seeds.add(s.seed());
            records.add(new SimpleEntry<>(EventType.PROVENANCE, Map.of("seeds", List.copyOf(seeds))));
        } else if (e instanceof Event.Flush f) {
            flushWaiters.add(f.done());
        } else if (e instanceof Event.End x) {
            end = x;
        }
    }

    private void cycleSafely() {
        try {
            cycle();
        } catch (RuntimeException | Error e) {
            problems.report(
                    "writer-bug",
                    "the writer failed unexpectedly (" + e + "); " + pending.metrics.size()
                            + " points of this cycle are lost. Please report this.");
            problems.dropped(pending.metrics.size());
            pending = new WriteBatch();
            records.clear();
        }
        lastCycle = System.currentTimeMillis();
        releaseWaiters();
        Runnable r = afterCycle;
        if (r != null) {
            r.run();
        }
    }

    private void cycle() {
        long now = System.currentTimeMillis();
        long runtime = priorRuntimeMs + (now - startedAt);
        if (now - lastHeartbeat >= HEARTBEAT_MS || end != null) {
            records.add(new SimpleEntry<>(EventType.HEARTBEAT, Map.of("at", now, "runtimeMs", runtime)));
            lastHeartbeat = now;
        }
        Map<String, Object> changed = summary.drainChanged();
        if (!changed.isEmpty()) {
            records.add(new SimpleEntry<>(EventType.SUMMARY, changed));
            run.publishSummary(changed);
        }
        if (end != null) {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("state", end.state().label());
            state.put("endedAt", end.endedAt());
            state.put("runtimeMs", priorRuntimeMs + (end.endedAt() - startedAt));
            if (end.error() != null) {
                state.put("error", end.error());
            }
            List<String> sofar = problems.snapshot();
            if (!sofar.isEmpty()) {
                state.put("problems", sofar);
            }
            records.add(new SimpleEntry<>(EventType.STATE, state));
        }
        if (created
                && !needCatchUp
                && records.isEmpty()
                && pending.metrics.isEmpty()
                && pending.truncateAfterStep == WriteBatch.NO_TRUNCATION
                && (provenanceRecorded || !provenance.isDone())) {
            return; // an idle cycle: nothing to write, no transaction
        }
        if (end != null && !provenanceRecorded) {
            // an ending run must not lose what it ran; flush() does not wait: the row is created
            // with a stand-in and the capture replaces it when it is done (provenanceRecorded)
            awaitProvenance();
        }
        if (!provenanceRecorded && provenance.isDone()) {
            // also after creation: a capture slower than PROVENANCE_WAIT_MS replaces the stand-in
            Map<String, Object> p = provenanceNow();
            p.putIfAbsent("error", null);
            records.add(new SimpleEntry<>(EventType.PROVENANCE, p));
            for (RunFile f : capturedFiles()) {
                records.add(new SimpleEntry<>(EventType.FILE, LogRecords.file(f)));
            }
            provenanceRecorded = true;
        }
        WriteBatch batch = pending;
        pending = new WriteBatch();
        for (Map.Entry<EventType, Map<String, Object>> r : records) {
            LogRecords.applyTo(batch, r.getKey(), r.getValue());
        }
        boolean inLog = appendToLog(batch);
        records.clear();
        index(batch, inLog);
    }

    /** Writes the cycle's records; false when the log is (or just became) unusable. */
    private boolean appendToLog(WriteBatch batch) {
        if (log == null) {
            return false;
        }
        if (batch.truncateAfterStep != WriteBatch.NO_TRUNCATION) {
            log.add(EventType.REWIND, LogRecords.json(LogRecords.rewind(batch.truncateAfterStep)));
        }
        for (int from = 0; from < batch.metrics.size(); ) {
            MetricCodec.Encoded enc = MetricCodec.encode(
                    batch.metrics, from, Math.min(batch.metrics.size(), from + MAX_POINTS_PER_RECORD));
            log.add(EventType.METRICS, enc.payload());
            from += enc.taken();
        }
        for (Map.Entry<EventType, Map<String, Object>> r : records) {
            log.add(r.getKey(), LogRecords.json(r.getValue()));
        }
        try {
            batch.logOffset = log.commit();
            logged = true;
            return true;
        } catch (IOException e) {
            logFailure = e.getMessage();
            problems.report(
                    "log",
                    "cannot write the event log " + home.eventLog(run.id()) + " (" + e
                            + "): metrics now go to the store only. Fix: free disk space or make "
                            + home.root() + " writable, then resume the run to keep logging durably.");
            log.discardPending();
            closeLog();
            return false;
        }
    }

    private void index(WriteBatch batch, boolean inLog) {
        if (!created) {
            boolean waited = System.currentTimeMillis() - startedAt >= PROVENANCE_WAIT_MS;
            if (inLog && !provenance.isDone() && !waited && end == null && flushWaiters.isEmpty()) {
                return; // the log holds it; the store catches up once the run is created
            }
            if (!createInStore()) {
                if (!inLog) {
                    problems.dropped(batch.metrics.size(), neitherWritten("the store refused the run"));
                }
                return;
            }
            // what only the log holds (written before the run was created) must reach the store
            // first, also when this batch could not be logged
            needCatchUp = logged;
        }
        try {
            boolean replayed = false;
            if (needCatchUp) {
                try {
                    LogReplayer.replay(home.eventLog(run.id()), store, run.id(), null, 0);
                    replayed = true;
                } catch (IOException | RuntimeException e) {
                    if (inLog) {
                        throw e;
                    }
                    problems.report(
                            "catch-up",
                            "cannot read back the event log " + home.eventLog(run.id()) + " (" + e
                                    + "); what only it holds is missing from the store until the run is resumed");
                }
                needCatchUp = false;
            }
            if (!inLog) {
                batch.logOffset = -1;
                store.apply(run.id(), batch);
            } else if (!replayed) {
                store.apply(run.id(), batch);
            }
            endStored = batch.state != null && batch.state.isTerminal();
        } catch (IOException | RuntimeException e) {
            problems.report(
                    "store",
                    "cannot index into the store " + home.database() + " (" + e + ")"
                            + (inLog
                                    ? "; the event log keeps everything and the store catches up when it can"
                                    : "; these points are lost")
                            + ". Fix: free disk space or make " + home.root() + " writable.");
            if (inLog) {
                needCatchUp = true;
            } else {
                problems.dropped(batch.metrics.size(), neitherWritten(String.valueOf(e.getMessage())));
            }
        }
    }

    /** Why points were lost: the log's failure (the first cause, e.g. a full disk), else the store's. */
    private String neitherWritten(String storeFailure) {
        return "the event log and the store could not be written (" + (logFailure != null ? logFailure : storeFailure)
                + ")";
    }

    private boolean createInStore() {
        Map<String, Object> prov = provenanceNow();
        Store opened;
        try {
            opened = StoreRegistry.join(opening);
            if (RunRecords.unnamed(info)) {
                // the log's CREATE record has no name: a META record gives it to readers of the log
                String name = naming.join();
                info = info.withName(name);
                nameInLog(name);
            }
        } catch (RuntimeException e) {
            KeelException failure = run.storeFailure();
            problems.report(
                    "store-open",
                    (failure != null
                            ? failure.getMessage()
                            : "cannot open the store " + home.database() + " (" + e + ")"));
            return false;
        }
        try {
            opened.createRun(info, prov);
            store = opened;
            created = true;
            try {
                Files.createFile(home.runDir(run.id()).resolve(RunFactory.INDEXED_MARK));
            } catch (IOException | RuntimeException ignored) {
                // only spares readers a store look-up
            }
            return true;
        } catch (RuntimeException e) {
            problems.report(
                    "create",
                    "cannot create the run in the store " + home.database() + " (" + e + "). Fix: make " + home.root()
                            + " writable or free disk space.");
            return false;
        }
    }

    /** Appends the run's name to the log at once (the cycle's own records are already written). */
    private void nameInLog(String name) {
        if (log == null) {
            return;
        }
        log.add(EventType.META, LogRecords.json(Map.of("name", name)));
        try {
            log.commit(false);
        } catch (IOException e) {
            // readers of the log alone name the run from the store's count instead
            log.discardPending();
        }
    }

    private void awaitProvenance() {
        long left = PROVENANCE_WAIT_MS - (System.currentTimeMillis() - startedAt);
        if (left > 0) {
            try {
                provenance.get(left, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // recorded by provenanceNow()
            }
        }
    }

    private List<RunFile> capturedFiles() {
        try {
            return provenance.get().files();
        } catch (Exception e) {
            return List.of();
        }
    }

    private Map<String, Object> provenanceNow() {
        return provenanceNow(provenance, seeds);
    }

    /**
     * The captured sections, or a stand-in while the capture is still running: the stand-in holds
     * the command line, which is cheap to read, so a run killed early can still be resumed.
     */
    static Map<String, Object> provenanceNow(Future<CapturedProvenance> provenance, List<Long> seeds) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (provenance.isDone()) {
            try {
                p.putAll(provenance.get().sections());
            } catch (Exception e) {
                p.put("error", "provenance capture failed: " + e);
            }
        } else {
            p.put(
                    "error",
                    "provenance capture had not finished (it is recorded when it does, within " + PROVENANCE_WAIT_MS
                            + " ms of the start)");
            p.put("command", Provenance.command(Path.of("").toAbsolutePath()));
        }
        if (!seeds.isEmpty()) {
            p.put("seeds", List.copyOf(seeds));
        }
        return p;
    }

    private void releaseWaiters() {
        for (CountDownLatch l : flushWaiters) {
            l.countDown();
        }
        flushWaiters.clear();
    }

    private void closeLog() {
        if (log != null) {
            try {
                log.close();
            } catch (IOException ignored) {
                // nothing buffered is lost: commit already wrote or reported it
            }
            log = null;
        }
    }
}
