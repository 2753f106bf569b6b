package dev.keel.cli.view;

import dev.keel.core.ByteSizes;
import dev.keel.core.data.RunInput;
import dev.keel.data.AddResult;
import dev.keel.data.CheckoutResult;
import dev.keel.data.DatasetDiff;
import dev.keel.data.FileChange;
import dev.keel.data.GcReport;
import dev.keel.data.VerifyReport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Text and JSON for the results of {@code keel data add, diff, checkout, verify, gc} and run inputs. */
public final class DataResults {
    private DataResults() {}

    public static String addText(AddResult r) {
        if (!r.created()) {
            return "no change: the content equals " + r.version().ref() + " ("
                    + r.version().shortHash() + "), no version made\n";
        }
        return r.version().ref() + " (" + r.version().shortHash() + ")  +" + r.added() + " -" + r.removed() + " ~"
                + r.modified() + "  " + ByteSizes.iec(r.bytesStored()) + " newly stored\n";
    }

    public static Map<String, Object> addJson(AddResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("created", r.created());
        m.put("ref", r.version().ref());
        m.put("hash", r.version().hash());
        m.put("added", r.added());
        m.put("removed", r.removed());
        m.put("modified", r.modified());
        m.put("bytes_stored", r.bytesStored());
        m.put("files_hashed", r.filesHashed());
        m.put("files", r.version().fileCount());
        m.put("bytes", r.version().totalBytes());
        return m;
    }

    /** One line per changed path ({@code + path  size}, {@code ~ path  old -> new}), then the totals line. */
    public static String diffText(DatasetDiff d, boolean statOnly) {
        StringBuilder out = new StringBuilder();
        if (!statOnly) {
            for (FileChange c : d.changes()) {
                out.append(c.symbol())
                        .append(' ')
                        .append(c.path())
                        .append("  ")
                        .append(
                                switch (c.kind()) {
                                    case ADDED -> ByteSizes.iec(c.newSize());
                                    case REMOVED -> ByteSizes.iec(c.oldSize());
                                    case MODIFIED -> ByteSizes.iec(c.oldSize()) + " -> " + ByteSizes.iec(c.newSize());
                                })
                        .append('\n');
            }
        }
        long delta = d.to().totalBytes() - d.from().totalBytes();
        out.append(d.from().ref())
                .append(" -> ")
                .append(d.to().ref())
                .append(": ")
                .append(d.count(FileChange.Kind.ADDED))
                .append(" added, ")
                .append(d.count(FileChange.Kind.REMOVED))
                .append(" removed, ")
                .append(d.count(FileChange.Kind.MODIFIED))
                .append(" modified, ")
                .append(delta >= 0 ? "+" : "-")
                .append(ByteSizes.iec(Math.abs(delta)))
                .append('\n');
        return out.toString();
    }

    public static Map<String, Object> diffJson(DatasetDiff d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", d.from().ref());
        m.put("to", d.to().ref());
        m.put("added", d.count(FileChange.Kind.ADDED));
        m.put("removed", d.count(FileChange.Kind.REMOVED));
        m.put("modified", d.count(FileChange.Kind.MODIFIED));
        List<Map<String, Object>> changes = new ArrayList<>();
        for (FileChange c : d.changes()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("path", c.path());
            e.put("change", c.kind().name().toLowerCase(Locale.ROOT));
            e.put("old_size", c.kind() == FileChange.Kind.ADDED ? null : c.oldSize());
            e.put("new_size", c.kind() == FileChange.Kind.REMOVED ? null : c.newSize());
            changes.add(e);
        }
        m.put("changes", changes);
        return m;
    }

    public static String checkoutText(CheckoutResult r) {
        return r.version().ref() + " -> " + r.dir() + ": " + r.linked() + " linked, "
                + (r.cloned() > 0 ? r.cloned() + " cloned (copy-on-write), " : "") + r.written() + " written ("
                + ByteSizes.iec(r.bytesWritten()) + "), " + r.unchanged() + " already present"
                + (r.repaired() > 0
                        ? "; " + r.repaired() + " changed cache object(s) rewritten from the stored data"
                        : "")
                + "\n";
    }

    /** Each damaged file with the versions it breaks, then a totals line. */
    public static String verifyText(VerifyReport r) {
        StringBuilder out = new StringBuilder();
        for (VerifyReport.Damage d : r.damaged()) {
            out.append("DAMAGED ")
                    .append(d.path())
                    .append("  breaks ")
                    .append(String.join(", ", d.versions()))
                    .append(": ")
                    .append(d.reason())
                    .append('\n');
        }
        for (VerifyReport.CacheRepair c : r.cacheRepaired()) {
            out.append("REPAIRED ")
                    .append(c.path())
                    .append("  (")
                    .append(String.join(", ", c.versions()))
                    .append("): ")
                    .append(c.reason())
                    .append('\n');
        }
        String problems = r.damaged().size() + " damaged file(s)"
                + (r.cacheRepaired().isEmpty() ? "" : ", " + r.cacheRepaired().size() + " changed cache object(s)");
        out.append(r.ok() ? "ok: checked " : problems + "; checked ")
                .append(r.objectsChecked())
                .append(" objects in ")
                .append(r.versionsChecked())
                .append(" version(s) and ")
                .append(r.cacheObjectsChecked())
                .append(" cache object(s)\n");
        return out.toString();
    }

    public static Map<String, Object> verifyJson(VerifyReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", r.ok());
        m.put("versions_checked", r.versionsChecked());
        m.put("objects_checked", r.objectsChecked());
        List<Map<String, Object>> damaged = new ArrayList<>();
        for (VerifyReport.Damage d : r.damaged()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("path", d.path());
            e.put("object", d.object());
            e.put("versions", d.versions());
            e.put("reason", d.reason());
            damaged.add(e);
        }
        m.put("damaged", damaged);
        m.put("cache_objects_checked", r.cacheObjectsChecked());
        List<Map<String, Object>> repaired = new ArrayList<>();
        for (VerifyReport.CacheRepair c : r.cacheRepaired()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("path", c.path());
            e.put("object", c.object());
            e.put("versions", c.versions());
            e.put("reason", c.reason());
            repaired.add(e);
        }
        m.put("cache_repaired", repaired);
        return m;
    }

    public static String gcText(GcReport r) {
        return (r.dryRun() ? "would remove " : "removed ") + r.blobsRemoved().size() + " blob(s), "
                + ByteSizes.iec(r.bytesFreed()) + (r.dryRun() ? " would be freed; " : " freed; ")
                + r.manifestsRemoved() + " manifest(s), " + r.cacheFilesRemoved() + " cache file(s)"
                + (r.dryRun() ? " (dry run: nothing deleted)" : "") + "\n";
    }

    public static Map<String, Object> gcJson(GcReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dry_run", r.dryRun());
        m.put("blobs", r.blobsRemoved());
        m.put("bytes", r.bytesFreed());
        m.put("manifests", r.manifestsRemoved());
        m.put("cache_files", r.cacheFilesRemoved());
        return m;
    }

    /** A run's dataset inputs in JSON: {@code [{ref, dataset, version, hash, used_at}]}. */
    public static List<Map<String, Object>> inputsJson(List<RunInput> inputs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RunInput in : inputs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ref", in.ref());
            m.put("dataset", in.dataset());
            m.put("version", in.number());
            m.put("hash", in.hash());
            m.put("used_at", Values.isoTime(in.usedAt()));
            out.add(m);
        }
        return out;
    }

    /** {@code name:v3@1a2b3c4d5e6f}: the ref and a hash prefix, as runs tables and run show print inputs. */
    public static String input(RunInput in) {
        int start = in.hash().indexOf(':') + 1;
        return in.ref() + "@" + in.hash().substring(start, Math.min(in.hash().length(), start + 12));
    }
}
