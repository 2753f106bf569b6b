package {{package}}.models;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import {{package}}.datasets.BlobsDataset;
import {{package}}.networks.Mlp;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/** A network with its training, evaluation, saving and loading: the piece the rest is built around. */
public final class Classifier implements AutoCloseable {
    private static final String NAME = "Classifier_BlobsDataset_mlp";
    private final Model model;
    private final List<Integer> hidden;

    public Classifier(List<Integer> hidden) {
        this.hidden = List.copyOf(hidden);
        this.model = Model.newInstance(NAME);
        model.setBlock(Mlp.build(hidden, BlobsDataset.CLASS_NAMES.size()));
    }

    /** Trains with Adam; {@code listeners} (such as Keel's) are notified after DJL's metric listeners. */
    public TrainingResult fit(BlobsDataset train, BlobsDataset validation, int epochs, int batchSize, double learningRate,
                              TrainingListener... listeners) throws IOException {
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss("loss"))
                .addEvaluator(new Accuracy("accuracy"))
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) learningRate)).build())
                .addTrainingListeners(TrainingListener.Defaults.basic())
                .addTrainingListeners(listeners);
        try (Trainer trainer = model.newTrainer(config);
             NDManager data = model.getNDManager().newSubManager()) {
            trainer.initialize(new Shape(1, BlobsDataset.featureCount()));
            EasyTrain.fit(trainer, epochs, arrays(data, train, batchSize, true), arrays(data, validation, batchSize, false));
            return trainer.getTrainingResult();
        } catch (TranslateException e) {
            throw new IOException("training failed: " + e.getMessage(), e);
        }
    }

    private static ArrayDataset arrays(NDManager manager, BlobsDataset set, int batchSize, boolean shuffle) {
        return new ArrayDataset.Builder().setData(manager.create(set.features()))
                .optLabels(manager.create(set.labels())).setSampling(batchSize, shuffle).build();
    }

    /** Class probabilities for one point. */
    public float[] probabilities(float[] point) {
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDArray x = m.create(point).reshape(1, point.length);
            NDList out = model.getBlock().forward(new ParameterStore(m, false), new NDList(x), false);
            return out.singletonOrThrow().softmax(-1).toFloatArray();
        }
    }

    /** Writes the parameters and the architecture next to them into {@code dir}. */
    public Path save(Path dir) throws IOException {
        Files.createDirectories(dir);
        model.save(dir, NAME);
        Properties p = new Properties();
        p.setProperty("hidden", hidden.toString().replaceAll("[\\[\\] ]", ""));
        try (Writer w = Files.newBufferedWriter(dir.resolve(NAME + ".properties"))) {
            p.store(w, "architecture of " + NAME);
        }
        return dir;
    }

    /** Loads what {@link #save} wrote. */
    public static Classifier load(Path dir) throws IOException {
        Properties p = new Properties();
        Path props = dir.resolve(NAME + ".properties");
        if (!Files.isRegularFile(props)) {
            throw new IOException("no saved model in " + dir + " (missing " + props.getFileName() + "); train one first: ./run train");
        }
        try (Reader r = Files.newBufferedReader(props)) {
            p.load(r);
        }
        List<Integer> hidden = Arrays.stream(p.getProperty("hidden", "").split(",")).filter(s -> !s.isBlank())
                .map(Integer::valueOf).toList();
        Classifier c = new Classifier(hidden);
        try {
            c.model.load(dir, NAME);
        } catch (MalformedModelException e) {
            c.close();
            throw new IOException("the saved model in " + dir + " is damaged: " + e.getMessage(), e);
        }
        return c;
    }

    @Override
    public void close() {
        model.close();
    }
}
