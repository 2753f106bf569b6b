package dev.keel.examples.apparel.serving;

import ai.djl.inference.Predictor;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import com.sun.management.OperatingSystemMXBean;
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
import dev.keel.examples.apparel.networks.NetworkSpec;
import dev.keel.serve.ModelServer;
import dev.keel.serve.ServeOptions;
import dev.keel.serve.ServingDescriptor;
import dev.keel.serve.translate.ImageClassifierTranslatorFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A measurement, not a test: images per second of the served model over HTTP with dynamic
 * batching and without, against the same DJL predictors called in this process (the ceiling),
 * and latency at half the batched peak, for the reference MLP and CNN.
 *
 * <p>The load generator is a lean HTTP/1.1 client on raw sockets (one keep-alive connection
 * per client thread, opened for each measurement): on a 2-core machine that client and the
 * server share, the JDK's HttpClient would spend more CPU than the server it measures. Client
 * and server share this JVM and machine, so every HTTP figure also pays for its client.
 *
 * <pre>ServeThroughput MLP_WEIGHTS [SECONDS] [ROUNDS] [CLIENTS] [BATCH]</pre>
 *
 * Environment: {@code NETWORKS} (default {@code mlp,cnn}); {@code CNN_WEIGHTS}, a weights file
 * of the cnn; without it the cnn is the reference architecture with fresh (untrained)
 * parameters, which costs the same per image as trained ones.
 */
public final class ServeThroughput {
    /** Outstanding requests the open loop can hold before its own queue delays them (and counts that). */
    private static final int OPEN_LOOP_CONNECTIONS = 64;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final OperatingSystemMXBean CPU =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ServeThroughput() {}

    public static void main(String[] args) throws Exception {
        Path weights = Path.of(args.length > 0 ? args[0] : "weights/ImageModel_FashionMnistDataset_weights.bin");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int clients = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 16;
        List<String> networks =
                List.of(System.getenv().getOrDefault("NETWORKS", "mlp,cnn").split(","));
        int workers = 2;
        DjlEnvironment.prepare(1);
        Path tmp = Files.createTempDirectory("serve-bench-");
        Path home = tmp.resolve("keel");
        KeelHome h = new KeelHome(home).ensureExists();
        Map<String, Path> packages = new LinkedHashMap<>();
        Map<String, String> described = new LinkedHashMap<>();
        try (ImageModel mlp = ImageModel.load(weights);
                Run run = Keel.init(RunOptions.builder()
                        .home(home)
                        .project("apparel-classifier")
                        .systemMetrics(false)
                        .captureConsole(false)
                        .build())) {
            for (String network : networks) {
                try (ImageModel model = network.equals("mlp") ? null : cnn(mlp)) {
                    ImageModel m = model == null ? mlp : model;
                    Path dir = ServingPackage.write(
                            m, new ImageSet(new byte[784], new byte[1], 28, 28), "", tmp.resolve(network));
                    run.registerModel("apparel-" + network, dir);
                    packages.put(network, dir);
                    described.put(
                            network,
                            m.spec().name() + " " + m.spec().layers()
                                    + (model != null && System.getenv("CNN_WEIGHTS") == null
                                            ? " (untrained parameters)"
                                            : ""));
                }
            }
        }
        byte[] image = new byte[784];
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) ((i * 37) % 256);
        }
        System.out.printf(
                Locale.ROOT,
                "%d workers with 1 engine thread each; server max-batch %d, max-delay 2 ms; closed loop: %d clients on"
                        + " keep-alive raw-socket connections, one 28x28 image per request (raw bytes) or %d per"
                        + " request (JSON); %.1f s per measurement, %d rounds; client and server in one JVM%n",
                workers,
                batch,
                clients,
                batch,
                seconds,
                rounds);
        Map<String, Map<String, List<Double>>> all = new LinkedHashMap<>();
        try (Store store = Stores.open(h.storeLocation());
                DatasetStore datasets = DatasetStores.open(h.storeLocation())) {
            ModelRegistry registry = new ModelRegistry(store, new LocalBlobStore(h.blobs()), datasets);
            for (String network : networks) {
                System.out.println("== " + network + ": " + described.get(network));
                Map<String, List<Double>> results = new LinkedHashMap<>();
                all.put(network, results);
                String name = "apparel-" + network;
                try (ZooModel<Input, Output> inProcess = load(packages.get(network));
                        ModelServer batched = ModelServer.start(
                                registry,
                                ServeOptions.of(name)
                                        .port(0)
                                        .workers(workers)
                                        .batching(batch, 2)
                                        .workDir(tmp.resolve("work-b-" + network)),
                                null);
                        ModelServer single = ModelServer.start(
                                registry,
                                ServeOptions.of(name)
                                        .port(0)
                                        .workers(workers)
                                        .batching(1, 0)
                                        .workDir(tmp.resolve("work-1-" + network)),
                                null)) {
                    byte[] one = request(name, batched.port(), "application/octet-stream", image);
                    byte[] oneSingle = request(name, single.port(), "application/octet-stream", image);
                    byte[] many = request(name, batched.port(), "application/json", instances(image, batch));
                    byte[] health = ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:" + batched.port() + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1);
                    // a first, unreported pass over each path: the JIT compiles it, pools fill
                    closedLoop(batched.port(), one, 1, clients, 1);
                    closedLoop(single.port(), oneSingle, 1, clients, 1);
                    closedLoop(batched.port(), many, batch, Math.max(2, clients / 4), 1);
                    closedLoop(batched.port(), health, 1, clients, 1);
                    for (int round = 1; round <= rounds; round++) {
                        Rate ceiling = inProcess(inProcess, workers, batch, image, seconds);
                        Rate ceilingOne = inProcess(inProcess, workers, 1, image, seconds);
                        double[] before = batches(batched.port());
                        Loop withBatching = closedLoop(batched.port(), one, 1, clients, seconds);
                        double[] after = batches(batched.port());
                        double meanBatch = (after[1] - before[1]) / Math.max(1, after[0] - before[0]);
                        Loop without = closedLoop(single.port(), oneSingle, 1, clients, seconds);
                        Loop jsonBatches = closedLoop(batched.port(), many, batch, Math.max(2, clients / 4), seconds);
                        Open half = openLoop(batched.port(), one, withBatching.perSecond / 2, seconds);
                        // The front's own floor: a request that does no model work (/healthz), with the
                        // same client. CPU per image of the model (m) and per request of the front (f)
                        // bound what one image per request can reach: m / (f + m) of the ceiling.
                        Loop front = closedLoop(batched.port(), health, 1, clients, seconds);
                        String load = load();
                        long errors = withBatching.errors + without.errors + jsonBatches.errors + half.errors;
                        double c = ceiling.perSecond();
                        double cc = ceiling.perCpuSecond();
                        System.out.printf(
                                Locale.ROOT,
                                "round %d (load %s): images/s [per CPU-s | per server CPU-s]: in-process batch %d %.0f"
                                        + " [%.0f], batch 1 %.0f [%.0f] | HTTP 1 image/request: batching %s, no batching"
                                        + " %s | HTTP %d images/request %s | at %.0f req/s: p50 %.2f ms p99 %.2f ms |"
                                        + " failed requests %d | mean batch (1 image/request, batching) %.1f%n",
                                round,
                                load,
                                batch,
                                c,
                                cc,
                                ceilingOne.perSecond(),
                                ceilingOne.perCpuSecond(),
                                shares(withBatching, c, cc),
                                shares(without, c, cc),
                                batch,
                                shares(jsonBatches, c, cc),
                                withBatching.perSecond / 2,
                                half.p50,
                                half.p99,
                                errors,
                                meanBatch);
                        add(results, "in_process_batch_per_s", c);
                        add(results, "in_process_batch_per_cpu_s", cc);
                        add(results, "in_process_single_per_s", ceilingOne.perSecond());
                        addLoop(results, "http_batching", withBatching, c, cc);
                        addLoop(results, "http_no_batching", without, c, cc);
                        addLoop(results, "http_" + batch + "_per_request", jsonBatches, c, cc);
                        add(results, "half_load_p50_ms", half.p50);
                        add(results, "half_load_p99_ms", half.p99);
                        add(results, "failed_requests", errors);
                        add(results, "http_batching_mean_batch", meanBatch);
                        double frontUs = 1e6 / front.perCpuSecond;
                        double modelUs = 1e6 / cc;
                        add(results, "front_only_requests_per_s", front.perSecond);
                        add(results, "front_only_cpu_us_per_request", frontUs);
                        add(results, "one_image_share_bound_pct", 100 * modelUs / (frontUs + modelUs));
                    }
                }
            }
        }
        all.forEach((network, results) -> {
            System.out.println(network + ": medians (min .. max) over " + rounds
                    + " rounds (images per second; shares of" + " in-process batch " + batch + "):");
            results.forEach((k, v) -> {
                List<Double> s = new ArrayList<>(v);
                Collections.sort(s);
                System.out.printf(
                        Locale.ROOT,
                        "  %-30s %10.2f  (%.2f .. %.2f)%n",
                        k,
                        s.get(s.size() / 2),
                        s.get(0),
                        s.get(s.size() - 1));
            });
        });
        System.out.println("load average at the end: " + load());
    }

    /** The reference CNN: from CNN_WEIGHTS, else its architecture with fresh parameters. */
    private static ImageModel cnn(ImageModel mlp) throws IOException {
        String file = System.getenv("CNN_WEIGHTS");
        if (file != null && !file.isBlank()) {
            return ImageModel.load(Path.of(file));
        }
        ImageModel cnn = new ImageModel(new NetworkSpec("cnn", List.of(32, 64, 128), 0.3, 10), mlp.classes());
        cnn.block().initialize(cnn.djlModel().getNDManager(), DataType.FLOAT32, cnn.inputShape(1));
        return cnn;
    }

    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /** A loop's rates, and its shares of the in-process rate by wall time, CPU time, server CPU time. */
    private static String shares(Loop l, double ceiling, double ceilingPerCpu) {
        return String.format(
                Locale.ROOT,
                "%.0f [%.0f | %.0f] (%.0f %% [%.0f %% | %.0f %%])",
                l.perSecond,
                l.perCpuSecond,
                l.perServerCpuSecond,
                100 * l.perSecond / ceiling,
                100 * l.perCpuSecond / ceilingPerCpu,
                100 * l.perServerCpuSecond / ceilingPerCpu);
    }

    private static void addLoop(Map<String, List<Double>> m, String name, Loop l, double ceiling, double perCpu) {
        add(m, name + "_per_s", l.perSecond);
        add(m, name + "_share_pct", 100 * l.perSecond / ceiling);
        add(m, name + "_cpu_share_pct", 100 * l.perCpuSecond / perCpu);
        add(m, name + "_server_cpu_share_pct", 100 * l.perServerCpuSecond / perCpu);
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
    private static Rate inProcess(ZooModel<Input, Output> model, int workers, int batch, byte[] image, double seconds)
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
        return timed(threads, false, done, stop, seconds);
    }

    private static byte[] instances(byte[] image, int n) {
        String b64 = Base64.getEncoder().encodeToString(image);
        StringBuilder b = new StringBuilder("{\"instances\": [");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ", ").append("{\"b64\": \"").append(b64).append("\"}");
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A whole prediction request, headers and body, as it goes on the wire. */
    private static byte[] request(String model, int port, String type, byte[] body) {
        byte[] head = ("POST /v1/models/" + model + ":predict HTTP/1.1\r\nHost: 127.0.0.1:" + port
                        + "\r\nContent-Type: " + type + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /** One keep-alive HTTP/1.1 connection that sends prepared requests and reads whole responses. */
    private static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Connection(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        }

        /** Sends the request and reads the response; its status. */
        int call(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            int status = -1;
            long length = 0;
            StringBuilder line = new StringBuilder();
            boolean first = true;
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("the server closed the connection");
                }
                if (c == '\r') {
                    continue;
                }
                if (c != '\n') {
                    line.append((char) c);
                    continue;
                }
                if (first) {
                    status = Integer.parseInt(line.substring(9, 12));
                    first = false;
                } else if (line.length() == 0) {
                    break;
                } else if (line.length() > 15 && line.substring(0, 15).equalsIgnoreCase("content-length:")) {
                    length = Long.parseLong(line.substring(15).trim());
                }
                line.setLength(0);
            }
            in.skipNBytes(length);
            return status;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private record Loop(double perSecond, double perCpuSecond, double perServerCpuSecond, long errors) {}

    /**
     * The batches a server has run so far, {count, sum of their sizes}, from its {@code /metrics}:
     * the mean batch of a measurement tells how far dynamic batching filled the batches.
     */
    private static double[] batches(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream()
                    .write(("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            String text = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            double[] out = new double[2];
            for (String line : text.split("\n")) {
                int at = line.startsWith("keel_serve_batch_size_count")
                        ? 0
                        : line.startsWith("keel_serve_batch_size_sum") ? 1 : -1;
                if (at >= 0) {
                    out[at] += Double.parseDouble(
                            line.substring(line.lastIndexOf(' ') + 1).trim());
                }
            }
            return out;
        }
    }

    /** Images per second answered 200 by {@code clients} connections, each sending its next request on the answer. */
    private static Loop closedLoop(int port, byte[] request, int images, int clients, double seconds) throws Exception {
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            threads.add(new Thread(() -> {
                Connection conn = null;
                while (!stop.get()) {
                    try {
                        if (conn == null) {
                            conn = new Connection(port);
                        }
                        if (conn.call(request) == 200) {
                            done.addAndGet(images);
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                        conn = null;
                    }
                }
                try {
                    if (conn != null) {
                        conn.close();
                    }
                } catch (IOException ignored) {
                    // the measurement is over
                }
            }));
        }
        long errorsBefore = errors.get();
        Rate rate = timed(threads, true, done, stop, seconds);
        return new Loop(rate.perSecond(), rate.perCpuSecond(), rate.perServerCpuSecond(), errors.get() - errorsBefore);
    }

    /**
     * Images per second of wall time, and per CPU-second this process used meanwhile (client and
     * server together). On a machine shared with other work the wall rates of two measurements
     * compare badly, as the scheduler shares the cores per thread, and a measurement with more
     * threads gets more of them; the rates per CPU-second stay comparable.
     */
    private record Rate(double perSecond, double perCpuSecond, double perServerCpuSecond) {}

    /**
     * Runs {@code threads} for {@code seconds} after half a second's start. {@code perServerCpuSecond}
     * leaves out the CPU time of the threads themselves when they are HTTP clients
     * ({@code clients}): what the server (and the rest of this process) used per image.
     */
    private static Rate timed(
            List<Thread> threads, boolean clients, AtomicLong done, AtomicBoolean stop, double seconds)
            throws InterruptedException {
        for (Thread t : threads) {
            t.start();
        }
        Thread.sleep(500);
        long start = System.nanoTime();
        long cpuStart = CPU.getProcessCpuTime();
        long clientStart = clients ? threadCpu(threads) : 0;
        long before = done.get();
        Thread.sleep((long) (seconds * 1000));
        long n = done.get() - before;
        double rate = n / ((System.nanoTime() - start) / 1e9);
        long cpu = CPU.getProcessCpuTime() - cpuStart;
        long clientCpu = clients ? threadCpu(threads) - clientStart : 0;
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        return new Rate(rate, n / Math.max(1e-9, cpu / 1e9), n / Math.max(1e-9, (cpu - clientCpu) / 1e9));
    }

    private static long threadCpu(List<Thread> threads) {
        long sum = 0;
        for (Thread t : threads) {
            sum += Math.max(0, THREADS.getThreadCpuTime(t.getId()));
        }
        return sum;
    }

    private record Open(double p50, double p99, long errors) {}

    /**
     * p50 and p99 (ms) of requests due at a fixed rate, each timed from when it was due (so a
     * request that waits for a free connection counts that wait), over up to
     * {@value #OPEN_LOOP_CONNECTIONS} connections.
     */
    private static Open openLoop(int port, byte[] request, double rate, double seconds) throws Exception {
        int n = Math.max(1, (int) (rate * seconds));
        long interval = (long) (1e9 / rate);
        long[] latency = new long[n];
        BlockingQueue<long[]> due = new ArrayBlockingQueue<>(n);
        AtomicInteger left = new AtomicInteger(n);
        AtomicLong errors = new AtomicLong();
        List<Thread> senders = new ArrayList<>();
        for (int c = 0; c < OPEN_LOOP_CONNECTIONS; c++) {
            senders.add(new Thread(() -> {
                Connection conn = null;
                try {
                    while (left.get() > 0) {
                        long[] job = due.poll(100, TimeUnit.MILLISECONDS);
                        if (job == null) {
                            continue;
                        }
                        try {
                            if (conn == null) {
                                conn = new Connection(port);
                            }
                            if (conn.call(request) != 200) {
                                errors.incrementAndGet();
                            }
                        } catch (IOException e) {
                            errors.incrementAndGet();
                            conn = null;
                        }
                        latency[(int) job[1]] = System.nanoTime() - job[0];
                        left.decrementAndGet();
                    }
                    if (conn != null) {
                        conn.close();
                    }
                } catch (InterruptedException | IOException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread t : senders) {
            t.start();
        }
        long start = System.nanoTime() + 50_000_000;
        for (int i = 0; i < n; i++) {
            long at = start + i * interval;
            // parking, not spinning: a spinning client would take a core from the server it measures
            for (long wait = at - System.nanoTime(); wait > 0; wait = at - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            due.add(new long[] {at, i});
        }
        for (Thread t : senders) {
            t.join();
        }
        Arrays.sort(latency);
        return new Open(latency[n / 2] / 1e6, latency[(int) Math.ceil(0.99 * n) - 1] / 1e6, errors.get());
    }
}
