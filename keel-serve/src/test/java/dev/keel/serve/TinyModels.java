package dev.keel.serve;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetStores;
import dev.keel.core.model.ModelRegistry;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.djl.DjlEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Registers test models in a Keel folder: 4×4 grey images in, three classes (a, b, c) out. The
 * network's weights are zero and its bias picks one class, so which class every answer names
 * tells which version answered: version {@code v} answers class {@code CLASSES[v % 3]}.
 */
final class TinyModels implements AutoCloseable {
    static final String NAME = "tiny";
    static final String[] CLASSES = {"a", "b", "c"};

    final Path home;
    final Store store;
    final DatasetStore datasets;
    final ModelRegistry registry;

    TinyModels(Path home) {
        DjlEnvironment.prepare(1);
        this.home = home;
        KeelHome h = new KeelHome(home).ensureExists();
        this.store = Stores.open(h.storeLocation());
        this.datasets = DatasetStores.open(h.storeLocation());
        this.registry = new ModelRegistry(store, new LocalBlobStore(h.blobs()), datasets);
    }

    /** Registers the next version, answering class {@code CLASSES[version % 3]}, and returns its ref. */
    String register(int expectedVersion) throws IOException {
        return register(expectedVersion, "dev.keel.serve.TinyBlockFactory");
    }

    /** Registers a version whose descriptor names {@code blockFactory}: a missing class makes one that cannot load. */
    String register(int expectedVersion, String blockFactory) throws IOException {
        Path dir = Files.createTempDirectory("tiny-model-");
        writeModel(dir, expectedVersion % 3);
        Files.writeString(
                dir.resolve(ServingDescriptor.FILE),
                String.join(
                        "\n",
                        "engine=PyTorch",
                        "modelName=tiny",
                        "translatorFactory=dev.keel.serve.translate.ImageClassifierTranslatorFactory",
                        "blockFactory=" + blockFactory,
                        "width=4",
                        "height=4",
                        "classes=a,b,c",
                        ""));
        Files.writeString(
                dir.resolve(ServingDescriptor.BASELINE),
                "{\"dataset\": \"tiny-data:v1\", \"input_mean_histogram\": [1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],"
                        + " \"classes\": {\"a\": 0.34, \"b\": 0.33, \"c\": 0.33}}");
        try (Run run = Keel.init(RunOptions.builder()
                .home(home)
                .project("serve-tests")
                .systemMetrics(false)
                .captureConsole(false)
                .build())) {
            return run.registerModel(NAME, dir);
        }
    }

    /** Registers a version holding only parameters, without a serving descriptor. */
    String registerWithoutDescriptor() throws IOException {
        Path dir = Files.createTempDirectory("tiny-model-");
        writeModel(dir, 0);
        try (Run run = Keel.init(RunOptions.builder()
                .home(home)
                .project("serve-tests")
                .systemMetrics(false)
                .captureConsole(false)
                .build())) {
            return run.registerModel(NAME, dir);
        }
    }

    void alias(String alias, int version) {
        registry.alias(NAME + "@" + alias, Integer.toString(version), null, "test");
    }

    private static void writeModel(Path dir, int answer) throws IOException {
        try (Model model = Model.newInstance("tiny", "PyTorch")) {
            Block block = TinyBlockFactory.build();
            model.setBlock(block);
            NDManager m = model.getNDManager();
            block.initialize(m, DataType.FLOAT32, new Shape(1, 1, 4, 4));
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray a = p.getValue().getArray();
                a.muli(0);
                if (p.getKey().endsWith("bias")) {
                    a.set(new NDIndex(answer), 5f);
                }
            }
            model.save(dir, "tiny");
        }
    }

    @Override
    public void close() {
        datasets.close();
        store.close();
    }
}
