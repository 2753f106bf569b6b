package dev.keel.examples.apparel.serving;

import ai.djl.inference.Predictor;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
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
import dev.keel.examples.apparel.datasets.ImageSet;
import dev.keel.examples.apparel.models.ImageModel;
import dev.keel.serve.ModelServer;
import dev.keel.serve.ServeOptions;
import dev.keel.serve.ServingDescriptor;
import dev.keel.serve.translate.ImageClassifierTranslatorFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A measurement, not a test: images per second of the served model over HTTP with batching and
 * without, against the same DJL predictors called in this process (the ceiling), and latency at
 * half the batched peak. Client and server share this JVM and machine.
 *
 * <pre>ServeThroughput WEIGHTS [SECONDS] [ROUNDS] [CLIENTS] [BATCH]</pre>
 */
public final class ServeThroughput {
    private ServeThroughput() {}

    public static void main(String[] args) throws Exception {
        Path weights = Path.of(args.length > 0 ? args[0] : "weights/ImageModel_FashionMnistDataset_weights.bin");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int clients = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 16;
        int workers = 2;
        DjlEnvironment.prepare(1);
        Path tmp = Files.createTempDirectory("serve-bench-");
        Path home = tmp.resolve("keel");
        KeelHome h = new KeelHome(home).ensureExists();
        Path dir;
        String network;
        try (ImageModel model = ImageModel.load(weights);
                Run run = Keel.init(RunOptions.builder()
                        .home(home)
                        .project("apparel-classifier")
                        .systemMetrics(false)
                        .captureConsole(false)
                        .build())) {
            network = model.spec().name() + " " + model.spec().layers();
            dir = ServingPackage.write(
                    model, new ImageSet(new byte[784], new byte[1], 28, 28), "", tmp.resolve("serving"));
            run.registerModel("apparel-classifier", dir);
        }
        byte[] image = new byte[784];
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) ((i * 37) % 256);
        }
        System.out.printf(
                Locale.ROOT,
                "network %s; %d workers, %d engine thread each; HTTP: %d clients, raw 28x28 bytes; %.1f s per"
                        + " measurement, %d rounds%n",
                network,
                workers,
                1,
                clients,
                seconds,
                rounds);
        Map<String, List<Double>> results = new LinkedHashMap<>();
        try (Store store = Stores.open(h.storeLocation());
                DatasetStore datasets = DatasetStores.open(h.storeLocation());
                ZooModel<Input, Output> inProcess = load(dir)) {
            ModelRegistry registry = new ModelRegistry(store, new LocalBlobStore(h.blobs()), datasets);
            try (ModelServer batched = ModelServer.start(
                            registry,
                            ServeOptions.of("apparel-classifier")
                                    .port(0)
                                    .workers(workers)
                                    .batching(batch, 2),
                            null);
                    ModelServer single = ModelServer.start(
                            registry,
                            ServeOptions.of("apparel-classifier")
                                    .port(0)
                                    .workers(workers)
                                    .batching(1, 0),
                            null)) {
                HttpClient http = HttpClient.newHttpClient();
                for (int round = 1; round <= rounds; round++) {
                    double ceiling = inProcess(inProcess, workers, batch, image, seconds);
                    double withBatching = closedLoop(http, batched.port(), clients, image, seconds);
                    double without = closedLoop(http, single.port(), clients, image, seconds);
                    double[] half = openLoop(http, batched.port(), withBatching / 2, image, seconds);
                    System.out.printf(
                            Locale.ROOT,
                            "round %d: in-process batch %d %.0f/s | HTTP batching %.0f/s (%.0f %%) | HTTP no batching"
                                    + " %.0f/s | at %.0f req/s: p50 %.2f ms p99 %.2f ms%n",
                            round,
                            batch,
                            ceiling,
                            withBatching,
                            100 * withBatching / ceiling,
                            without,
                            withBatching / 2,
                            half[0],
                            half[1]);
                    add(results, "in_process_per_s", ceiling);
                    add(results, "http_batching_per_s", withBatching);
                    add(results, "http_batching_share_pct", 100 * withBatching / ceiling);
                    add(results, "http_no_batching_per_s", without);
                    add(results, "half_load_p50_ms", half[0]);
                    add(results, "half_load_p99_ms", half[1]);
                }
            }
        }
        System.out.println("medians (min .. max) over " + rounds + " rounds:");
        results.forEach((k, v) -> {
            List<Double> s = new ArrayList<>(v);
            Collections.sort(s);
            System.out.printf(
                    Locale.ROOT,
                    "  %-26s %10.2f  (%.2f .. %.2f)%n",
                    k,
                    s.get(s.size() / 2),
                    s.get(0),
                    s.get(s.size() - 1));
        });
    }

    private static void add(Map<String, List<Double>> m, String k, double v) {
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }

    private static ZooModel<Input, Output> load(Path dir) throws Exception {
        ServingDescriptor d = ServingDescriptor.read(dir);
        Block block = new ApparelBlockFactory().newBlock(null, dir, d.arguments());
        return Criteria.builder()
                .setTypes(Input.class, Output.class)
                .optModelPath(dir)
                .optModelName(d.modelName())
                .optEngine(d.engine())
                .optBlock(block)
                .optTranslatorFactory(new ImageClassifierTranslatorFactory())
                .optArguments(new LinkedHashMap<String, Object>(d.arguments()))
                .build()
                .loadModel();
    }

    /** Inputs per second through {@code workers} predictors on their own threads, {@code batch} at a time. */
    private static double inProcess(ZooModel<Input, Output> model, int workers, int batch, byte[] image, double seconds)
            throws Exception {
        List<Input> inputs = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            Input in = new Input();
            in.add("data", image);
            inputs.add(in);
        }
        AtomicLong done = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Predictor<Input, Output> p = model.newPredictor();
            for (int i = 0; i < 20; i++) {
                p.batchPredict(inputs);
            }
            Thread t = new Thread(() -> {
                try (p) {
                    while (!stop.get()) {
                        p.batchPredict(inputs);
                        done.addAndGet(batch);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            threads.add(t);
        }
        return timed(threads, done, stop, seconds);
    }

    private static double closedLoop(HttpClient http, int port, int clients, byte[] image, double seconds)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/models/apparel-classifier:predict"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(image))
                .build();
        for (int i = 0; i < 200; i++) {
            http.send(request, HttpResponse.BodyHandlers.discarding());
        }
        AtomicLong done = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            threads.add(new Thread(() -> {
                while (!stop.get()) {
                    try {
                        HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() == 200) {
                            done.incrementAndGet();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }));
        }
        return timed(threads, done, stop, seconds);
    }

    private static double timed(List<Thread> threads, AtomicLong done, AtomicBoolean stop, double seconds)
            throws InterruptedException {
        for (Thread t : threads) {
            t.start();
        }
        Thread.sleep(300);
        long start = System.nanoTime();
        long before = done.get();
        Thread.sleep((long) (seconds * 1000));
        double rate = (done.get() - before) / ((System.nanoTime() - start) / 1e9);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        return rate;
    }

    /** p50 and p99 (ms) of requests sent at a fixed rate, each timed from when it was due. */
    private static double[] openLoop(HttpClient http, int port, double rate, byte[] image, double seconds)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/models/apparel-classifier:predict"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(image))
                .build();
        int n = (int) (rate * seconds);
        long interval = (long) (1e9 / rate);
        long[] latency = new long[n];
        List<CompletableFuture<?>> pending = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + i * interval;
            while (System.nanoTime() < due) {
                Thread.onSpinWait();
            }
            int k = i;
            pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .thenRun(() -> latency[k] = System.nanoTime() - due));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        Arrays.sort(latency);
        return new double[] {latency[n / 2] / 1e6, latency[(int) Math.ceil(0.99 * n) - 1] / 1e6};
    }
}
