package dev.keel.examples.apparel.serving;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.examples.apparel.datasets.ImageSet;
import dev.keel.examples.apparel.models.ImageModel;
import dev.keel.examples.apparel.networks.Mlp;
import dev.keel.examples.apparel.networks.NetworkSpec;
import dev.keel.examples.apparel.networks.Networks;
import dev.keel.examples.apparel.networks.SmallCnn;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;

/**
 * Writes a trained model as a folder {@code keel serve} loads (register it with
 * {@code keel model register apparel-classifier --run RUN --path serving}):
 *
 * <pre>
 * serving.properties          the serving descriptor: translator, block factory and their arguments
 * apparel-0000.params         the parameters (DJL's Model.save format)
 * libs/apparel-networks.jar   ApparelBlockFactory and the networks it builds
 * baseline.json               the training images' mean-intensity histogram and label shares
 * </pre>
 *
 * The jar's entries carry a fixed time, so the same code gives the same bytes and versions
 * registered from the same build share that blob.
 */
public final class ServingPackage {
    /** Bins of the mean-intensity histogram; {@code keel serve} compares with the same bins. */
    public static final int BINS = 16;

    private static final List<Class<?>> CODE =
            List.of(ApparelBlockFactory.class, Networks.class, NetworkSpec.class, Mlp.class, SmallCnn.class);

    private ServingPackage() {}

    /** Writes the folder {@code dir} for {@code model}, trained on {@code train} (dataset version {@code datasetRef}). */
    public static Path write(ImageModel model, ImageSet train, String datasetRef, Path dir) throws IOException {
        Files.createDirectories(dir.resolve("libs"));
        saveParameters(model, dir);
        NetworkSpec spec = model.spec();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("engine", "PyTorch");
        p.put("modelName", "apparel");
        p.put("translatorFactory", "dev.keel.serve.translate.ImageClassifierTranslatorFactory");
        p.put("blockFactory", ApparelBlockFactory.class.getName());
        p.put("network", spec.name());
        p.put("layers", spec.layers().stream().map(String::valueOf).collect(Collectors.joining(",")));
        p.put("dropout", Double.toString(spec.dropout()));
        p.put("width", "28");
        p.put("height", "28");
        p.put("mean", Float.toString(ImageModel.MEAN));
        p.put("std", Float.toString(ImageModel.STD));
        p.put("classes", String.join(",", model.classes()));
        p.put("invertLightBackground", "true");
        StringBuilder text = new StringBuilder("# keel serve's descriptor of this model (docs/serving.md)\n");
        p.forEach((k, v) ->
                text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(dir.resolve("serving.properties"), text);
        writeJar(dir.resolve("libs").resolve("apparel-networks.jar"));
        Files.writeString(dir.resolve("baseline.json"), baseline(train, model.classes(), datasetRef));
        return dir;
    }

    /**
     * Saves the parameters in DJL's model format. A model loaded from a weights file was never
     * initialised with an input shape, which that format records, so a fresh copy of the network
     * is initialised and given the trained parameters.
     */
    private static void saveParameters(ImageModel trained, Path dir) throws IOException {
        ByteArrayOutputStream params = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(params)) {
            trained.block().saveParameters(out);
        }
        try (Model copy = Model.newInstance(
                "apparel", trained.djlModel().getNDManager().getEngine().getEngineName())) {
            Block block = Networks.build(trained.spec());
            copy.setBlock(block);
            block.initialize(copy.getNDManager(), DataType.FLOAT32, trained.inputShape(1));
            block.loadParameters(
                    copy.getNDManager(), new DataInputStream(new ByteArrayInputStream(params.toByteArray())));
            copy.save(dir, "apparel");
        } catch (MalformedModelException e) {
            throw new IOException("cannot copy the trained parameters for serving: " + e.getMessage(), e);
        }
    }

    /** The training images' statistics as {@code keel serve} reads them. */
    static String baseline(ImageSet train, List<String> classes, String datasetRef) throws IOException {
        long[] bins = new long[BINS];
        long[] labels = new long[classes.size()];
        int n = train.size();
        int size = train.imageSize();
        byte[] pixels = train.pixels();
        for (int i = 0; i < n; i++) {
            long sum = 0;
            for (int j = i * size; j < (i + 1) * size; j++) {
                sum += pixels[j] & 0xff;
            }
            double mean = (double) sum / size;
            bins[(int) Math.min(BINS - 1, mean * BINS / 256)]++;
            labels[train.label(i)]++;
        }
        double[] histogram = new double[BINS];
        for (int b = 0; b < BINS; b++) {
            histogram[b] = (double) bins[b] / n;
        }
        Map<String, Double> shares = new LinkedHashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            shares.put(classes.get(c), (double) labels[c] / n);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dataset", datasetRef == null ? "" : datasetRef);
        out.put("images", n);
        out.put("input_mean_histogram", histogram);
        out.put("classes", shares);
        return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(out);
    }

    private static void writeJar(Path jar) throws IOException {
        try (OutputStream raw = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(raw)) {
            for (Class<?> c : CODE) {
                String name = c.getName().replace('.', '/') + ".class";
                try (InputStream in = c.getClassLoader().getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IOException("cannot read the class file " + name + " to package it");
                    }
                    JarEntry e = new JarEntry(name);
                    e.setTime(0);
                    out.putNextEntry(e);
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
    }
}
