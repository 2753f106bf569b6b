package dev.keel.server.ui;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.SummaryMode;
import dev.keel.core.KeelHome;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;
import dev.keel.data.AddOptions;
import dev.keel.data.Datasets;
import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every dashboard page at 1280×800 with runs shaped like the demo's and the reference project's
 * (64-character dataset checksums in the config, a 48-jar class path, per-epoch metrics): no page
 * is wider than the window, the runs table shows the metrics without scrolling, and a run has
 * one colour everywhere. Screenshots of each page land in target/screenshots/layout-*.png.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardLayoutBrowserTest {
    static final String PROJECT = "apparel-classifier";
    static final int EPOCHS = 5;
    static final int BATCHES = 20;
    static final int JARS = 48;
    static final List<String> IDX = List.of(
            "t10k-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz",
            "train-images-idx3-ubyte.gz",
            "train-labels-idx1-ubyte.gz");

    /** What no element on a page may do: reach past the window's right edge (scrolling boxes excepted). */
    static final String OVERFLOW = """
            const vw = document.documentElement.clientWidth;
            const out = [];
            if (document.documentElement.scrollWidth > vw) out.push('page ' + document.documentElement.scrollWidth + ' > ' + vw);
            for (const el of document.querySelectorAll('main, header.top, main section, .card, .runs-pane, .workspace, '
                + '.panel, dl.props, table.kv, .parcoords, main details, .legend, .overview-grid, .page-head')) {
              if (el.parentElement && el.parentElement.closest('.scroll-x, .grid-body')) continue;
              const r = el.getBoundingClientRect();
              if (r.width > 0 && r.right > vw + 0.5) {
                out.push(el.tagName.toLowerCase() + '.' + el.className + ' ends at ' + Math.round(r.right) + ' > ' + vw);
              }
            }
            return out.join('\\n');""";

    @TempDir
    static Path dir;

    ServerFixture server;
    Browser browser;
    final List<String> ids = new ArrayList<>();
    final Map<String, String> sha256 = new TreeMap<>();
    String classPath;

    @BeforeAll
    void start() throws IOException {
        Browser.requireChromium();
        for (String f : IDX) {
            sha256.put(f, sha256Hex(f));
        }
        dataset();
        Object[][] configs = {{0.01, 2, "adam", 128}, {0.001, 3, "adam", 256}, {0.1, 1, "sgd", 64}};
        for (Object[] c : configs) {
            ids.add(train((Double) c[0], (Integer) c[1], (String) c[2], (Integer) c[3]));
        }
        server = new ServerFixture(dir);
        browser = Browser.shared();
        browser.size(1280, 800);
    }

    @AfterEach
    void noConsoleErrors() {
        assertEquals(List.of(), browser.consoleErrors(), "browser console errors");
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void dataset() throws IOException {
        Path src = dir.resolve("fashion-src");
        Files.createDirectories(src);
        for (String f : IDX) {
            Files.writeString(src.resolve(f), f);
        }
        try (Datasets data = Datasets.open(new KeelHome(dir))) {
            data.add("fashion-mnist", src, AddOptions.defaults());
        }
    }

    /** A run as the demo logs it, with the reference project's dataset config and a long class path. */
    private String train(double lr, int layers, String optimizer, int hidden) throws IOException {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("lr", lr);
        config.put("layers", layers);
        config.put("hidden", hidden);
        config.put("optimizer", optimizer);
        config.put("epochs", EPOCHS);
        config.put("seed", 42);
        config.put("batch_size", 64);
        config.put("dataset", Map.of("name", "fashion-mnist", "sha256", sha256));
        RunOptions options = RunOptions.builder()
                .project(PROJECT)
                .home(dir)
                .config(config)
                .tags("demo", optimizer)
                .notes(optimizer + ", " + layers + " x " + hidden)
                .systemMetrics(false)
                .captureConsole(false)
                .build();
        String id;
        try (Run run = Keel.init(options)) {
            id = run.id();
            run.useDataset("fashion-mnist:v1");
            run.summary().define("val_loss", SummaryMode.MIN).define("val_accuracy", SummaryMode.MAX);
            Random random = new Random(layers);
            long step = 0;
            double best = 0;
            for (int epoch = 0; epoch < EPOCHS; epoch++) {
                double loss = 0;
                for (int b = 0; b < BATCHES; b++, step++) {
                    loss = 0.3 + 2.0 * Math.exp(-lr * 10 * step) + 0.02 * random.nextGaussian();
                    run.log(Map.of("loss", loss, "accuracy", 1 - 0.42 * loss), step);
                }
                double valAccuracy = 0.95 - 0.4 * loss + 0.01 * random.nextGaussian();
                run.log(Map.of("val_loss", loss + 0.03, "val_accuracy", valAccuracy, "epoch", epoch + 1), step - 1);
                best = Math.max(best, valAccuracy);
            }
            run.summary().put("test_accuracy", Math.round((best - 0.006) * 10000) / 10000.0);
            Path weights = dir.resolve("weights-" + id + ".bin");
            Files.write(weights, new byte[3000]);
            run.logArtifact("model", weights);
        }
        // The command a Maven-launched training records: java -cp <48 jars and a classes folder> Main args.
        List<String> entries = new ArrayList<>(List.of("/home/dev/apparel-classifier/target/classes"));
        for (int i = 0; i < JARS; i++) {
            entries.add("/home/dev/.m2/repository/org/example/library-" + i + "/1." + i + ".0/library-" + i + "-1." + i
                    + ".0.jar");
        }
        classPath = String.join(":", entries);
        List<String> argv = List.of(
                "/usr/lib/jvm/java-17-openjdk-amd64/bin/java",
                "-Xmx2g",
                "-cp",
                classPath,
                "dev.keel.examples.apparel.training.RunExperiment",
                "--epochs",
                String.valueOf(EPOCHS));
        try (Store store = Stores.open(new KeelHome(dir).storeLocation())) {
            WriteBatch batch = new WriteBatch();
            batch.provenance.put(
                    "command",
                    Map.of(
                            "main_class",
                            "dev.keel.examples.apparel.training.RunExperiment",
                            "arguments",
                            List.of("--epochs", String.valueOf(EPOCHS)),
                            "command_line",
                            String.join(" ", argv),
                            "argv",
                            argv,
                            "working_dir",
                            "/home/dev/apparel-classifier"));
            batch.provenance.put("git", Map.of("commit", sha1Hex(id), "branch", "main", "dirty", false));
            store.apply(id, batch);
        }
        return id;
    }

    private void assertFits(String page) {
        browser.screenshot("layout-" + page);
        assertEquals(1280L, browser.js("return window.innerWidth"), "the window is 1280 wide");
        assertEquals("", browser.js(OVERFLOW), page + ": nothing reaches past the window's right edge");
    }

    private String color(String css) {
        return (String) browser.js(
                "const el = document.querySelector(arguments[0]); "
                        + "return el ? getComputedStyle(el).backgroundColor : null",
                css);
    }

    /** The colour a chart panel drew a run's line in, as rgb(…) to compare with computed styles. */
    private String lineColor(String metric, String id) {
        String colors = browser.attr(".panel[data-metric='" + metric + "']", "data-colors");
        for (String pair : colors == null ? new String[0] : colors.split(" ")) {
            if (pair.startsWith(id + "=#")) {
                int rgb = Integer.parseInt(pair.substring(id.length() + 2), 16);
                return "rgb(" + (rgb >> 16) + ", " + ((rgb >> 8) & 255) + ", " + (rgb & 255) + ")";
            }
        }
        return null;
    }

    private final Map<String, String> tableColors = new LinkedHashMap<>();

    @Test
    @Order(1)
    void projectsPageFits() {
        browser.open(server.url() + "/");
        browser.waitFor(
                d -> browser.text(".card[data-project=" + PROJECT + "]").contains("best test_accuracy"),
                "the project's main metric");
        assertFits("projects");
    }

    @Test
    @Order(2)
    void runsTableShowsTheMetricsFirstAndOnlyConfigThatDiffers() {
        browser.open(server.url() + "/projects/" + PROJECT);
        browser.waitFor(d -> browser.all(".grid-row[data-run]").size() == ids.size(), "every run in the table");
        browser.waitFor(d -> "3".equals(browser.attr(".panel[data-metric=val_loss]", "data-series")), "the charts");
        String hidden = (String) browser.js(
                """
                const body = document.querySelector('.grid-body').getBoundingClientRect();
                return arguments[0].map(id => {
                  const b = document.querySelector('.grid-head [data-col="' + id + '"]');
                  if (!b) return id + ' is not a column';
                  const r = b.parentElement.getBoundingClientRect();
                  return r.left >= body.left && r.right <= body.right + 0.5 ? '' : id + ' ends at ' + r.right + ' > ' + body.right;
                }).filter(Boolean).join('\\n');""", List.of("name", "state", "summary.test_accuracy", "summary.val_accuracy", "summary.val_loss"));
        assertEquals("", hidden, "visible without scrolling sideways");
        List<String> columns = browser.all(".grid-head button[data-col]").stream()
                .map(b -> b.getDomAttribute("data-col"))
                .toList();
        assertEquals("summary.test_accuracy", columns.get(2), "the main metric right after name and state: " + columns);
        assertTrue(
                columns.indexOf("config.lr") > columns.indexOf("summary.val_loss"), "config after metrics: " + columns);
        assertTrue(columns.contains("config.optimizer"), columns.toString());
        assertFalse(
                columns.stream()
                        .anyMatch(c ->
                                c.startsWith("config.dataset") || c.equals("config.seed") || c.equals("config.epochs")),
                "keys equal in every run are left out: " + columns);
        for (String id : ids) {
            String dot = color(".grid-row[data-run='" + id + "'] .eye-btn .dot");
            assertEquals(dot, lineColor("val_loss", id), "the table's dot and the chart line of " + id);
            tableColors.put(id, dot);
        }
        assertFits("runs");
    }

    @Test
    @Order(3)
    void runPageKeepsLongValuesInsideItsCards() {
        String id = ids.get(0);
        browser.open(server.url() + "/runs/" + id);
        browser.waitFor(
                d -> "drawn".equals(d.findElement(By.tagName("main")).getDomAttribute("data-charts")), "charts");
        assertFits("run-overview");
        assertEquals(tableColors.get(id), color("h1 .run-color"), "the run's colour in its title");
        assertEquals(tableColors.get(id), lineColor("val_loss", id), "the run's colour in its charts");

        String key = "dataset.sha256." + IDX.get(2);
        WebElement hash = browser.find("table[aria-label=config] tr[data-key='" + key + "'] .hash");
        assertEquals(sha256.get(IDX.get(2)), hash.getDomAttribute("title"), "the whole hash on hover");
        String shown = hash.findElement(By.tagName("code")).getText();
        assertTrue(shown.contains("…") && shown.length() < 20, shown);
        assertFalse(hash.findElements(By.cssSelector("button.copy")).isEmpty(), "a copy button");

        WebElement command = browser.find("details.command");
        assertNull(command.getDomAttribute("open"), "the command starts folded");
        String summary = command.findElement(By.tagName("summary")).getText();
        assertTrue(summary.startsWith("java -Xmx2g -cp …" + JARS + " jars + 1 folder dev.keel.examples"), summary);
        assertTrue(
                ((Number) browser.js("return document.querySelector('#overview').getBoundingClientRect().height"))
                                .doubleValue()
                        < 1500,
                "the class path does not fill the overview");

        String reproduce = browser.text("#overview .reproduce");
        assertTrue(reproduce.contains("keel reproduce " + id), "it recorded a commit and a command: " + reproduce);
        assertTrue(reproduce.contains("keel run show " + id), reproduce);
        assertTrue(reproduce.contains("keel data checkout fashion-mnist:v1 data/fashion-mnist"), reproduce);
        assertTrue(reproduce.contains("git checkout " + sha1Hex(id)), reproduce);
        assertFalse(reproduce.contains("keel run resume"), "a finished run cannot be resumed: " + reproduce);

        command.findElement(By.tagName("summary")).click();
        browser.waitFor(d -> browser.text("details.command pre").contains("library-47"), "the whole command");
        assertFits("run-command");
        for (String tab : List.of("charts", "console", "files")) {
            browser.find(".tabs a[href='#" + tab + "']").click();
            assertFits("run-" + tab);
        }
        assertTrue(browser.text("#files").contains("2.9 KiB"), browser.text("#files"));
    }

    @Test
    @Order(4)
    void compareKeepsEachRunsColourAndItsAxisLabelsInside() {
        browser.open(server.url() + "/compare?runs=" + String.join(",", ids));
        browser.waitFor(
                d -> "drawn".equals(d.findElement(By.tagName("main")).getDomAttribute("data-charts")), "charts");
        for (String id : ids) {
            assertEquals(
                    tableColors.get(id), color(".legend-item[href='/runs/" + id + "'] i"), "legend colour of " + id);
            assertEquals(tableColors.get(id), lineColor("val_loss", id), "line colour of " + id);
        }
        browser.waitFor(d -> !browser.all(".pc-label").isEmpty(), "the parallel-coordinates axes");
        String cut = (String) browser.js("""
                const box = document.querySelector('.parcoords').getBoundingClientRect();
                return [...document.querySelectorAll('.pc-label')].map(l => {
                  const r = l.getBoundingClientRect();
                  const whole = l.scrollWidth <= l.clientWidth || l.title === l.dataset.key;
                  return r.left >= box.left && r.right <= box.right && whole ? '' : l.dataset.key + ' ' + r.left + '-' + r.right;
                }).filter(Boolean).join('\\n');""");
        assertEquals("", cut, "axis labels inside the plot, whole in their title");
        assertTrue(browser.text(".pc-labels").contains("lr"), browser.text(".pc-labels"));
        assertFits("compare");
        browser.js("document.querySelector('.parcoords').scrollIntoView({ block: 'center' })");
        assertFits("compare-parcoords");
    }

    @Test
    @Order(5)
    void datasetPagesFitAndSizesUseBinaryUnits() {
        browser.open(server.url() + "/datasets");
        browser.waitFor(d -> !browser.all("tr[data-dataset=fashion-mnist]").isEmpty(), "the dataset");
        assertTrue(
                browser.text("tr[data-dataset=fashion-mnist]").contains(" B"),
                browser.text("tr[data-dataset=fashion-mnist]"));
        assertFits("datasets");
        browser.open(server.url() + "/datasets/fashion-mnist");
        browser.waitFor(d -> browser.all(".lineage li").size() == ids.size(), "the runs that used v1");
        assertFits("dataset");
        assertEquals(
                List.of("512 B", "1.5 KiB", "52.4 MiB", "10 GiB"),
                browser.js(
                        "return import('/ui/dom.js').then(m => [512, 1536, 54947880, 10 * 1024 ** 3].map(m.fmtBytes))"),
                "one unit convention with the CLI");
    }

    @Test
    @Order(6)
    void loginPageFits() {
        browser.open(server.url() + "/login");
        assertFits("login");
    }

    private static String sha256Hex(String s) {
        return digest("SHA-256", s);
    }

    private static String sha1Hex(String s) {
        return digest("SHA-1", s);
    }

    private static String digest(String algorithm, String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
