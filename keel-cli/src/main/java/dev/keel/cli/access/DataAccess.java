package dev.keel.cli.access;

import dev.keel.core.KeelException;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.data.RunInput;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.data.Datasets;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Opens the dataset engine for {@code keel data …} and joins datasets with runs (lineage, the
 * blobs runs keep). Only {@code data add} creates a store; readers fail with a clear message.
 */
public final class DataAccess {
    private final StoreAccess access;

    public DataAccess(StoreAccess access) {
        this.access = access;
    }

    public StoreAccess store() {
        return access;
    }

    /** The engine, creating the Keel folder and its store when needed (for adds). */
    public Datasets openForWriting() {
        return Datasets.open(access.home());
    }

    /** The engine when a store exists at the home. */
    public Optional<Datasets> openIfExists() {
        return Files.exists(access.home().database()) ? Optional.of(Datasets.open(access.home())) : Optional.empty();
    }

    /** The engine; fails naming the folder and the fix when nothing was recorded there. */
    public Datasets openExisting() {
        return openIfExists()
                .orElseThrow(() -> KeelException.notFound(
                        "no Keel store at " + access.home().database()
                                + ": no dataset was added there yet ('keel data add NAME PATH' adds one), or point KEEL_HOME"
                                + " (or --home) at the .keel folder that holds your datasets"));
    }

    /**
     * The addresses of every file any run keeps (artifacts, checkpoints, saved diffs…) or any
     * registered model version lists: a blob clean-up must keep them even though no dataset
     * version references them.
     */
    public Set<String> runBlobs() {
        Set<String> live = new HashSet<>();
        Optional<Store> maybe = access.openIfExists();
        if (maybe.isEmpty()) {
            return live;
        }
        try (Store store = maybe.get()) {
            for (RunInfo run : store.searchRuns(new RunQuery(null, null, null, true, 0, 0))) {
                for (RunFile f : store.files(run.id())) {
                    live.add(f.hash());
                }
            }
            // a model version keeps its files after its run is removed
            try {
                live.addAll(store.models().heldHashes());
            } catch (UnsupportedOperationException e) {
                // a store without a registry holds no versions
            }
        }
        return live;
    }

    /** The names of the runs with these ids (ids of removed runs are absent). */
    public Map<String, RunInfo> runs(List<RunInput> inputs) {
        Map<String, RunInfo> out = new LinkedHashMap<>();
        Optional<Store> maybe = access.openIfExists();
        if (maybe.isEmpty()) {
            return out;
        }
        try (Store store = maybe.get()) {
            for (RunInput in : inputs) {
                store.run(in.runId()).ifPresent(r -> out.put(r.id(), r));
            }
        }
        return out;
    }

    /** Run id → the dataset versions it used, for the runs table; empty when no run used any. */
    public static Map<String, List<RunInput>> inputsByRun(Datasets data) {
        Map<String, List<RunInput>> out = new LinkedHashMap<>();
        // Per version, not per run: there are far fewer versions than runs in a big table.
        data.list()
                .forEach(d -> data.log(d.dataset().name()).forEach(v -> {
                    for (RunInput in : data.usesOf(v.ref())) {
                        out.computeIfAbsent(in.runId(), k -> new ArrayList<>()).add(in);
                    }
                }));
        out.values().forEach(l -> l.sort((a, b) -> a.ref().compareTo(b.ref())));
        return out;
    }
}
