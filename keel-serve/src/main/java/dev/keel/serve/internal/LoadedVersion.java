package dev.keel.serve.internal;

import ai.djl.Model;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslatorFactory;
import dev.keel.core.KeelException;
import dev.keel.core.model.ModelVersion;
import dev.keel.serve.ServeOptions;
import dev.keel.serve.ServingDescriptor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One model version loaded for serving: its files pulled into a folder of its own, its code
 * ({@code libs/*.jar}) in a class loader of its own, a DJL model and a {@link Batcher} with its
 * workers. A version is retired by {@link #retire()}: it takes no new requests, answers those it
 * holds, then closes.
 */
final class LoadedVersion implements AutoCloseable {
    private final ModelVersion version;
    private final Path dir;
    private final URLClassLoader loader;
    private final ZooModel<Input, Output> model;
    private final Batcher batcher;
    private final Baseline baseline;
    private final long loadedAt = System.currentTimeMillis();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean retired = new AtomicBoolean();

    private LoadedVersion(
            ModelVersion version,
            Path dir,
            URLClassLoader loader,
            ZooModel<Input, Output> model,
            Batcher batcher,
            Baseline baseline) {
        this.version = version;
        this.dir = dir;
        this.loader = loader;
        this.model = model;
        this.batcher = batcher;
        this.baseline = baseline;
    }

    /**
     * Loads the version whose files are in {@code dir} (pulled by the caller) and warms it up with
     * one batch, so it answers its first request at full speed. Fails with a message naming the
     * version and what is wrong; nothing is left open then.
     */
    static LoadedVersion load(ModelVersion version, Path dir, ServeOptions settings, ServeMetrics metrics) {
        URLClassLoader loader = null;
        ZooModel<Input, Output> model = null;
        try {
            ServingDescriptor d = ServingDescriptor.read(dir);
            loader = new URLClassLoader(jars(dir.resolve("libs")), LoadedVersion.class.getClassLoader());
            TranslatorFactory translators = instance(loader, d.translatorFactory(), TranslatorFactory.class, version);
            Criteria.Builder<Input, Output> criteria = Criteria.builder()
                    .setTypes(Input.class, Output.class)
                    .optModelPath(dir)
                    .optModelName(d.modelName())
                    .optEngine(d.engine())
                    .optTranslatorFactory(translators)
                    .optArguments(new LinkedHashMap<String, Object>(d.arguments()));
            if (!d.blockFactory().isEmpty()) {
                BlockFactory blocks = instance(loader, d.blockFactory(), BlockFactory.class, version);
                try (Model scratch = Model.newInstance("block", d.engine())) {
                    Block block = blocks.newBlock(scratch, dir, d.arguments());
                    criteria.optBlock(block);
                }
            }
            Thread current = Thread.currentThread();
            ClassLoader previous = current.getContextClassLoader();
            current.setContextClassLoader(loader);
            try {
                model = criteria.build().loadModel();
            } finally {
                current.setContextClassLoader(previous);
            }
            Baseline baseline = Baseline.read(dir.resolve(ServingDescriptor.BASELINE));
            List<Batcher.Runner> predictors = new ArrayList<>();
            for (int i = 0; i < settings.workers(); i++) {
                predictors.add(Batcher.Runner.of(model.newPredictor()));
            }
            Batcher batcher =
                    new Batcher(version.ref(), predictors, settings.maxBatch(), settings.maxDelayMs(), metrics);
            LoadedVersion loaded = new LoadedVersion(version, dir, loader, model, batcher, baseline);
            loaded.warmUp(example(d));
            return loaded;
        } catch (KeelException e) {
            closeQuietly(model, loader);
            throw e;
        } catch (Exception | LinkageError e) {
            closeQuietly(model, loader);
            throw new KeelException(
                    KeelException.ErrorCode.INVALID_PARAMETER_VALUE,
                    "cannot load " + version.ref() + " for serving: " + describe(e),
                    e);
        }
    }

    /** A blank input of the size the descriptor gives, when it gives one. */
    private static byte[] example(ServingDescriptor d) {
        try {
            int w = Integer.parseInt(d.arguments().getOrDefault("width", "0"));
            int h = Integer.parseInt(d.arguments().getOrDefault("height", "0"));
            return w > 0 && h > 0 ? new byte[w * h] : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void warmUp(byte[] example) {
        if (example == null) {
            return;
        }
        Input in = new Input();
        in.add("data", example);
        batcher.warmUp(in);
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        String text = e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        return e.getCause() != null
                        && e.getCause() != e
                        && m != null
                        && !m.contains(String.valueOf(e.getCause().getMessage()))
                ? text + " (" + describe(e.getCause()) + ")"
                : text;
    }

    private static <T> T instance(ClassLoader loader, String className, Class<T> type, ModelVersion version) {
        try {
            Class<?> c = Class.forName(className, true, loader);
            if (!type.isAssignableFrom(c)) {
                throw KeelException.invalid(version.ref() + "'s " + ServingDescriptor.FILE + " names " + className
                        + ", which is not a " + type.getName());
            }
            return type.cast(c.getDeclaredConstructor().newInstance());
        } catch (ClassNotFoundException e) {
            throw KeelException.invalid(version.ref() + "'s " + ServingDescriptor.FILE + " names " + className
                    + ", which is neither in the version's libs/*.jar nor on this server's class path: register the"
                    + " version with the jar that holds it under libs/");
        } catch (ReflectiveOperationException e) {
            throw KeelException.invalid("cannot create " + className + " for " + version.ref() + ": " + e
                    + " (it needs a public constructor without arguments)");
        }
    }

    private static URL[] jars(Path libs) throws IOException {
        if (!Files.isDirectory(libs)) {
            return new URL[0];
        }
        try (Stream<Path> files = Files.list(libs)) {
            List<URL> urls = new ArrayList<>();
            for (Path p :
                    files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(p.toUri().toURL());
            }
            return urls.toArray(URL[]::new);
        }
    }

    ModelVersion version() {
        return version;
    }

    Baseline baseline() {
        return baseline;
    }

    long loadedAt() {
        return loadedAt;
    }

    Batcher batcher() {
        return batcher;
    }

    /** Takes a request; false once the version is retired (the caller then asks the current one). */
    boolean acquire() {
        inFlight.incrementAndGet();
        if (retired.get()) {
            release();
            return false;
        }
        return true;
    }

    void release() {
        inFlight.decrementAndGet();
    }

    int inFlight() {
        return inFlight.get();
    }

    /** Stops taking requests, waits for those it holds (up to {@code graceMs}), then closes. */
    void retire(long graceMs) throws InterruptedException {
        retired.set(true);
        long deadline = System.currentTimeMillis() + graceMs;
        while (inFlight.get() > 0 && System.currentTimeMillis() < deadline) {
            synchronized (this) {
                wait(5);
            }
        }
        close();
    }

    @Override
    public void close() {
        retired.set(true);
        batcher.close();
        closeQuietly(model, loader);
        deleteTree(dir);
    }

    private static void closeQuietly(ZooModel<?, ?> model, URLClassLoader loader) {
        if (model != null) {
            model.close();
        }
        if (loader != null) {
            try {
                loader.close();
            } catch (IOException ignored) {
                // the jars are deleted with the folder; nothing else holds them
            }
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the serving copy " + dir, e);
        }
    }
}
