package dev.keel.examples.apparel.predictor;

import dev.keel.examples.apparel.web.PredictServer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A measurement, not a test: single-image predictions per second after warm-up (raw 28×28
 * bytes and PNG), and the web backend's latency for a 28×28 PNG upload on loopback.
 * Run with {@code KEEL_THREADS=2} to pin the engine's threads.
 */
public final class PredictorThroughput {
    private PredictorThroughput() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        byte[] png = Files.readAllBytes(Path.of("src/test/resources/support/sneaker_1.png"));
        try (ApparelPredictor predictor = ApparelPredictor.load()) {
            byte[] raw = ImageDecoding.toPixels(png);
            for (int i = 0; i < 2000; i++) {
                predictor.predict(raw);
            }
            for (byte[][] input : new byte[][][] {{raw}, {png}}) {
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    predictor.predict(input[0]);
                }
                double s = (System.nanoTime() - start) / 1e9;
                System.out.printf(
                        Locale.ROOT,
                        "%s: %.0f predictions/s (%d in %.2f s)%n",
                        input[0] == raw ? "raw 28x28 bytes" : "28x28 PNG",
                        n / s,
                        n,
                        s);
            }
            try (PredictServer server = PredictServer.start(predictor, 0)) {
                HttpClient client = HttpClient.newHttpClient();
                HttpRequest request = HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + server.port() + "/predict"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(png))
                        .build();
                for (int i = 0; i < 1000; i++) {
                    client.send(request, HttpResponse.BodyHandlers.ofString());
                }
                int m = 2000;
                long[] lat = new long[m];
                for (int i = 0; i < m; i++) {
                    long t = System.nanoTime();
                    HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                    lat[i] = System.nanoTime() - t;
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(r.body());
                    }
                }
                Arrays.sort(lat);
                System.out.printf(
                        Locale.ROOT,
                        "web POST /predict (28x28 PNG): p50 %.2f ms, p99 %.2f ms over %d requests%n",
                        lat[m / 2] / 1e6,
                        lat[(int) (m * 0.99)] / 1e6,
                        m);
            }
        }
    }
}
