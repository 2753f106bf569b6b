package dev.keel.server.ui;

import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The drift panel of a model version's page in a real headless Chromium, over the runs of {@link ServingRuns}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelDriftBrowserTest {
    @TempDir
    static Path dir;

    ServerFixture server;
    Browser browser;
    ServingRuns seeded;

    @BeforeAll
    void start() throws IOException {
        Browser.requireChromium();
        seeded = ServingRuns.seed(dir);
        server = new ServerFixture(dir);
        browser = Browser.shared();
        browser.size(1400, 1000);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theVersionPageShowsItsServingRunsRecentFirstWithTheirDriftStatusChartAndLinks() {
        // production points at v1, which the page shows by default
        browser.open(server.url() + "/models/apparel");
        browser.waitFor(d -> !browser.all("table.drift-runs tbody tr").isEmpty(), "the serving runs of v1");
        assertEquals("1", browser.attr(".drift-panel", "data-version"));
        assertEquals(
                List.of(seeded.drifting, seeded.quiet, seeded.promoted),
                browser.all("table.drift-runs tbody tr").stream()
                        .map(r -> r.getDomAttribute("data-run"))
                        .toList());
        WebElement newest = browser.find("tr[data-run='" + seeded.drifting + "']");
        assertEquals(
                "drifted", newest.findElement(By.cssSelector(".drift-status")).getText());
        assertEquals(
                "0.310",
                newest.findElement(By.cssSelector("td[data-psi=input]")).getText());
        assertEquals(
                "0.120",
                newest.findElement(By.cssSelector("td[data-psi=classes]")).getText());
        assertEquals(
                2,
                newest.findElements(By.cssSelector("svg.drift-chart polyline")).size());
        assertEquals("drifted", browser.attr(".drift-panel", "data-status"));
        assertEquals("no data", browser.text("tr[data-run='" + seeded.quiet + "'] .drift-status"));
        assertEquals("stable", browser.text("tr[data-run='" + seeded.promoted + "'] .drift-status"));
        String legend = browser.text(".drift-panel p");
        assertTrue(legend.contains("below 0.1 stable") && legend.contains("above 0.25 drifted"), legend);
        assertFalse(browser.text(".drift-panel").contains(seeded.elsewhere), "another project's run is not listed");
        assertEquals(List.of(), browser.consoleErrors());
        browser.screenshot("model-drift");

        // v2's page: the promoted run's intervals after the promotion, where the inputs drifted
        browser.open(server.url() + "/models/apparel?version=2");
        browser.waitFor(
                d -> "2".equals(browser.attr(".drift-panel", "data-version"))
                        && !browser.all("table.drift-runs tbody tr").isEmpty(),
                "the serving runs of v2");
        assertEquals(
                List.of(seeded.v2only, seeded.promoted),
                browser.all("table.drift-runs tbody tr").stream()
                        .map(r -> r.getDomAttribute("data-run"))
                        .toList());
        assertEquals("drifted", browser.text("tr[data-run='" + seeded.promoted + "'] .drift-status"));
        assertEquals("stable", browser.text("tr[data-run='" + seeded.v2only + "'] .drift-status"));

        // the run link leads to the serving run's page
        browser.find("tr[data-run='" + seeded.promoted + "'] a").click();
        browser.waitFor(d -> d.getCurrentUrl().endsWith("/runs/" + seeded.promoted), "the serving run's page");
    }
}
