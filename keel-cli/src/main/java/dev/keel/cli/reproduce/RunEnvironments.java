package dev.keel.cli.reproduce;

import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.data.RunInput;
import dev.keel.core.provenance.RunEnvironment;
import dev.keel.core.store.Store;
import dev.keel.data.Datasets;

import java.util.List;

/** Reads what {@link dev.keel.core.provenance.EnvDiff} compares from a store and the dataset engine. */
public final class RunEnvironments {
    /** The run file the SDK keeps a run's uncommitted git diff in. */
    public static final String DIFF_FILE = "diff.patch";

    private RunEnvironments() {}

    /** {@code datasets} may be null (no dataset was ever added): the run then used none. */
    public static RunEnvironment of(Store store, Datasets datasets, RunInfo run) {
        List<RunInput> inputs = datasets == null ? List.of() : datasets.inputsOf(run.id());
        return new RunEnvironment(
                run.id(), store.provenance(run.id()), run.config(), diffHash(store, run.id()), inputs);
    }

    /** The content address of the run's saved diff, or null when it saved none. */
    public static String diffHash(Store store, String runId) {
        for (RunFile f : store.files(runId)) {
            if (f.name().equals(DIFF_FILE)) {
                return f.hash();
            }
        }
        return null;
    }
}
