package dev.keel.home;

import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.provenance.Reproductions;
import dev.keel.core.store.Store;
import dev.keel.core.store.WriteBatch;
import dev.keel.internal.remote.LogUpload;
import dev.keel.internal.remote.RemoteStore;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code keel sync}: uploads runs recorded locally (offline mode, or a remote run whose upload
 * was cut short) to a server. Each run's event log is sent from the offset the server holds,
 * so syncing again sends nothing and an interrupted sync resumes where it stopped. A run the
 * local store knows as ended (finished, or recovered as crashed) is marked so on the server too,
 * and a reproduction's verdict, which {@code keel reproduce} writes to the store after the run's
 * log ended, goes with it (see {@link Reproductions}).
 */
public final class Sync {
    private Sync() {}

    /** What happened to one run. */
    public record Outcome(String runId, long bytesSent, boolean complete, String problem) {}

    /**
     * Syncs {@code runIds}, or every run with an event log under {@code home} when empty, to
     * {@code server}: a store opened from the server's URL ({@code Stores.open("http://…")}).
     * {@code local} (may be null) gives the local state of each run.
     */
    public static List<Outcome> run(KeelHome home, Store local, Store server, List<String> runIds) {
        if (!(server instanceof RemoteStore remote)) {
            throw KeelException.invalid("sync uploads to a Keel server, and "
                    + server.getClass().getSimpleName() + " is a local store: open the target with its http(s):// URL");
        }
        List<String> ids = runIds.isEmpty() ? logged(home) : runIds;
        LocalBlobStore blobs = new LocalBlobStore(home.blobs());
        List<Outcome> out = new ArrayList<>();
        for (String id : ids) {
            if (!Files.exists(home.eventLog(id))) {
                out.add(new Outcome(id, 0, false, "no event log at " + home.eventLog(id)));
                continue;
            }
            try {
                long before = remote.logOffsetIfExists(id).orElse(0);
                LogUpload.Result r = LogUpload.upload(home, id, remote, blobs);
                endState(id, local, remote);
                reproduction(id, local, remote);
                out.add(new Outcome(
                        id,
                        Math.max(0, r.applied() - before),
                        r.caughtUp(),
                        r.damaged()
                                ? "the local log is damaged past offset " + r.validEnd() + "; the rest was sent"
                                : null));
            } catch (IOException | RuntimeException e) {
                String why = e instanceof KeelException ? e.getMessage() : e.toString();
                out.add(new Outcome(id, 0, false, why));
                if (e instanceof KeelException k && k.code() == KeelException.ErrorCode.TEMPORARILY_UNAVAILABLE) {
                    break; // the server is down: the other runs would fail the same way
                }
            }
        }
        return out;
    }

    /** The server learns how a run ended when only the local store knows it (recovered as crashed). */
    private static void endState(String id, Store local, RemoteStore remote) {
        if (local == null) {
            return;
        }
        Optional<RunInfo> mine = local.run(id);
        if (mine.isEmpty() || !mine.get().state().isTerminal()) {
            return;
        }
        Optional<RunInfo> theirs = remote.run(id);
        if (theirs.isPresent() && !theirs.get().state().isTerminal()) {
            WriteBatch b = new WriteBatch();
            b.state = mine.get().state();
            b.endedAt = mine.get().endedAt();
            b.runtimeMs = mine.get().runtimeMs();
            remote.apply(id, b);
        }
    }

    /** The reproduction link, verdict and tag, when the server does not have this verdict yet. */
    private static void reproduction(String id, Store local, RemoteStore remote) {
        if (local == null) {
            return;
        }
        Map<String, Object> mine = local.provenance(id);
        Object record = mine.get(Reproductions.RECORD);
        if (!(mine.get(Reproductions.REPRODUCES) instanceof String original)
                || record == null
                || record.equals(remote.provenance(id).get(Reproductions.RECORD))) {
            return;
        }
        WriteBatch b = new WriteBatch();
        b.provenance.put(Reproductions.REPRODUCES, original);
        b.provenance.put(Reproductions.RECORD, record);
        Optional<RunInfo> theirs = remote.run(id);
        if (theirs.isPresent() && !theirs.get().tags().contains(Reproductions.tag(original))) {
            List<String> tags = new ArrayList<>(theirs.get().tags());
            tags.add(Reproductions.tag(original));
            b.tags = tags;
        }
        remote.apply(id, b);
    }

    /** Run ids with an event log under {@code home}, sorted. */
    static List<String> logged(KeelHome home) {
        List<String> ids = new ArrayList<>();
        Path runs = home.root().resolve("runs");
        if (!Files.isDirectory(runs)) {
            return ids;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(runs)) {
            for (Path d : dirs) {
                if (Files.isRegularFile(d.resolve("events.log"))) {
                    ids.add(d.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new KeelException(KeelException.ErrorCode.STORAGE_FAILURE, "cannot list " + runs + " (" + e + ")", e);
        }
        ids.sort(null);
        return ids;
    }
}
