package dev.keel.cli.access;

import dev.keel.core.KeelException;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepStore;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Finding the store, the project and the sweep that {@code keel sweep} and {@code keel agent} work on. */
public final class SweepAccess {
    /** The project runs go to when nothing names one, as the SDK decides. */
    public static final String DEFAULT_PROJECT = "default";

    private SweepAccess() {}

    /** The store to write sweeps to: the server's with KEEL_URL, else the embedded one (created when new). */
    public static Store openForWrite(StoreAccess access) {
        if (access.remote()) {
            return access.openExisting();
        }
        access.home().ensureExists();
        return Stores.open(access.home().storeLocation());
    }

    /**
     * The project of a new sweep: {@code --project}, else the configuration's {@code project},
     * else the {@code project:} of the keel.yaml beside the Keel folder (a project made by
     * {@code keel init}), else {@value #DEFAULT_PROJECT}.
     */
    public static String project(String option, String fromConfig, StoreAccess access) {
        if (option != null && !option.isBlank()) {
            return option.strip();
        }
        if (fromConfig != null && !fromConfig.isBlank()) {
            return fromConfig.strip();
        }
        Path parent = access.home().root().getParent();
        Path marker = parent == null ? null : parent.resolve("keel.yaml");
        if (marker != null && Files.isRegularFile(marker)) {
            try {
                Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(marker));
                if (doc instanceof Map<?, ?> m && m.get("project") instanceof String p && !p.isBlank()) {
                    return p.strip();
                }
            } catch (IOException | RuntimeException e) {
                throw KeelException.invalid("cannot read " + marker + " (" + e.getMessage()
                        + "): fix it, or name the project with --project");
            }
        }
        return DEFAULT_PROJECT;
    }

    /** The sweep {@code ref} names: its id, else the one sweep whose id starts with it or whose name it is. */
    public static Sweep find(SweepStore sweeps, String ref) {
        String r = ref.strip();
        if (r.isEmpty()) {
            throw KeelException.invalid("no sweep given: pass its id (keel sweep ls lists them)");
        }
        var exact = sweeps.sweep(r);
        if (exact.isPresent()) {
            return exact.get();
        }
        List<Sweep> matches = sweeps.sweeps(null).stream()
                .filter(s -> s.id().startsWith(r) || s.name().equals(r))
                .toList();
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            throw KeelException.notFound("no sweep '" + r + "': 'keel sweep ls' lists the sweeps (set KEEL_URL for a"
                    + " server's, or KEEL_HOME for another folder's)");
        }
        throw KeelException.invalid("'" + r + "' names " + matches.size() + " sweeps ("
                + String.join(", ", matches.stream().map(Sweep::id).toList()) + "): give more of the id");
    }
}
