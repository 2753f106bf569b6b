package dev.keel.bench;

import dev.keel.core.Ids;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerSettings;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The dashboard's targets, in headless Chromium (Debian's chromium + chromium-driver) against an
 * embedded server on loopback:
 * <ul>
 * <li>runs page of 10,000 runs: navigation start → first rows painted; a sort and a filter:
 *     click/Enter → new first rows in place;</li>
 * <li>workspace of 20 runs × 6 metrics × 10,000 steps: navigation start → every chart drawn;</li>
 * <li>a 1,000,000-point series downsampled to 1,000 points: request → last byte over HTTP, the first
 *     (cold) request and the median of later ones.</li>
 * </ul>
 */
final class Dashboard {
    private Dashboard() {}

    static void main(String[] args) {
        int runs = (int) Stats.arg(args, "--runs", 10_000);
        String chromium = Stats.arg(args, "--chromium", "/usr/bin/chromium");
        String driverPath = Stats.arg(args, "--chromedriver", "/usr/bin/chromedriver");
        Path dir = Homes.fresh("dashboard");
        KeelHome home = new KeelHome(dir).ensureExists();
        String bigRun;
        try (Store store = Stores.open(home.storeLocation())) {
            seedTable(store, runs);
            seedCharts(store);
            bigRun = seedBig(store);
        }
        try (KeelServer server =
                KeelServer.embedded(home, ServerSettings.local(0)).start()) {
            series(server, bigRun);
            api(server, "ui.api.runs10k.sort", "/api/v1/projects/wide/runs?limit=100&sort=summary.val_loss");
            api(
                    server,
                    "ui.api.runs10k.filter",
                    "/api/v1/projects/wide/runs?limit=100&filter="
                            + URLEncoder.encode(
                                    "config.lr < 0.001 and config.optimizer = adam", StandardCharsets.UTF_8));
            System.setProperty("webdriver.chrome.driver", driverPath);
            ChromeOptions options = new ChromeOptions();
            options.setBinary(new File(chromium));
            options.addArguments(
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--window-size=1600,1000",
                    "--no-first-run",
                    "--disable-extensions");
            ChromeDriver driver = new ChromeDriver(
                    new ChromeDriverService.Builder()
                            .usingDriverExecutable(new File(driverPath))
                            .usingAnyFreePort()
                            .build(),
                    options);
            try {
                driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
                browser(driver, server.url());
            } finally {
                driver.quit();
            }
        }
    }

    private static void seedTable(Store store, int runs) {
        Random rnd = new Random(11);
        long now = System.currentTimeMillis();
        for (int i = 0; i < runs; i++) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("lr", Math.pow(10, -1 - 3 * rnd.nextDouble()));
            config.put("layers", 16 << rnd.nextInt(4));
            config.put("optimizer", rnd.nextBoolean() ? "adam" : "sgd");
            for (int c = 0; c < 10; c++) {
                config.put("param_" + c, rnd.nextDouble());
            }
            String id = Ids.newRunId();
            store.createRun(SeedRuns.finished(id, "wide", i, now, config), Map.of());
            WriteBatch b = new WriteBatch();
            b.summary.put("val_loss", rnd.nextDouble());
            b.summary.put("accuracy", rnd.nextDouble());
            for (int m = 0; m < 6; m++) {
                b.summary.put("metric_" + m, rnd.nextDouble());
            }
            store.apply(id, b);
        }
    }

    private static void seedCharts(Store store) {
        long now = System.currentTimeMillis();
        for (int r = 0; r < 20; r++) {
            String id = Ids.newRunId();
            store.createRun(
                    new RunInfo(
                            id,
                            "charts",
                            "run-" + r,
                            "",
                            "bench",
                            List.of(),
                            "",
                            RunState.FINISHED,
                            now - r * 1000L,
                            now,
                            now,
                            60_000,
                            "",
                            "host",
                            1,
                            Map.of("lr", 0.001 * (r + 1)),
                            Map.of()),
                    Map.of());
            for (int from = 0; from < 10_000; from += 2_000) {
                WriteBatch b = new WriteBatch();
                for (int s = from; s < from + 2_000; s++) {
                    for (int m = 0; m < 6; m++) {
                        b.metrics.add("metric_" + m, s, now + s * 10L, Math.exp(-s / 2000.0) * (m + 1) + r * 0.01);
                    }
                }
                store.apply(id, b);
            }
        }
    }

    private static String seedBig(Store store) {
        long now = System.currentTimeMillis();
        String id = Ids.newRunId();
        store.createRun(
                new RunInfo(
                        id,
                        "big",
                        "million",
                        "",
                        "bench",
                        List.of(),
                        "",
                        RunState.FINISHED,
                        now,
                        now,
                        now,
                        60_000,
                        "",
                        "host",
                        1,
                        Map.of(),
                        Map.of()),
                Map.of());
        Random rnd = new Random(3);
        for (int from = 0; from < 1_000_000; from += 100_000) {
            WriteBatch b = new WriteBatch();
            for (int s = from; s < from + 100_000; s++) {
                b.metrics.add("loss", s, now + s, rnd.nextGaussian());
            }
            store.apply(id, b);
        }
        return id;
    }

    private static void series(KeelServer server, String run) {
        HttpClient http = HttpClient.newHttpClient();
        double[] ms = new double[21];
        double[] uncached = new double[21];
        for (int i = 0; i < ms.length + uncached.length; i++) {
            // The cache is keyed by the number of points: asking 1000 + i points always misses it.
            int points = i < ms.length ? 1000 : 1000 + i;
            URI uri = URI.create(server.url() + "/api/v1/series?runs=" + run + "&keys=loss&points=" + points);
            try {
                long t0 = System.nanoTime();
                HttpResponse<byte[]> r =
                        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
                double took = (System.nanoTime() - t0) / 1e6;
                if (i < ms.length) {
                    ms[i] = took;
                } else {
                    uncached[i - ms.length] = took;
                }
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("HTTP " + r.statusCode() + ": " + new String(r.body()));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        Stats.result("ui.series.1M.cold", ms[0], "ms", "<= 100 ms");
        Stats.result("ui.series.1M.cached", Stats.median(Arrays.copyOfRange(ms, 1, ms.length)), "ms", "<= 100 ms");
        Stats.result(
                "ui.series.1M.uncached",
                Stats.median(Arrays.copyOfRange(uncached, 1, uncached.length)),
                "ms",
                "<= 100 ms");
    }

    /** Median of 10 (after 2 warm-ups) of one API request: the server's share of a table action. */
    private static void api(KeelServer server, String name, String path) {
        HttpClient http = HttpClient.newHttpClient();
        double[] ms = new double[12];
        for (int i = 0; i < ms.length; i++) {
            try {
                long t0 = System.nanoTime();
                HttpResponse<byte[]> r = http.send(
                        HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                ms[i] = (System.nanoTime() - t0) / 1e6;
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("HTTP " + r.statusCode() + ": " + new String(r.body()));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        Stats.result(name, Stats.median(Arrays.copyOfRange(ms, 2, ms.length)), "ms", "(server share)");
    }

    private static double mark(JavascriptExecutor js, String name) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            Object t = js.executeScript(
                    "const e = performance.getEntriesByName(arguments[0]); return e.length ? e[0].startTime : null;",
                    name);
            if (t != null) {
                return ((Number) t).doubleValue();
            }
            sleep(10);
        }
        throw new IllegalStateException("the page never marked " + name);
    }

    private static void browser(ChromeDriver driver, String url) {
        JavascriptExecutor js = driver;
        // Warm-up: the first navigation loads the scripts into the browser's cache, as a user's would be.
        driver.get(url + "/projects/wide");
        mark(js, "keel-rows");
        List<Double> paint = new ArrayList<>();
        List<Double> sort = new ArrayList<>();
        List<Double> filter = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            driver.get(url + "/projects/wide");
            paint.add(mark(js, "keel-rows"));
            sort.add(timed(js, """
                    const done = arguments[arguments.length - 1];
                    const first = () => { const r = document.querySelector('.grid-row[data-run]'); return r && r.dataset.run; };
                    const before = first();
                    const t0 = performance.now();
                    document.querySelector(".grid-head [data-col='summary.val_loss']").click();
                    const poll = () => first() && first() !== before ? requestAnimationFrame(() => done(performance.now() - t0)) : setTimeout(poll, 2);
                    poll();
                    """));
            filter.add(timed(js, """
                    const done = arguments[arguments.length - 1];
                    const grid = document.querySelector('.grid');
                    const before = grid.getAttribute('aria-rowcount');
                    const input = document.querySelector('input.filter');
                    input.value = 'config.lr < 0.001 and config.optimizer = adam';
                    const t0 = performance.now();
                    input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
                    const poll = () => grid.getAttribute('aria-rowcount') !== before && document.querySelector('.grid-row[data-run]')
                        ? requestAnimationFrame(() => done(performance.now() - t0)) : setTimeout(poll, 2);
                    poll();
                    """));
        }
        Stats.result("ui.runs10k.first-rows", median(paint), "ms", "<= 1000 ms");
        Stats.result("ui.runs10k.sort", median(sort), "ms", "<= 300 ms");
        Stats.result("ui.runs10k.filter", median(filter), "ms", "<= 300 ms");

        driver.get(url + "/projects/charts");
        mark(js, "keel-charts");
        List<Double> charts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            driver.get(url + "/projects/charts");
            charts.add(mark(js, "keel-charts"));
            Object points = js.executeScript(
                    "return [...document.querySelectorAll('.panel')].map(p => p.dataset.series + 'x' + p.dataset.points).join(' ')");
            if (i == 0) {
                System.err.println("panels (series x points): " + points);
            }
        }
        Stats.result("ui.charts.20x6x10k", median(charts), "ms", "<= 1000 ms");
    }

    private static double timed(JavascriptExecutor js, String script) {
        return ((Number) js.executeAsyncScript(script)).doubleValue();
    }

    private static double median(List<Double> v) {
        return Stats.median(v.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
