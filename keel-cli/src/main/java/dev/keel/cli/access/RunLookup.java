package dev.keel.cli.access;

import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;

import java.util.Comparator;
import java.util.List;

/** Finds a run by its id, a unique prefix of it, or its exact name. */
public final class RunLookup {
    private RunLookup() {}

    public static RunInfo find(Store store, String idOrPrefix, String where) {
        String wanted = idOrPrefix.trim();
        if (wanted.isEmpty()) {
            throw KeelException.invalid("empty run id: give a run id (or a unique prefix); 'keel runs' lists them");
        }
        var exact = store.run(wanted);
        if (exact.isPresent()) {
            return exact.get();
        }
        List<RunInfo> all = store.searchRuns(RunQuery.all());
        List<RunInfo> byPrefix = all.stream()
                .filter(r -> r.id().startsWith(wanted))
                .sorted(Comparator.comparing(RunInfo::id))
                .toList();
        if (byPrefix.size() == 1) {
            return byPrefix.get(0);
        }
        if (byPrefix.size() > 1) {
            throw KeelException.invalid("'" + wanted + "' matches " + byPrefix.size() + " runs ("
                    + String.join(
                            ", ", byPrefix.stream().limit(5).map(RunInfo::id).toList())
                    + (byPrefix.size() > 5 ? ", …" : "") + "): give more characters of the id");
        }
        List<RunInfo> byName = all.stream().filter(r -> r.name().equals(wanted)).toList();
        if (byName.size() == 1) {
            return byName.get(0);
        }
        if (byName.size() > 1) {
            throw KeelException.invalid("the name '" + wanted + "' belongs to " + byName.size() + " runs ("
                    + String.join(
                            ", ", byName.stream().limit(5).map(RunInfo::id).toList()) + "): use the id");
        }
        throw KeelException.notFound("no run with id '" + wanted + "' in " + where
                + ": 'keel runs' lists the runs there (or set KEEL_HOME to another .keel folder)");
    }
}
