package dev.keel.server.ui;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.model.ModelRegistry;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.data.AddOptions;
import dev.keel.data.Datasets;
import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model registry's pages in a real headless Chromium: two versions of {@code apparel}
 * registered by the SDK from runs that used {@code fashion:v1}, {@code production} moved to v2 by
 * ana and back to v1 by bo.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelPagesBrowserTest {
    @TempDir
    static Path dir;

    ServerFixture server;
    Browser browser;
    final List<String> runs = new ArrayList<>();

    @BeforeAll
    void start() throws IOException {
        Browser.requireChromium();
        KeelHome home = new KeelHome(dir);
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a.txt"), "alpha");
        try (Datasets data = Datasets.open(home)) {
            data.add("fashion", src, AddOptions.defaults());
        }
        for (double acc : new double[] {0.91, 0.87}) {
            Path weights = dir.resolve("weights-" + acc + ".bin");
            Files.writeString(weights, "weights " + acc);
            try (Run run = Keel.init(RunOptions.builder()
                    .project("vision")
                    .home(dir)
                    .systemMetrics(false)
                    .captureConsole(false)
                    .build())) {
                run.useDataset("fashion:v1");
                run.summary().put("test_accuracy", acc);
                run.registerModel("apparel", weights);
                runs.add(run.id());
            }
        }
        try (Store store = Stores.open(home.storeLocation())) {
            ModelRegistry registry = new ModelRegistry(store, new LocalBlobStore(home.blobs()), null);
            registry.alias("apparel@production", "2", null, "ana");
            registry.alias("apparel@production", "1", "test_accuracy >= 0.9", "bo");
            registry.alias("apparel@staging", "2", null, "ana");
        }
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
    void theModelPagesShowVersionsMetricsAliasHistoryAndLineageAndRunPagesLinkThem() {
        browser.open(server.url() + "/models");
        WebElement row =
                browser.waitFor(d -> d.findElement(By.cssSelector("tr[data-model=apparel]")), "the model's row");
        assertTrue(row.getText().contains("v2"), row.getText());
        assertTrue(row.getText().contains("production → v1"), row.getText());
        browser.screenshot("models");
        row.findElement(By.cssSelector("a")).click();
        browser.waitFor(d -> !browser.all("table.model-versions tbody tr").isEmpty(), "the versions");
        assertEquals(
                List.of("2", "1"),
                browser.all("table.model-versions tbody tr").stream()
                        .map(r -> r.getDomAttribute("data-version"))
                        .toList());
        assertEquals("0.87", browser.text("tr[data-version='2'] td[data-metric=test_accuracy]"));
        assertEquals("0.91", browser.text("tr[data-version='1'] td[data-metric=test_accuracy]"));
        assertTrue(browser.text("tr[data-version='1']").contains("@production"));
        String history = browser.text("table.alias-history");
        assertTrue(history.contains("v2 → v1") && history.contains("bo"), history);
        assertTrue(history.contains("new → v2") && history.contains("ana"), history);
        // the lineage of the production version: dataset version → run → version → alias
        assertEquals(
                List.of("datasets", "run", "version", "aliases"),
                browser.all(".lineage-flow .flow-step").stream()
                        .map(s -> s.getDomAttribute("data-step"))
                        .toList());
        String flow = browser.text(".lineage-flow");
        assertTrue(flow.contains("fashion:v1"), flow);
        assertTrue(flow.contains(runs.get(0)), flow);
        assertTrue(flow.contains("apparel:v1"), flow);
        assertTrue(flow.contains("@production"), flow);
        assertFalse(browser.text("main").contains("null"), "no missing value printed as null");
        assertEquals(List.of(), browser.consoleErrors());
        browser.screenshot("model");
        browser.find(".lineage-flow [data-step=run] a").click();
        browser.waitFor(d -> browser.text("#overview").contains("apparel:v1"), "the version registered from the run");
        browser.find(".run-models a").click();
        browser.waitFor(d -> browser.text(".lineage-flow").contains("apparel:v1"), "back at the version's lineage");
    }
}
