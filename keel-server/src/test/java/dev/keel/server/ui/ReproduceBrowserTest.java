package dev.keel.server.ui;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.provenance.Reproductions;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;
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
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run page's Reproduce box and the compare page's environment section in headless Chromium:
 * an original run, one reproduction that came out identical and one that diverged with another
 * thread count, their verdicts recorded as {@code keel reproduce} records them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReproduceBrowserTest {
    static final String COMMIT = "4f1c2a9e0b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e";

    @TempDir
    static Path dir;

    ServerFixture server;
    Browser browser;
    String original;
    String same;
    String diverged;

    @BeforeAll
    void start() {
        Browser.requireChromium();
        original = log("original", 0.25);
        same = log("same-again", 0.25);
        diverged = log("four-threads", 0.254);
        try (Store store = Stores.open(new KeelHome(dir).storeLocation())) {
            store.apply(original, recorded("1"));
            WriteBatch identical = recorded("1");
            identical.provenance.put(Reproductions.REPRODUCES, original);
            identical.provenance.put(
                    Reproductions.RECORD,
                    Map.of(
                            "of",
                            original,
                            "verdict",
                            "identical",
                            "points",
                            2,
                            "exit_code",
                            0,
                            "environment",
                            List.of()));
            identical.tags = List.of(Reproductions.tag(original));
            store.apply(same, identical);
            WriteBatch other = recorded("4");
            other.provenance.put(Reproductions.REPRODUCES, original);
            other.provenance.put(
                    Reproductions.RECORD,
                    Map.of(
                            "of",
                            original,
                            "verdict",
                            "diverged",
                            "step",
                            1,
                            "key",
                            "loss",
                            "left",
                            "0.25",
                            "right",
                            "0.254",
                            "points",
                            2,
                            "exit_code",
                            0,
                            "environment",
                            List.of("threads OMP_NUM_THREADS: 1 → 4")));
            other.tags = List.of(Reproductions.tag(original));
            store.apply(diverged, other);
        }
        server = new ServerFixture(dir);
        browser = Browser.shared();
        browser.size(1400, 1000);
    }

    @AfterEach
    void noConsoleErrors() {
        assertEquals(List.of(), browser.consoleErrors(), "browser console errors");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String log(String name, double loss) {
        RunOptions options = RunOptions.builder()
                .project("repro-page")
                .name(name)
                .home(dir)
                .systemMetrics(false)
                .captureConsole(false)
                .build();
        try (Run run = Keel.init(options)) {
            run.log(Map.of("loss", 0.25), 0);
            run.log(Map.of("loss", loss), 1);
            return run.id();
        }
    }

    /** The provenance keel reproduce needs (a commit, a command) and a thread count. */
    private static WriteBatch recorded(String threads) {
        WriteBatch b = new WriteBatch();
        Map<String, Object> git = new LinkedHashMap<>();
        git.put("commit", COMMIT);
        git.put("dirty", false);
        b.provenance.put("git", git);
        b.provenance.put(
                "command",
                Map.of("argv", List.of("java", "-cp", "app.jar", "Train"), "main_class", "Train", "arguments", ""));
        b.provenance.put("environment", Map.of("OMP_NUM_THREADS", threads));
        return b;
    }

    @Test
    @Order(1)
    void theOriginalsReproduceBoxShowsTheCommandAndEachReproductionsVerdict() {
        browser.open(server.url() + "/runs/" + original);
        browser.waitFor(d -> browser.all("#overview ul.reproductions > li").size() == 2, "two reproductions");
        String box = browser.text("#overview .reproduce");
        assertTrue(box.contains("keel reproduce " + original), box);

        String identical = browser.text("ul.reproductions li[data-run='" + same + "']");
        assertTrue(identical.startsWith("same-again identical 2 metric points, bitwise equal"), identical);
        assertEquals("identical", browser.attr("li[data-run='" + same + "'] .verdict", "data-verdict"));

        String other = browser.text("ul.reproductions li[data-run='" + diverged + "']");
        assertTrue(
                other.startsWith("four-threads diverged at step 1: loss = 0.25 in this run, 0.254 in the reproduction"),
                other);
        assertTrue(other.contains("1 environment difference"), other);
        browser.find("li[data-run='" + diverged + "'] details.repro-env summary")
                .click();
        browser.waitFor(
                d -> browser.text("li[data-run='" + diverged + "'] details.repro-env ul")
                        .contains("threads OMP_NUM_THREADS: 1 → 4"),
                "the environment difference");
        browser.screenshot("reproduce-box");

        WebElement link = browser.find("li[data-run='" + diverged + "'] a");
        assertEquals("/runs/" + diverged, link.getDomAttribute("href"));
        link.click();
        browser.waitFor(d -> !browser.all("#overview .repro-of").isEmpty(), "the reproduction's page");
        String of = browser.text("#overview .repro-of");
        assertTrue(
                of.startsWith("Reproduction of original: diverged at step 1: loss = 0.25 in " + original
                        + ", 0.254 in this run"),
                of);
        assertEquals("/runs/" + original, browser.attr("#overview .repro-of a", "href"));
    }

    @Test
    @Order(2)
    void comparePageListsTheEnvironmentDifferences() {
        browser.open(server.url() + "/compare?runs=" + original + "," + same + "," + diverged);
        browser.waitFor(d -> "drawn".equals(browser.attr(".env-box", "data-state")), "the environment section");
        List<WebElement> rows = browser.all("table.env-diff tbody tr");
        assertEquals(1, rows.size(), browser.text("table.env-diff"));
        assertEquals("threads OMP_NUM_THREADS 1 1 4", rows.get(0).getText().replaceAll("\\s+", " "));
        browser.screenshot("compare-environment");

        browser.open(server.url() + "/compare?runs=" + original + "," + same);
        browser.waitFor(d -> "drawn".equals(browser.attr(".env-box", "data-state")), "the environment section");
        assertEquals("No recorded environment difference.", browser.text(".env-box .no-env-diff"));
    }
}
