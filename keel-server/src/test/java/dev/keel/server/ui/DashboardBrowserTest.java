package dev.keel.server.ui;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;
import dev.keel.data.AddOptions;
import dev.keel.data.Datasets;
import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in a real headless Chromium against a real embedded server with runs logged by
 * the SDK. One browser and one server for the whole class keep it quick.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
    static final String STOP_REASON = "hyperband: val_loss 0.52 at step 3 is above 0.45, the cut for the best 1/3";
    static final String XSS = "<img src=x onerror=alert(1)>";
    static final int STEPS = 50;
    static final String PROBLEM = "12345 metric points not stored: the event log and the store could not be written"
            + " (No space left on device)";

    @TempDir
    static Path dir;

    ServerFixture server;
    Browser browser;
    final Map<String, String> ids = new LinkedHashMap<>();
    final Map<String, Double> valLoss = new LinkedHashMap<>();

    @BeforeAll
    void start() {
        Browser.requireChromium();
        double[] lrs = {0.1, 0.03, 0.01, 0.003, 0.001};
        for (int i = 0; i < lrs.length; i++) {
            log("run-" + i, lrs[i], 32 << (i % 3), i % 2 == 0 ? "adam" : "sgd");
        }
        log(XSS, 0.05, 16, "adam");
        datasets();
        // As the writer stores a run's problems with its end (see keel-client RunWriter).
        try (Store store = Stores.open(new KeelHome(dir).storeLocation())) {
            WriteBatch problems = new WriteBatch();
            problems.problems = List.of(PROBLEM);
            store.apply(ids.get("run-2"), problems);
            // as the SDK ends a sweep's trial that was asked to stop
            WriteBatch stopped = new WriteBatch();
            stopped.state = RunState.STOPPED;
            stopped.endedAt = System.currentTimeMillis();
            stopped.summary.put(RunState.STOP_REASON_KEY, STOP_REASON);
            store.apply(ids.get("run-4"), stopped);
        }
        server = new ServerFixture(dir);
        browser = Browser.shared();
        browser.size(1600, 1000);
    }

    private void log(String name, double lr, int layers, String optimizer) {
        RunOptions options = RunOptions.builder()
                .project("vision")
                .name(name)
                .home(dir)
                .config(Map.of("lr", lr, "layers", layers, "optimizer", optimizer))
                .tags("baseline")
                .systemMetrics(false)
                .captureConsole(false)
                .build();
        try (Run run = Keel.init(options)) {
            double last = 0;
            for (int s = 0; s < STEPS; s++) {
                last = 1.0 / (s + 1) + lr * 3;
                run.log(Map.of("loss", 2.0 / (s + 1) + lr, "val_loss", last, "accuracy", 1 - last / 3));
            }
            ids.put(name, run.id());
            valLoss.put(name, last);
        }
    }

    /** fashion v1 = {a, b}; v2 = {b changed, c}; run "trainer" used v2. */
    private void datasets() {
        try {
            Path src = dir.resolve("src");
            Files.createDirectories(src);
            Files.writeString(src.resolve("a.txt"), "alpha");
            Files.writeString(src.resolve("b.txt"), "beta");
            try (Datasets data = Datasets.open(new KeelHome(dir))) {
                data.add("fashion", src, AddOptions.defaults());
                Files.delete(src.resolve("a.txt"));
                Files.writeString(src.resolve("b.txt"), "beta, longer now");
                Files.writeString(src.resolve("c.txt"), "gamma");
                data.add("fashion", src, AddOptions.defaults());
            }
            try (Run run = Keel.init(RunOptions.builder()
                    .project("vision")
                    .name("trainer")
                    .home(dir)
                    .systemMetrics(false)
                    .captureConsole(false)
                    .build())) {
                run.useDataset("fashion:v2");
                ids.put("trainer", run.id());
                valLoss.put("trainer", Double.NaN);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @org.junit.jupiter.api.AfterEach
    void noConsoleErrors() {
        // A CSP violation, an uncaught exception or a failed script load shows up here.
        // The bad filter typed on purpose answers 400; that one is expected.
        List<String> errors = browser.consoleErrors().stream()
                .filter(e -> !(e.contains("filter=") && e.contains("status of 400")))
                .toList();
        assertEquals(List.of(), errors, "browser console errors");
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

    private List<String> rowNames() {
        try {
            List<String> names = new ArrayList<>();
            for (WebElement row : browser.all(".grid-row[data-run]")) {
                names.add(row.findElement(By.cssSelector("[data-col=name]")).getText());
            }
            return names;
        } catch (StaleElementReferenceException e) {
            return List.of();
        }
    }

    private void openProject() {
        browser.open(server.url() + "/projects/vision");
        browser.waitFor(d -> rowNames().size() >= ids.size(), "all runs in the table");
    }

    @Test
    @Order(1)
    void projectsPageListsTheProjectWithItsBestMetric() {
        browser.open(server.url() + "/");
        WebElement card =
                browser.waitFor(d -> d.findElement(By.cssSelector(".card[data-project=vision]")), "the project card");
        browser.waitFor(d -> card.getText().contains("best val_loss"), "the best metric");
        assertTrue(card.getText().contains(String.valueOf(ids.size())), card.getText());
        assertFalse(browser.text("header.top").contains("null"), browser.text("header.top"));
        assertTrue(browser.all("#logout").isEmpty(), "no session to end on the embedded server");
        browser.screenshot("projects");
    }

    @Test
    @Order(2)
    void runsTableSortsFiltersAndPicksColumns() {
        openProject();
        browser.find(".grid-head [data-col='summary.val_loss']").click();
        String lowest = valLoss.entrySet().stream()
                .filter(e -> !e.getValue().isNaN())
                .min(Map.Entry.comparingByValue())
                .orElseThrow()
                .getKey();
        browser.waitFor(d -> firstRowIs(lowest), "the lowest val_loss first");
        assertEquals(
                1,
                browser.all(".grid-head [aria-sort=ascending] [data-col='summary.val_loss']")
                        .size(),
                "header shows the sort");
        browser.find(".grid-head [data-col='summary.val_loss']").click();
        String highest = valLoss.entrySet().stream()
                .filter(e -> !e.getValue().isNaN())
                .max(Map.Entry.comparingByValue())
                .orElseThrow()
                .getKey();
        browser.waitFor(d -> firstRowIs(highest), "the highest val_loss first");

        WebElement filter = browser.find("input.filter");
        filter.sendKeys("config.lr < 0.02");
        browser.waitFor(d -> rowNames().size() == 3, "three runs with lr < 0.02 (trainer has no lr)");
        filter.sendKeys(" and and");
        browser.waitFor(d -> !browser.find(".filter-error").getText().isEmpty(), "an inline filter error");
        assertEquals("true", filter.getDomAttribute("aria-invalid"));
        browser.screenshot("runs-filter-error");
        filter.clear();
        filter.sendKeys(" ");
        browser.waitFor(d -> rowNames().size() == ids.size(), "all runs again");

        // Column picker: hide User, move it back later; the choice survives a reload.
        assertFalse(browser.all(".grid-head [data-col=user]").isEmpty());
        browser.find(".toolbar .btn[aria-haspopup]").click();
        browser.find(".picker li[data-col=user] input[type=checkbox]").click();
        browser.waitFor(d -> browser.all(".grid-head [data-col=user]").isEmpty(), "the User column hidden");
        browser.screenshot("runs-columns");
        openProject();
        assertTrue(browser.all(".grid-head [data-col=user]").isEmpty(), "column choice remembered per project");
        browser.find(".toolbar .btn[aria-haspopup]").click();
        browser.find(".picker li[data-col=user] input[type=checkbox]").click();
        browser.find(".picker li[data-col=name] button[aria-label='Move name down']")
                .click();
        browser.waitFor(
                d -> "state".equals(browser.attr(".grid-head .cell:nth-child(3) button", "data-col")),
                "State moved first");
        assertEquals("name", browser.attr(".grid-head .cell:nth-child(4) button", "data-col"));
        browser.find(".picker li[data-col=name] button[aria-label='Move name up']")
                .click();
        browser.find(".picker .picker-head .btn:last-child").click();

        // Workspace charts: one panel per metric with a line per run (20 at most).
        browser.waitFor(
                d -> "6".equals(browser.attr(".panel[data-metric=val_loss]", "data-series")),
                "val_loss drawn for every run that logged it");
        assertEquals(String.valueOf(6 * STEPS), browser.attr(".panel[data-metric=val_loss]", "data-points"));
        browser.screenshot("runs");
    }

    @Test
    @Order(3)
    void keyboardMovesThroughRowsAndOpensARun() {
        openProject();
        browser.js("document.querySelector('.grid-row[data-index=\"0\"]').focus()");
        browser.find(".grid-row[data-index='0']").sendKeys(Keys.ARROW_DOWN);
        browser.waitFor(
                d -> "1".equals(d.switchTo().activeElement().getDomAttribute("data-index")), "focus on the second row");
        String id = browser.driver.switchTo().activeElement().getDomAttribute("data-run");
        browser.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        browser.waitFor(d -> d.getCurrentUrl().endsWith("/runs/" + id), "the run page");
    }

    @Test
    @Order(4)
    void aRunNamedLikeHtmlRendersAsText() {
        openProject();
        assertTrue(rowNames().contains(XSS), "the name shows as text: " + rowNames());
        assertTrue(browser.all("img[src=x]").isEmpty(), "no <img> was created from the name");
        assertThrows(
                NoAlertPresentException.class, () -> browser.driver.switchTo().alert());
        browser.open(server.url() + "/runs/" + ids.get(XSS));
        browser.waitFor(
                d -> d.findElement(By.cssSelector(".page-head h1")).getText().equals(XSS),
                "the run's name as its title");
        assertTrue(browser.all("img[src=x]").isEmpty());
        assertThrows(
                NoAlertPresentException.class, () -> browser.driver.switchTo().alert());
    }

    @Test
    @Order(4)
    void aRunsProblemsShowOnItsPage() {
        browser.open(server.url() + "/runs/" + ids.get("run-2"));
        browser.waitFor(d -> d.findElement(By.id("overview")).getText().contains(PROBLEM), "the run's problems");
        String text = browser.find("#overview").getText();
        assertTrue(text.contains("Problems") && text.contains("finished"), text);
        browser.open(server.url() + "/runs/" + ids.get("run-1"));
        browser.waitFor(d -> d.findElement(By.id("overview")).getText().contains("keel run show"), "run-1's overview");
        assertFalse(browser.find("#overview").getText().contains("Problems"), "no Problems row without problems");
    }

    /** Read once: the table may re-render between two reads. */
    private boolean firstRowIs(String name) {
        List<String> names = rowNames();
        return !names.isEmpty() && names.get(0).equals(name);
    }

    @Test
    @Order(4)
    void aStoppedRunSaysWhyOnItsPage() {
        browser.open(server.url() + "/runs/" + ids.get("run-4"));
        browser.waitFor(d -> d.findElement(By.id("overview")).getText().contains(STOP_REASON), "the stop reason");
        assertTrue(
                browser.find("#overview").getText().contains("stopped"),
                browser.find("#overview").getText());
        assertEquals("stopped: " + STOP_REASON, browser.attr(".page-head .state", "title"));
    }

    @Test
    @Order(5)
    void runPageDrawsEveryMetricWithAllItsPoints() {
        browser.open(server.url() + "/runs/" + ids.get("run-1"));
        browser.waitFor(
                d -> "drawn".equals(d.findElement(By.tagName("main")).getDomAttribute("data-charts")), "charts");
        for (String key : List.of("loss", "val_loss", "accuracy")) {
            WebElement panel = browser.find(".panel[data-metric='" + key + "']");
            assertEquals(String.valueOf(STEPS), panel.getDomAttribute("data-points"), key);
            assertFalse(panel.findElements(By.cssSelector("canvas")).isEmpty(), key + " drawn on a canvas");
        }
        // Hover: a tooltip names the run and its value at that step.
        WebElement over = browser.find(".panel[data-metric=loss] .u-over");
        new Actions(browser.driver).moveToElement(over, 20, 10).perform();
        browser.waitFor(
                d -> browser.text(".panel[data-metric=loss] .tip").contains("run-1"), "a tooltip with the run's name");
        assertTrue(
                browser.text(".panel[data-metric=loss] .tip").contains("step "),
                browser.text(".panel[data-metric=loss] .tip"));
        // Log scale and another x axis redraw every panel with the same points.
        browser.find("#charts .chart-settings input[type=checkbox]").click();
        new Select(browser.find("#charts .chart-settings select")).selectByValue("relative");
        browser.waitFor(
                d -> String.valueOf(STEPS).equals(browser.attr(".panel[data-metric=val_loss]", "data-points")),
                "redrawn");
        String text = browser.find("#overview").getText();
        assertTrue(text.contains("keel run show " + ids.get("run-1")), text);
        assertTrue(browser.find("table.kv[aria-label=config]").getText().contains("0.03"));
        browser.screenshot("run");
    }

    @Test
    @Order(6)
    void groupsAndMultiSelectLeadToACompare() {
        openProject();
        new Select(browser.find("select.group-by")).selectByValue("config.optimizer");
        browser.waitFor(d -> browser.all(".groups-table tbody tr").size() == 3, "adam, sgd and (none)");
        String groups = browser.text(".groups-table");
        assertTrue(groups.contains("adam") && groups.contains("sgd"), groups);
        browser.screenshot("runs-grouped");
        new Select(browser.find("select.group-by")).selectByValue("");
        browser.find(".grid-row[data-run='" + ids.get("run-0") + "'] input[type=checkbox]")
                .click();
        browser.find(".grid-row[data-run='" + ids.get("run-3") + "'] input[type=checkbox]")
                .click();
        browser.waitFor(d -> browser.text(".toolbar").contains("Compare 2"), "the compare button counting 2");
        browser.waitFor(
                d -> "2".equals(browser.attr(".panel[data-metric=loss]", "data-series")),
                "charts of the selection only");
        browser.all(".toolbar .btn").stream()
                .filter(b -> b.getText().startsWith("Compare"))
                .findFirst()
                .orElseThrow()
                .click();
        browser.waitFor(d -> d.getCurrentUrl().contains("/compare?runs="), "the compare page");
        String url = browser.driver.getCurrentUrl();
        assertTrue(url.contains(ids.get("run-0")) && url.contains(ids.get("run-3")), url);
    }

    @Test
    @Order(7)
    void notesAreEditedFromTheTable() {
        openProject();
        String id = ids.get("run-2");
        WebElement notes = browser.find(".grid-row[data-run='" + id + "'] [data-col=notes]");
        new Actions(browser.driver).doubleClick(notes).perform();
        WebElement box =
                browser.waitFor(d -> d.findElement(By.cssSelector("dialog.edit-dialog textarea")), "the notes editor");
        box.sendKeys("tried a <b>wider</b> net");
        browser.find("dialog.edit-dialog .btn.primary").click();
        browser.waitFor(
                d -> browser.text(".grid-row[data-run='" + id + "'] [data-col=notes]")
                        .equals("tried a <b>wider</b> net"),
                "the new notes in the row");
        openProject();
        assertEquals("tried a <b>wider</b> net", browser.text(".grid-row[data-run='" + id + "'] [data-col=notes]"));
    }

    @Test
    @Order(8)
    void compareShowsDifferingConfigAndOverlaidCharts() {
        browser.open(server.url() + "/compare?runs=" + ids.get("run-0") + "," + ids.get("run-1"));
        browser.waitFor(
                d -> "drawn".equals(d.findElement(By.tagName("main")).getDomAttribute("data-charts")), "charts");
        WebElement config = browser.find("table.compare[aria-label=config]");
        List<String> keys = config.findElements(By.cssSelector("tbody tr")).stream()
                .map(r -> r.getDomAttribute("data-key"))
                .toList();
        assertEquals(List.of("layers", "lr", "optimizer"), keys, "only differing keys");
        assertEquals("2", browser.find(".panel[data-metric=loss]").getDomAttribute("data-series"));
        assertEquals(
                String.valueOf(2 * STEPS),
                browser.find(".panel[data-metric=loss]").getDomAttribute("data-points"));
        assertFalse(browser.all(".parcoords canvas").isEmpty());
        browser.screenshot("compare");
    }

    @Test
    @Order(9)
    void aRunningRunUpdatesLive() throws Exception {
        RunOptions options = RunOptions.builder()
                .project("vision")
                .name("live-run")
                .home(dir)
                .config(Map.of("lr", 0.2))
                .systemMetrics(false)
                .captureConsole(false)
                .flushInterval(Duration.ofMillis(200))
                .build();
        String liveId;
        try (Run run = Keel.init(options)) {
            liveId = run.id();
            for (int s = 0; s < 5; s++) {
                run.log(Map.of("loss", 1.0 / (s + 1)));
            }
            run.flush();
            browser.open(server.url() + "/runs/" + run.id());
            browser.waitFor(d -> "5".equals(browser.attr(".panel[data-metric=loss]", "data-points")), "5 points");
            browser.waitFor(d -> browser.text(".page-head .state").contains("running"), "the running state");
            for (int s = 5; s < 12; s++) {
                run.log(Map.of("loss", 1.0 / (s + 1)));
            }
            browser.waitFor(
                    d -> "12".equals(browser.attr(".panel[data-metric=loss]", "data-points")),
                    "12 points without a reload",
                    Duration.ofSeconds(5));
            browser.screenshot("run-live");
            // The project's workspace follows the running run too.
            openProject();
            browser.waitFor(
                    d -> String.valueOf(STEPS * 6 + 12).equals(browser.attr(".panel[data-metric=loss]", "data-points")),
                    "the live run's 12 points among the loss lines");
            for (int s = 12; s < 20; s++) {
                run.log(Map.of("loss", 1.0 / (s + 1)));
            }
            browser.waitFor(
                    d -> String.valueOf(STEPS * 6 + 20).equals(browser.attr(".panel[data-metric=loss]", "data-points")),
                    "20 points in the workspace without a reload",
                    Duration.ofSeconds(5));
        }
        String row = ".grid-row[data-run='" + liveId + "'] [data-col=state]";
        browser.waitFor(d -> browser.text(row).contains("finished"), "the row's finished state", Duration.ofSeconds(5));
    }

    @Test
    @Order(10)
    void datasetPagesShowVersionsDiffFilesAndLineage() {
        browser.open(server.url() + "/datasets");
        WebElement row =
                browser.waitFor(d -> d.findElement(By.cssSelector("tr[data-dataset=fashion]")), "the dataset row");
        assertTrue(row.getText().contains("2"), row.getText());
        browser.screenshot("datasets");
        row.findElement(By.cssSelector("a")).click();
        browser.waitFor(d -> !browser.text(".diff-summary").isEmpty(), "the diff between v1 and v2");
        assertEquals("+1 added · −1 removed · ~1 modified", browser.text(".diff-summary"));
        assertEquals(
                List.of("removed", "modified", "added"),
                browser.all(".diff-table tr").stream()
                        .map(r -> r.getDomAttribute("data-kind"))
                        .toList(),
                "a.txt, b.txt, c.txt in path order");
        browser.waitFor(d -> browser.text("table.files[aria-label=Files]").contains("c.txt"), "v2's files");
        assertFalse(browser.text("table.files[aria-label=Files]").contains("a.txt"));
        browser.waitFor(d -> browser.text(".lineage").contains("trainer"), "the run that used v2");
        assertFalse(browser.text("main").contains("null"), "no missing value printed as null");
        browser.screenshot("dataset");
        browser.open(server.url() + "/runs/" + ids.get("trainer"));
        browser.waitFor(d -> browser.text("#overview").contains("fashion:v2"), "the dataset version the run used");
    }

    @Test
    @Order(11)
    void pagesSendAContentSecurityPolicy() throws Exception {
        var http = HttpClient.newHttpClient();
        var r = http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/projects/vision"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), csp);
        assertFalse(r.body().contains("<script>"), "no inline scripts");
    }
}
