package dev.keel.server.ui;

import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.tracking.MlflowClient;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A nested run logged with MLflow's client (tag mlflow.parentRunId) links to its parent on its run page. */
class NestedRunBrowserTest {
    @TempDir
    Path dir;

    @Test
    void theRunPageLinksANestedRunToItsParent() {
        Browser.requireChromium();
        try (ServerFixture server = new ServerFixture(dir);
                MlflowClient client = new MlflowClient(server.url())) {
            String parent = client.createRun().getRunId();
            String child = client.createRun(CreateRun.newBuilder()
                            .setExperimentId("0")
                            .addTags(RunTag.newBuilder()
                                    .setKey("mlflow.parentRunId")
                                    .setValue(parent))
                            .build())
                    .getRunId();
            Browser browser = Browser.shared();
            browser.open(server.url() + "/runs/" + child);
            String parentName = client.getRun(parent).getInfo().getRunName();
            // the overview may be drawn again once the provenance arrives: look the link up each time
            browser.waitFor(
                    d -> {
                        try {
                            WebElement link = d.findElement(By.cssSelector("a.parent-link"));
                            return link.getText().equals(parentName)
                                    && parent.equals(link.getDomAttribute("title"))
                                    && link.getDomAttribute("href").endsWith("/runs/" + parent);
                        } catch (NoSuchElementException | StaleElementReferenceException e) {
                            return false;
                        }
                    },
                    "a link to the parent run, with its name");

            browser.open(server.url() + "/runs/" + parent);
            browser.waitFor(d -> !d.findElements(By.cssSelector(".overview dl")).isEmpty(), "the parent's overview");
            assertTrue(browser.all("a.parent-link").isEmpty(), "a run without a parent shows no link");
        }
    }
}
