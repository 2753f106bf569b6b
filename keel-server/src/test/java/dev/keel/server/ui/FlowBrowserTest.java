package dev.keel.server.ui;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.flow.ProjectFlow;
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
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The project's flow on the project page and a stage run's place in it, in headless Chromium:
 * a flow as keel repro records it (register → model group {train → evaluate}, and an export
 * stage that never ran), its stage runs logged by the SDK.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlowBrowserTest {
    @TempDir
    static Path dir;

    ServerFixture server;
    Browser browser;
    String register;
    String train;
    String evaluate;

    @BeforeAll
    void start() {
        Browser.requireChromium();
        register = log("flowed", "register");
        train = log("flowed", "train");
        evaluate = log("flowed", "evaluate");
        log("no-flow", "plain");
        try (Store store = Stores.open(new KeelHome(dir).storeLocation())) {
            store.saveFlow(new ProjectFlow(
                    "flowed",
                    List.of(
                            new ProjectFlow.Stage(
                                    "register", null, "./run register", List.of(), List.of("data/"), register),
                            new ProjectFlow.Stage("model", null, "", List.of(), List.of(), null),
                            new ProjectFlow.Stage(
                                    "train",
                                    "model",
                                    "./run train",
                                    List.of("data/", "params.yaml:epochs"),
                                    List.of("weights/", "summary.json", "metrics.json"),
                                    train),
                            new ProjectFlow.Stage(
                                    "evaluate",
                                    "model",
                                    "./run evaluate",
                                    List.of("weights/"),
                                    List.of("eval.json"),
                                    evaluate),
                            new ProjectFlow.Stage(
                                    "export", null, "./run export", List.of("weights/"), List.of("model.onnx"), null)),
                    List.of(
                            new ProjectFlow.Edge("register", "train", "data/"),
                            new ProjectFlow.Edge("train", "evaluate", "weights/"),
                            new ProjectFlow.Edge("model", "export", "after")),
                    System.currentTimeMillis()));
            // as keel repro records a stage run
            WriteBatch b = new WriteBatch();
            b.provenance.put("job_type", "stage");
            b.provenance.put(
                    "flow",
                    Map.of(
                            "stage",
                            "train",
                            "group",
                            "model",
                            "reason",
                            "input data/ changed",
                            "upstream_runs",
                            Map.of("register", register)));
            store.apply(train, b);
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

    private String log(String project, String name) {
        RunOptions options = RunOptions.builder()
                .project(project)
                .name(name)
                .home(dir)
                .systemMetrics(false)
                .captureConsole(false)
                .build();
        try (Run run = Keel.init(options)) {
            run.log(Map.of("loss", 0.5), 0);
            return run.id();
        }
    }

    private double x(String stage) {
        String t = browser.attr("g.flow-node[data-stage='" + stage + "']", "transform");
        assertNotNull(t, "stage " + stage + " is drawn");
        return Double.parseDouble(t.replaceAll("translate\\(([-0-9.]+),.*", "$1"));
    }

    @Test
    @Order(1)
    void theProjectPageDrawsEachStageInDependencyOrderWithItsLastRunStateAndOutputs() {
        browser.open(server.url() + "/projects/flowed");
        browser.waitFor(d -> "drawn".equals(browser.attr(".flow-section", "data-state")), "the flow");
        assertEquals(4, browser.all("svg.flow g.flow-node").size(), "the group gathers its stages, it is no box");
        assertEquals(3, browser.all("svg.flow path.flow-edge").size(), "model → export is drawn from its last stage");
        assertTrue(x("register") < x("train"), "a stage sits right of what it reads");
        assertTrue(x("train") < x("evaluate"));
        assertTrue(x("train") < x("export"));
        assertEquals("finished", browser.attr("g.flow-node[data-stage=train]", "data-state"));
        assertEquals("never-run", browser.attr("g.flow-node[data-stage=export]", "data-state"));
        String train = browser.text("g.flow-node[data-stage=train]");
        assertTrue(train.contains("model ›") && train.contains("finished · train"), train);
        assertTrue(train.contains("→ weights/, summary.json +1"), train);
        WebElement link =
                browser.find("svg.flow a.flow-link g[data-stage=evaluate]").findElement(By.xpath(".."));
        assertEquals("/runs/" + evaluate, link.getDomAttribute("href"));
        assertTrue(
                browser.all("svg.flow a.flow-link g[data-stage=export]").isEmpty(), "a stage never run links nowhere");
        browser.screenshot("flow-project");
    }

    @Test
    @Order(2)
    void aStageRunsPageShowsWhereItSitsInTheFlow() {
        browser.open(server.url() + "/runs/" + train);
        browser.waitFor(d -> "drawn".equals(browser.attr("#flow", "data-state")), "the run's place in the flow");
        String place = browser.text("#flow .flow-place");
        assertTrue(place.startsWith("Stage train of group model in flowed's flow (its last run)"), place);
        assertTrue(place.contains("Ran because: input data/ changed"), place);
        assertTrue(place.contains("After: register " + register), place);
        assertEquals(1, browser.all("g.flow-node.current").size());
        assertEquals("train", browser.attr("g.flow-node.current", "data-stage"));
        browser.screenshot("flow-run");

        // the last run of a stage is found without its provenance too
        browser.open(server.url() + "/runs/" + evaluate);
        browser.waitFor(d -> "drawn".equals(browser.attr("#flow", "data-state")), "evaluate's place");
        assertEquals("evaluate", browser.attr("g.flow-node.current", "data-stage"));
    }

    @Test
    @Order(3)
    void aProjectWithoutAFlowShowsNoneAndAsksForNothingThatFails() {
        browser.open(server.url() + "/projects/no-flow");
        browser.waitFor(d -> browser.all(".grid-row[data-run]").size() == 1, "the project's run");
        assertTrue(browser.all("svg.flow").isEmpty());
        String plain = browser.find(".grid-row[data-run]").getDomAttribute("data-run");
        browser.open(server.url() + "/runs/" + plain);
        browser.waitFor(d -> !browser.all("#overview .props").isEmpty(), "the run page");
        assertTrue(browser.all("#flow svg").isEmpty());
    }
}
