package dev.keel.examples.apparel.training;

import dev.keel.Run;
import dev.keel.core.KeelHome;
import dev.keel.core.data.RunInput;
import dev.keel.data.Datasets;
import dev.keel.examples.apparel.datasets.FashionMnistDataset;
import dev.keel.examples.apparel.datasets.FashionMnistVersions;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;

/**
 * The training data of a tracked run: the Keel dataset version {@code dataset_ref} names, read
 * through {@link Run#useDataset} so that the run records exactly which version it trained on.
 *
 * <p>When the Keel folder has no {@code fashion-mnist} yet, version 1 is registered first from
 * the files {@link FashionMnistDataset#open} finds ({@code data_dir}, Debian's copy, or a
 * download), and the console says so. A resumed run reads the version it used before it
 * stopped, even if {@code fashion-mnist:latest} has moved since: continuing on other data could
 * not give the run an uninterrupted run would have given.
 */
final class DatasetInput {
    private DatasetInput() {}

    static FashionMnistDataset use(Run run, ExperimentConfig config, Path keelHome, PrintStream out) {
        KeelHome home = keelHome != null ? new KeelHome(keelHome) : KeelHome.resolve(); // as Keel.init finds it
        String ref = config.datasetRef();
        Optional<RunInput> before;
        try (Datasets datasets = Datasets.open(home)) {
            before = usedBy(datasets, run.id());
        }
        if (before.isPresent()) {
            String hash = before.get().hash();
            ref = FashionMnistVersions.NAME + "@" + hash.substring(hash.indexOf(':') + 1);
            out.println("dataset: " + before.get().ref() + ", the version this run used before it stopped");
        } else {
            FashionMnistVersions.registerIfMissing(
                    home, config.dataDir().isEmpty() ? null : Path.of(config.dataDir()), out);
        }
        Path path = run.useDataset(ref);
        try (Datasets datasets = Datasets.open(home)) {
            RunInput used = usedBy(datasets, run.id()).orElseThrow();
            String hash = used.hash().substring(used.hash().indexOf(':') + 1);
            out.println(
                    "dataset: " + used.ref() + " (" + hash.substring(0, Math.min(12, hash.length())) + ") for " + ref);
        }
        return FashionMnistDataset.fromFolder(path);
    }

    /** The version of fashion-mnist the run used first, if any. */
    private static Optional<RunInput> usedBy(Datasets datasets, String runId) {
        return datasets.inputsOf(runId).stream()
                .filter(i -> i.dataset().equals(FashionMnistVersions.NAME))
                .min(Comparator.comparingLong(RunInput::usedAt));
    }
}
