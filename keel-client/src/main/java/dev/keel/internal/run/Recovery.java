package dev.keel.internal.run;

import dev.keel.core.KeelHome;
import dev.keel.core.Names;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.filter.Expr;
import dev.keel.core.filter.Field;
import dev.keel.core.liveness.Hosts;
import dev.keel.core.liveness.Liveness;
import dev.keel.core.liveness.RunEnd;
import dev.keel.core.liveness.RunLock;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.store.WriteBatch;
import dev.keel.internal.log.EventLogReader;
import dev.keel.internal.log.EventType;
import dev.keel.internal.log.LogRecords;
import dev.keel.internal.log.LogReplayer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finishes recording runs whose process vanished, from what they left in their run folder.
 * Whether a run is alive is {@link Liveness}'s call (in keel-core, shared with every reader);
 * this class owns the recovery, which needs the SDK's event log.
 *
 * <pre>{@code
 * Recovery.recoverCrashed(home, store); // before listing runs
 * }</pre>
 */
public final class Recovery {
    private Recovery() {}

    /**
     * Finishes recording every run of this machine whose process vanished: applies the tail of
     * its event log that the store had not applied, then marks it {@code crashed} with
     * {@code endedAt} = its last heartbeat. Also indexes runs that died before the store ever
     * saw them (their log's first record describes them). Safe to call from several processes
     * at once and to repeat: the recoverer holds the run's lock meanwhile, and the store applies
     * each log record once. Returns the ids it marked crashed.
     */
    public static List<String> recoverCrashed(KeelHome home, Store store) {
        List<String> recovered = new ArrayList<>();
        for (RunInfo run : runningRuns(store)) {
            if (!run.host().isEmpty() && !run.host().equals(Hosts.name())) {
                continue;
            }
            if (recoverOne(home, store, run.id())) {
                recovered.add(run.id());
            }
        }
        for (String id : orphans(home, store)) {
            if (recoverOne(home, store, id)) {
                recovered.add(id);
            }
        }
        return recovered;
    }

    /** Recovers one run if its process is gone; false when it is alive, recovered by another, or unknown. */
    static boolean recoverOne(KeelHome home, Store store, String id) {
        Path lockFile = home.lockFile(id);
        if (!Files.exists(home.runDir(id))) {
            return false;
        }
        try (RunLock lock = RunLock.tryAcquire(lockFile)) {
            if (lock == null) {
                return false;
            }
            RunInfo run = store.run(id).orElse(null);
            if (run == null) {
                run = createFromLog(home, store, id);
                if (run == null) {
                    return false;
                }
            }
            if (run.state() != RunState.RUNNING) {
                return false;
            }
            var ended = RunEnd.read(home, id);
            if (ended.isEmpty()) {
                LogReplayer.replay(
                        home.eventLog(id), store, id, RunState.CRASHED, Math.max(run.heartbeatAt(), run.createdAt()));
                return true;
            }
            if (Files.exists(home.eventLog(id))) {
                LogReplayer.replay(home.eventLog(id), store, id, null, 0);
            }
            WriteBatch end = new WriteBatch();
            end.state = ended.get().state();
            end.endedAt = ended.get().endedAt();
            end.runtimeMs = ended.get().runtimeMs();
            end.problems = ended.get().problems();
            store.apply(id, end);
            return true;
        } catch (IOException | RuntimeException e) {
            System.err.println("keel: cannot recover run " + id + " (" + e + "); it shows as crashed meanwhile");
            return false;
        }
    }

    private static List<RunInfo> runningRuns(Store store) {
        try {
            Expr running = new Expr.Compare(Field.parse("state"), Expr.Op.EQ, RunState.RUNNING.label());
            return store.searchRuns(new RunQuery(null, running, null, true, 0, 0));
        } catch (RuntimeException e) {
            return store.searchRuns(RunQuery.all()).stream()
                    .filter(r -> r.state() == RunState.RUNNING)
                    .toList();
        }
    }

    /** Run folders with a log but no store row: runs that died before their first index. */
    private static List<String> orphans(KeelHome home, Store store) {
        List<String> out = new ArrayList<>();
        Path runs = home.root().resolve("runs");
        if (!Files.isDirectory(runs)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(runs)) {
            for (Path d : dirs) {
                String id = d.getFileName().toString();
                if (Files.exists(d.resolve("events.log"))
                        && !Files.exists(d.resolve(RunFactory.INDEXED_MARK))
                        && store.run(id).isEmpty()) {
                    out.add(id);
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static RunInfo createFromLog(KeelHome home, Store store, String id) throws IOException {
        RunInfo info = null;
        String name = null;
        Map<String, Object> provenance = new LinkedHashMap<>();
        try (EventLogReader r = EventLogReader.open(home.eventLog(id))) {
            for (EventLogReader.Entry e; (e = r.next()) != null; ) {
                if (e.type() == EventType.CREATE && info == null) {
                    info = RunRecords.fromMap(LogRecords.readJson(e.payload()));
                } else if (e.type() == EventType.PROVENANCE) {
                    provenance.putAll(LogRecords.readJson(e.payload()));
                } else if (e.type() == EventType.META && info != null) {
                    name = RunRecords.nameOf(info, e.type(), LogRecords.readJson(e.payload()), name);
                }
            }
        }
        if (info == null || !id.equals(info.id())) {
            return null;
        }
        if (RunRecords.unnamed(info)) {
            // the process ended before its store numbered the run: numbered now
            info = info.withName(name != null ? name : Names.friendly(store.nextRunOrdinal(info.project())));
        }
        store.createRun(info, provenance);
        return store.run(id).orElse(null);
    }
}
