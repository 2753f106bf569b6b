package dev.keel.core.model;

import dev.keel.core.KeelException;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.blob.BlobStore;
import dev.keel.core.blob.CorruptBlobException;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.RunInput;
import dev.keel.core.store.Store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Registers a run's files as a model version and hands versions back as files: what
 * {@code keel model …} and the SDK call. A version lists the hashes of files the run already
 * keeps in the blob store, so registering copies no bytes; pulling copies each blob out,
 * verified against its hash.
 *
 * <pre>{@code
 * ModelVersion v = new ModelRegistry(store, blobs, datasets)
 *         .register("apparel", Registration.of(runId).checkpoint("best"));
 * }</pre>
 */
public final class ModelRegistry {
    private static final String CHECKPOINT = "checkpoint";

    private final Store store;
    private final BlobStore blobs;
    private final DatasetStore datasets;

    /**
     * {@code datasets} may be null: versions then record no dataset lineage. Over a server's store
     * ({@link ServedModelStore}) {@code blobs} and {@code datasets} may both be null: the server
     * reads runs and bytes itself.
     */
    public ModelRegistry(Store store, BlobStore blobs, DatasetStore datasets) {
        this.store = store;
        this.blobs = blobs;
        this.datasets = datasets;
    }

    public ModelStore models() {
        return store.models();
    }

    /** Stores the next version of {@code name} from the run's files that {@code what} selects. */
    public ModelVersion register(String name, Registration what) {
        ModelRef.checkName(name, name);
        if (store.models() instanceof ServedModelStore served) {
            return served.register(name, what);
        }
        RunInfo run = store.run(what.runId())
                .orElseThrow(() -> KeelException.notFound(
                        "no run '" + what.runId() + "': 'keel runs' lists the runs" + " of this Keel store"));
        List<RunFile> runFiles = store.files(run.id());
        Map<String, ModelFile> files = new TreeMap<>();
        if (what.checkpoint() != null || what.path() == null) {
            RunFile c = checkpoint(run.id(), runFiles, what.checkpoint());
            files.put(baseName(c.name()), new ModelFile(baseName(c.name()), c.hash(), c.size()));
        }
        if (what.path() != null) {
            for (ModelFile f : artifact(run.id(), runFiles, what.path())) {
                files.put(f.path(), f);
            }
        }
        for (ModelFile f : files.values()) {
            if (!blobs.has(f.hash())) {
                throw KeelException.notFound("run " + run.id() + "'s file " + f.path() + " (" + f.hash() + ") is not in"
                        + " the blob store: its bytes were removed or never reached it; register another file");
            }
        }
        VersionDraft draft = new VersionDraft(
                List.copyOf(files.values()),
                lineage(run),
                what.signature(),
                what.tags(),
                what.description(),
                what.by() != null ? what.by() : run.user());
        return store.models().register(name, run.project(), draft.createdBy(), draft);
    }

    /** The version {@code ref} names; see {@link ModelRef}. */
    public ModelVersion resolve(String ref) {
        return store.models().resolve(ModelRef.parse(ref));
    }

    /**
     * Writes the version's files under {@code dir}, each verified against its hash while copied
     * (a damaged blob fails with {@code CorruptBlobException} and replaces nothing).
     */
    public ModelVersion pull(String ref, Path dir) {
        ModelVersion v = resolve(ref);
        Path root = dir.toAbsolutePath().normalize();
        for (ModelFile f : v.files()) {
            Path target = root.resolve(f.path()).normalize();
            if (!target.startsWith(root)) {
                throw KeelException.invalid(
                        v.ref() + " lists a file outside its folder (" + f.path() + "): not pulled");
            }
            try {
                if (store.models() instanceof ServedModelStore served) {
                    served.download(v, f, target);
                } else {
                    blobs.copyTo(f.hash(), target);
                }
            } catch (NoSuchFileException e) {
                throw KeelException.notFound("cannot pull " + v.ref() + ": the bytes of its file " + f.path() + " ("
                        + f.hash() + ") are not in the blob store (removed by a clean-up or never copied here)");
            } catch (CorruptBlobException e) {
                throw new KeelException(
                        KeelException.ErrorCode.CORRUPT_DATA,
                        "cannot pull " + v.ref() + ": its file " + f.path() + " is damaged in the blob store ("
                                + e.getMessage() + "); nothing was written in its place",
                        e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot pull " + f.path() + " of " + v.ref() + " into " + root, e);
            }
        }
        return v;
    }

    /**
     * Points {@code NAME@ALIAS} at the version {@code version} names ({@code 3}, {@code v3} or a ref),
     * after checking {@code gate} (null for none) against its metrics.
     */
    public AliasMove alias(String nameAtAlias, String version, String gate, String by) {
        ModelRef target = ModelRef.parse(nameAtAlias);
        if (target.alias() == null) {
            throw KeelException.invalid("'" + nameAtAlias + "' names no alias: write NAME@ALIAS, e.g. " + target.name()
                    + "@production ('latest' always means the newest version and cannot be set)");
        }
        String v = version.strip();
        ModelVersion chosen =
                resolve(v.matches("v?[0-9]+") ? target.name() + ":" + (v.startsWith("v") ? v : "v" + v) : v);
        if (!chosen.model().equals(target.name())) {
            throw KeelException.invalid(chosen.ref() + " is a version of another model: an alias of " + target.name()
                    + " points at one of its own versions");
        }
        if (gate != null && !gate.isBlank()) {
            ModelGate.parse(gate).check(chosen);
        }
        return store.models().moveAlias(target.name(), target.alias(), chosen.version(), by == null ? "" : by);
    }

    private RunFile checkpoint(String runId, List<RunFile> runFiles, String which) {
        List<RunFile> ckpts = runFiles.stream()
                .filter(f -> CHECKPOINT.equals(f.kind()))
                .sorted(Comparator.comparing(RunFile::name))
                .toList();
        if (which != null && !which.equals("best") && !which.equals("last")) {
            return runFiles.stream()
                    .filter(f -> f.name().equals(which)
                            || (CHECKPOINT.equals(f.kind())
                                    && baseName(f.name()).equals(which)))
                    .findFirst()
                    .orElseThrow(() -> KeelException.notFound("run " + runId + " keeps no file '" + which + "' (its"
                            + " checkpoints: " + names(ckpts) + "): give best, last or one of its files"));
        }
        if (ckpts.isEmpty()) {
            throw KeelException.notFound("run " + runId + " kept no checkpoints: save one with"
                    + " run.checkpoints().save(…), or register a file it kept with --path ARTIFACT");
        }
        if ("last".equals(which)) {
            return ckpts.get(ckpts.size() - 1);
        }
        Optional<RunFile> best = best(ckpts);
        if (best.isPresent()) {
            return best.get();
        }
        if ("best".equals(which)) {
            throw KeelException.invalid("run " + runId + "'s checkpoints do not say which is best (the run did not call"
                    + " checkpoints().keepBest(metric, mode)): give --checkpoint last or a file (" + names(ckpts)
                    + ")");
        }
        return ckpts.get(ckpts.size() - 1);
    }

    /** The best checkpoint by the metric the newest one says the run kept the best by. */
    private Optional<RunFile> best(List<RunFile> ckpts) {
        String by = null;
        boolean max = true;
        RunFile best = null;
        double bestValue = 0;
        for (int i = ckpts.size() - 1; i >= 0; i--) {
            Map<String, Object> header = header(ckpts.get(i));
            if (by == null) {
                if (!(header.get("best_by") instanceof String b)) {
                    return Optional.empty();
                }
                by = b;
                max = !"min".equals(header.get("best_mode"));
            }
            if (header.get("metrics") instanceof Map<?, ?> m && m.get(by) instanceof Number n) {
                double value = n.doubleValue();
                if (!Double.isNaN(value) && (best == null || (max ? value > bestValue : value < bestValue))) {
                    best = ckpts.get(i);
                    bestValue = value;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    private Map<String, Object> header(RunFile f) {
        try (InputStream in = blobs.openRange(f.hash(), 0, Math.min(f.size(), (1 << 20) + 16))) {
            return CheckpointHeaders.read(in).orElse(Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + f.name() + " (" + f.hash() + ")", e);
        }
    }

    private static List<ModelFile> artifact(String runId, List<RunFile> runFiles, String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        List<ModelFile> out = new ArrayList<>();
        for (RunFile f : runFiles) {
            if (f.name().equals(p)) {
                out.add(new ModelFile(baseName(f.name()), f.hash(), f.size()));
            } else if (f.name().startsWith(p + "/")) {
                out.add(new ModelFile(f.name().substring(p.length() + 1), f.hash(), f.size()));
            }
        }
        if (out.isEmpty()) {
            throw KeelException.notFound(
                    "run " + runId + " keeps no file or folder '" + path + "' (its files: " + names(runFiles) + ")");
        }
        return out;
    }

    private Lineage lineage(RunInfo run) {
        List<String> used = new ArrayList<>();
        if (datasets != null) {
            for (RunInput in : datasets.inputsOf(run.id())) {
                if (!used.contains(in.ref())) {
                    used.add(in.ref());
                }
            }
        }
        String commit = "";
        if (store.provenance(run.id()).get("git") instanceof Map<?, ?> git && git.get("commit") instanceof String c) {
            commit = c;
        }
        Map<String, Double> metrics = new TreeMap<>();
        run.summary().forEach((k, v) -> {
            if (v instanceof Number n) {
                metrics.put(k, n.doubleValue());
            }
        });
        return new Lineage(run.id(), used, commit, run.config(), metrics);
    }

    private static String names(List<RunFile> files) {
        List<String> names = files.stream().map(RunFile::name).limit(10).toList();
        return names.isEmpty() ? "none" : String.join(", ", names) + (files.size() > 10 ? ", …" : "");
    }

    private static String baseName(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }
}
