package dev.keel.data.internal;

import dev.keel.core.KeelException;
import dev.keel.core.data.DatasetRef;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.data.DatasetDiff;
import dev.keel.data.FileEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What can be answered from dataset metadata alone, without the blob store: resolving
 * references, listing a version's files, diffing two versions. Shared by the engine and
 * {@link dev.keel.data.DatasetHost}.
 */
public final class Catalog {
    private final DatasetStore store;
    private final Manifests manifests;

    public Catalog(DatasetStore store) {
        this(store, new Manifests(store));
    }

    Catalog(DatasetStore store, Manifests manifests) {
        this.store = store;
        this.manifests = manifests;
    }

    Manifests manifests() {
        return manifests;
    }

    public DatasetVersion resolve(String ref) {
        DatasetRef r = DatasetRef.parse(ref);
        if (store.dataset(r.dataset()).isEmpty()) {
            throw KeelException.notFound("no dataset named '" + r.dataset() + "'; 'keel data ls' lists them,"
                    + " 'keel data add " + r.dataset() + " PATH' creates it");
        }
        return switch (r.kind()) {
            case LATEST ->
                store.latest(r.dataset())
                        .orElseThrow(() -> KeelException.notFound("dataset '" + r.dataset()
                                + "' has no versions yet; add one with 'keel data add " + r.dataset() + " PATH'"));
            case NUMBER ->
                store.version(r.dataset(), r.number())
                        .orElseThrow(() -> KeelException.notFound(
                                "no version " + r + "; 'keel data log " + r.dataset() + "' lists its versions"));
            case TAG -> {
                Integer n = store.tags(r.dataset()).get(r.value());
                if (n == null) {
                    throw KeelException.notFound("no tag '" + r.value() + "' on dataset '" + r.dataset() + "'; tags: "
                            + store.tags(r.dataset()).keySet());
                }
                yield store.version(r.dataset(), n)
                        .orElseThrow(() -> KeelException.notFound("tag " + r + " points at a removed version"));
            }
            case HASH -> {
                List<DatasetVersion> m = store.versionsByHashPrefix(r.dataset(), r.value());
                if (m.isEmpty()) {
                    throw KeelException.notFound(
                            "no version of '" + r.dataset() + "' has a hash starting with " + r.value());
                }
                if (m.size() > 1
                        && m.stream().map(DatasetVersion::hash).distinct().count() > 1) {
                    throw KeelException.invalid("hash prefix " + r.value() + " is ambiguous in '" + r.dataset() + "' ("
                            + m.stream().map(DatasetVersion::ref).toList() + "): give more digits");
                }
                yield m.get(m.size() - 1);
            }
        };
    }

    /** The version's entries as users see them, in path order. */
    public List<FileEntry> files(DatasetVersion v) {
        List<FileEntry> out = new ArrayList<>();
        for (Entry e : manifests.load(v.hash()).entries()) {
            out.add(new FileEntry(
                    e.path(),
                    e.type().name().toLowerCase(Locale.ROOT),
                    e.mode(),
                    e.size(),
                    e.hash().isEmpty() ? "" : Hex.address(e.hash()),
                    e.chunks().size()));
        }
        return out;
    }

    public DatasetDiff diff(DatasetVersion a, DatasetVersion b) {
        return new DatasetDiff(
                a,
                b,
                Engine.changes(
                        manifests.load(a.hash()).entries(),
                        manifests.load(b.hash()).entries()));
    }

    /** The version's manifest in its whole stored form (deflated canonical text), as sent over the wire. */
    public byte[] manifestBytes(DatasetVersion v) {
        return manifests.load(v.hash()).encodeWhole();
    }
}
