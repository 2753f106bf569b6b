package dev.keel.server.ui;

import dev.keel.core.KeelHome;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialState;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerSettings;
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

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweep page in headless Chromium, on a sweep of real runs in a real SQLite store: the metric
 * by trial, parallel coordinates (a log axis for the learning rate, a categorical one for the
 * optimizer), importance bars and the sortable trials table render without console errors and
 * fit a 1280×800 window; the project page lists the sweep, the runs table groups by it, a trial's
 * run links to it, and the page follows a trial that starts and ends while it is open.
 * Screenshots land in target/screenshots/sweep-*.png.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SweepPageBrowserTest {
    static final String PROJECT = "apparel-classifier";

    @TempDir
    static Path dir;

    KeelServer server;
    Browser browser;
    Sweep sweep;
    List<Trial> trials;

    @BeforeAll
    void start() {
        Browser.requireChromium();
        try (Store store = Stores.open(new KeelHome(dir).ensureExists().storeLocation())) {
            sweep = SweepData.sweep(
                    dir,
                    store,
                    PROJECT,
                    "mlp-width",
                    List.of(
                            SweepData.spec(32, 0.01, "adam", TrialState.FINISHED, 0.9, 0.62, 0.55),
                            SweepData.spec(256, 0.001, "adam", TrialState.FINISHED, 0.8, 0.5, 0.41),
                            SweepData.spec(64, 0.1, "sgd", TrialState.STOPPED, 1.2, 1.1),
                            SweepData.spec(128, 0.0001, "sgd", TrialState.FAILED, 2.0),
                            SweepData.spec(128, 0.003, "adam", TrialState.FINISHED, 0.7, 0.47, 0.44),
                            SweepData.spec(64, 0.0003, "sgd", TrialState.FINISHED, 0.95, 0.7, 0.66),
                            SweepData.spec(256, 0.03, "adam", TrialState.FINISHED, 0.85, 0.6, 0.58),
                            SweepData.spec(32, 0.002, "sgd", TrialState.FINISHED, 0.9, 0.72, 0.69)));
            trials = store.sweeps().trials(sweep.id());
        }
        server = KeelServer.embedded(new KeelHome(dir), ServerSettings.local(0)).start();
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

    private void openSweep() {
        browser.open(server.url() + "/sweeps/" + sweep.id());
        browser.waitFor(
                d -> "drawn".equals(d.findElement(By.tagName("main")).getDomAttribute("data-sweep")), "the sweep");
    }

    /** How many pixels of a canvas are painted (not transparent): a plot that drew nothing has none. */
    private long painted(String css) {
        return ((Number) browser.js("""
                        const c = document.querySelector(arguments[0]);
                        if (!c || !c.width) return 0;
                        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                        let n = 0;
                        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
                        return n;""", css)).longValue();
    }

    @Test
    @Order(1)
    void theSweepPageDrawsTheMetricByTrialParallelCoordinatesAndImportance() {
        openSweep();
        String overview = browser.text(".sweep-props");
        assertTrue(
                overview.contains("bayes") && overview.contains("val_loss") && overview.contains("minimize"), overview);
        assertTrue(overview.contains("0.41") && overview.contains("trial 2"), "the best so far: " + overview);
        Trial best = trials.get(1);
        assertEquals("/runs/" + best.runId(), browser.attr(".sweep-best a", "href"), "the best run is linked");

        // metric by trial: the failed trial has no value, the others are points by state
        assertEquals("7", browser.attr(".sweep-chart", "data-points"));
        assertEquals("finished stopped", browser.attr(".sweep-chart", "data-series"));
        browser.waitFor(d -> painted(".sweep-chart canvas") > 500, "the metric chart's points and line");
        // the legend is filled after the chart paints: wait for it rather than read it at once
        browser.waitFor(
                d -> !browser.text(".sweep-legend [data-state=finished]").isEmpty(), "the chart's legend");
        assertEquals("finished 6", browser.text(".sweep-legend [data-state=finished]"));

        // parallel coordinates: hidden, lr (log), optimizer (categorical), then the metric
        browser.waitFor(
                d -> browser.all(".sweep-pc .pc-label").size() == 4 && browser.attr(".sweep-pc", "data-drawn") != null,
                "the parallel coordinates");
        // a redraw for the panel's width replaces the labels: wait for the drawn ones to carry their scales
        browser.waitFor(
                d -> "log".equals(browser.attr(".sweep-pc .pc-label[data-key=lr]", "data-scale"))
                        && browser.attr(".sweep-pc .pc-label[data-key=val_loss]", "data-scale") != null,
                "the axes' scales");
        assertEquals("4", browser.attr(".sweep-pc", "data-axes"));
        assertEquals("7", browser.attr(".sweep-pc", "data-lines"));
        assertEquals("log", browser.attr(".sweep-pc .pc-label[data-key=lr]", "data-scale"));
        assertEquals("lr (log)", browser.text(".sweep-pc .pc-label[data-key=lr]"));
        assertEquals("categorical", browser.attr(".sweep-pc .pc-label[data-key=optimizer]", "data-scale"));
        assertEquals("linear", browser.attr(".sweep-pc .pc-label[data-key=val_loss]", "data-scale"));
        assertTrue(painted(".sweep-pc canvas") > 2000, "the trials' lines are drawn");

        // importance: one row per parameter, each with its forest share and its correlation
        assertEquals(3, browser.all(".sweep-importance tr[data-param]").size());
        assertEquals(3, browser.all(".sweep-importance .bar.corr").size(), "η for the optimizer");
        assertEquals(3, browser.all(".sweep-importance .bar.imp").size(), "a forest importance for each");
        double hidden =
                Double.parseDouble(browser.attr(".sweep-importance tr[data-param=hidden] .bar.corr", "data-value"));
        assertTrue(hidden < 0, "wider layers, lower val_loss: " + hidden);

        // the trials table: every trial, best first, linked to its run; sortable by any column
        assertEquals(8, browser.all("table.trials tbody tr").size());
        assertEquals("2", browser.attr("table.trials tbody tr", "data-trial"), "sorted by val_loss, best first");
        assertEquals("best-trial", browser.attr("table.trials tbody tr", "class"));
        assertEquals(
                "/runs/" + trials.get(3).runId(),
                browser.find("table.trials tr[data-trial='4'] a").getDomAttribute("href"));
        browser.screenshot("sweep-page");
        assertEquals("", browser.js(DashboardLayoutBrowserTest.OVERFLOW), "nothing reaches past the window's edge");
        browser.find("table.trials button[data-col=number]").click();
        assertEquals("1", browser.attr("table.trials tbody tr", "data-trial"), "sorted by number");
        browser.find("table.trials button[data-col=number]").click();
        assertEquals("8", browser.attr("table.trials tbody tr", "data-trial"), "and the other way");

        browser.js("document.querySelector('#sweep-parcoords').scrollIntoView()");
        browser.screenshot("sweep-trials");
    }

    @Test
    @Order(2)
    void theProjectPageListsTheSweepAndTheRunsTableGroupsByIt() {
        browser.open(server.url() + "/projects/" + PROJECT);
        browser.waitFor(
                d -> !browser.all(".sweeps-list tr[data-sweep='" + sweep.id() + "']")
                        .isEmpty(),
                "the sweep list");
        String line = browser.text(".sweeps-list tr[data-sweep='" + sweep.id() + "']");
        assertTrue(line.contains("mlp-width") && line.contains("running") && line.contains("0.41"), line);
        assertEquals(
                "/sweeps/" + sweep.id(), browser.attr(".sweeps-list tr[data-sweep='" + sweep.id() + "'] a", "href"));
        browser.js(
                "const s = document.querySelector('.group-by'); s.value = 'sweep'; s.dispatchEvent(new Event('change'))");
        browser.waitFor(d -> browser.text(".groups-table").contains("mlp-width"), "the group of the sweep, by name");
        assertTrue(browser.text(".groups-table").contains(sweep.id()), browser.text(".groups-table"));
        browser.screenshot("sweep-project");
        assertEquals("", browser.js(DashboardLayoutBrowserTest.OVERFLOW), "nothing reaches past the window's edge");
    }

    @Test
    @Order(3)
    void aTrialsRunLinksToItsSweepAndTrialNumber() {
        Trial t = trials.get(4);
        browser.open(server.url() + "/runs/" + t.runId());
        browser.waitFor(d -> browser.text(".sweep-link").contains("trial " + t.number()), "the trial's number");
        assertEquals("/sweeps/" + sweep.id(), browser.attr(".sweep-link a", "href"));
        assertTrue(browser.text(".sweep-link").startsWith("mlp-width"), browser.text(".sweep-link"));
    }

    @Test
    @Order(4)
    void thePageFollowsATrialThatStartsAndEndsWhileItIsOpen() {
        openSweep();
        Store store = server.context().store();
        Trial running = SweepData.trial(dir, store, sweep, SweepData.spec(512, 0.002, "adam", null, 0.6, 0.39));
        browser.waitFor(
                d -> "9".equals(d.findElement(By.tagName("main")).getDomAttribute("data-trials")),
                "the new trial",
                Duration.ofSeconds(15));
        browser.waitFor(d -> browser.text("table.trials tr[data-trial='9']").contains("running"), "the trial running");
        store.sweeps().end(sweep.id(), running.number(), SweepData.AGENT, TrialState.FINISHED, 0.39, "");
        browser.waitFor(d -> browser.text(".sweep-props").contains("trial 9"), "the new best", Duration.ofSeconds(15));
        assertEquals("9", browser.attr("table.trials tbody tr", "data-trial"), "the new best heads the table");
        assertEquals("8", browser.attr(".sweep-chart", "data-points"));
        browser.screenshot("sweep-live");
    }
}
