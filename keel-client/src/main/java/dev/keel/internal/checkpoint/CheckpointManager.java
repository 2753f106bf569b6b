package dev.keel.internal.checkpoint;

import dev.keel.Checkpoint;
import dev.keel.Checkpoints;
import dev.keel.SummaryMode;
import dev.keel.core.KeelException;
import dev.keel.core.RunFile;
import dev.keel.core.blob.LocalBlobStore;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@link Checkpoints} over the run's blob folder. Checkpoint bytes are written to a temporary
 * file, fsynced and renamed into the blob store by {@link LocalBlobStore#putFile}'s atomic
 * commit; the run file that names it is recorded only afterwards, so a crash never leaves a
 * listed checkpoint without its bytes.
 */
public final class CheckpointManager implements Checkpoints {
    public static final String KIND = "checkpoint";
    static final String PREFIX = "checkpoints/";
    private static final Comparator<Checkpoint> ORDER = Comparator.comparingLong(Checkpoint::epoch)
            .thenComparingLong(Checkpoint::step)
            .thenComparingLong(Checkpoint::createdAt);

    private final LocalBlobStore blobs;
    private final Consumer<RunFile> addFile;
    private final Consumer<String> removeFile;
    private final List<Checkpoint> kept = new ArrayList<>();
    private int keepLast = 3;
    private String bestMetric;
    private SummaryMode bestMode;

    /**
     * @param existing   the run's files so far (checkpoints among them are listed again on resume)
     * @param addFile    records a run file (through the run's writer)
     * @param removeFile removes a run file by name (through the run's writer)
     */
    public CheckpointManager(
            LocalBlobStore blobs, List<RunFile> existing, Consumer<RunFile> addFile, Consumer<String> removeFile) {
        this.blobs = blobs;
        this.addFile = addFile;
        this.removeFile = removeFile;
        for (RunFile f : existing) {
            if (KIND.equals(f.kind())) {
                readListed(f).ifPresent(kept::add);
            }
        }
        kept.sort(ORDER);
    }

    @Override
    public synchronized Checkpoints keepLast(int k) {
        if (k < 0) {
            throw KeelException.invalid("keepLast(" + k + "): use 0 to keep every checkpoint or a positive count");
        }
        this.keepLast = k;
        return this;
    }

    @Override
    public synchronized Checkpoints keepBest(String metric, SummaryMode mode) {
        if (mode != SummaryMode.MIN && mode != SummaryMode.MAX) {
            throw KeelException.invalid("keepBest(\"" + metric + "\", " + mode + "): the mode must be MIN or MAX");
        }
        this.bestMetric = metric;
        this.bestMode = mode;
        return this;
    }

    @Override
    public synchronized Checkpoint save(
            long epoch, long step, Map<String, ? extends Number> metrics, StateWriter writer) {
        Map<String, Double> m = new LinkedHashMap<>();
        metrics.forEach((k, v) -> m.put(k, v.doubleValue()));
        long now = System.currentTimeMillis();
        String name = String.format(Locale.ROOT, "%sepoch-%05d-step-%010d.ckpt", PREFIX, epoch, step);
        Path tmp = null;
        try {
            Files.createDirectories(blobs.root().resolve("tmp"));
            tmp = Files.createTempFile(blobs.root().resolve("tmp"), "ckpt-", ".tmp");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                CheckpointFormat.writeHeader(
                        out,
                        new CheckpointFormat.Header(
                                epoch,
                                step,
                                m,
                                now,
                                bestMetric,
                                bestMode == null ? null : bestMode.name().toLowerCase(Locale.ROOT)));
                writer.write(out);
            }
            long size = Files.size(tmp);
            String hash = blobs.putFile(tmp);
            Checkpoint c = new Checkpoint(name, epoch, step, m, hash, size, now);
            addFile.accept(new RunFile(name, hash, size, KIND, now));
            kept.removeIf(k -> k.name().equals(name));
            kept.add(c);
            kept.sort(ORDER);
            prune();
            return c;
        } catch (IOException e) {
            throw new KeelException(
                    KeelException.ErrorCode.STORAGE_FAILURE,
                    "cannot save checkpoint " + name + " in " + blobs.root() + ": " + e.getMessage()
                            + " (free disk space or fix permissions; training state is not saved)",
                    e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // A leftover temporary file is swept later; the checkpoint itself is settled.
                }
            }
        }
    }

    @Override
    public synchronized List<Checkpoint> list() {
        return List.copyOf(kept);
    }

    @Override
    public synchronized Optional<Checkpoint> find(String which) {
        return position(which).map(kept::get);
    }

    @Override
    public <T> Optional<Loaded<T>> load(String which, StateReader<T> reader) {
        List<Checkpoint> candidates;
        synchronized (this) {
            Optional<Integer> at = position(which);
            if (at.isEmpty()) {
                return Optional.empty();
            }
            candidates = new ArrayList<>(kept.subList(0, at.get() + 1));
            Checkpoint chosen = kept.get(at.get());
            candidates.remove(chosen);
            candidates.add(chosen);
        }
        List<String> skipped = new ArrayList<>();
        for (int i = candidates.size() - 1; i >= 0; i--) {
            Checkpoint c = candidates.get(i);
            try {
                verify(c);
                try (InputStream in = blobs.open(c.hash())) {
                    CheckpointFormat.readHeader(in, c.name());
                    T state = reader.read(in);
                    return Optional.of(new Loaded<>(c, state, List.copyOf(skipped)));
                }
            } catch (IOException | RuntimeException e) {
                String why = c.name() + " is unusable (" + e.getMessage() + ")";
                skipped.add(why);
                System.err.println("keel: checkpoint " + why + "; trying the previous one");
            }
        }
        return Optional.empty();
    }

    private void verify(Checkpoint c) throws IOException {
        try (InputStream in = blobs.open(c.hash())) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private Optional<Integer> position(String which) {
        if (kept.isEmpty()) {
            return Optional.empty();
        }
        String w = which.trim().toLowerCase(Locale.ROOT);
        if (w.equals("last") || w.equals("latest")) {
            return Optional.of(kept.size() - 1);
        }
        if (w.equals("best")) {
            if (bestMetric == null) {
                throw KeelException.invalid("no best checkpoint: call keepBest(metric, MIN|MAX) first");
            }
            Checkpoint best = best();
            return best == null ? Optional.empty() : Optional.of(kept.indexOf(best));
        }
        String digits = w.startsWith("epoch-") ? w.substring(6) : w;
        long epoch;
        try {
            epoch = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw KeelException.invalid("unknown checkpoint '" + which + "': use last, best or an epoch number");
        }
        for (int i = kept.size() - 1; i >= 0; i--) {
            if (kept.get(i).epoch() == epoch) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    private Checkpoint best() {
        Checkpoint best = null;
        for (Checkpoint c : kept) {
            Double v = c.metrics().get(bestMetric);
            if (v == null || v.isNaN()) {
                continue;
            }
            if (best == null
                    || (bestMode == SummaryMode.MAX
                            ? v > best.metrics().get(bestMetric)
                            : v < best.metrics().get(bestMetric))) {
                best = c;
            }
        }
        return best;
    }

    private void prune() {
        if (keepLast == 0 || kept.size() <= keepLast) {
            return;
        }
        Checkpoint best = bestMetric == null ? null : best();
        List<Checkpoint> drop = new ArrayList<>();
        for (int i = 0; i < kept.size() - keepLast; i++) {
            Checkpoint c = kept.get(i);
            if (c != best) {
                drop.add(c);
            }
        }
        for (Checkpoint c : drop) {
            kept.remove(c);
            removeFile.accept(c.name());
        }
    }

    private Optional<Checkpoint> readListed(RunFile f) {
        try (InputStream in = blobs.open(f.hash())) {
            CheckpointFormat.Header h = CheckpointFormat.readHeader(in, f.name());
            return Optional.of(
                    new Checkpoint(f.name(), h.epoch(), h.step(), h.metrics(), f.hash(), f.size(), h.createdAt()));
        } catch (IOException | RuntimeException e) {
            // Listed but unreadable: keep it visible so load() can report it and fall back.
            return Optional.of(
                    new Checkpoint(f.name(), epochFromName(f.name()), -1, Map.of(), f.hash(), f.size(), f.createdAt()));
        }
    }

    private static long epochFromName(String name) {
        try {
            int s = name.indexOf("epoch-") + 6;
            return Long.parseLong(name.substring(s, name.indexOf('-', s)));
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
