package dev.keel.server.ui;

import dev.keel.core.data.Visibility;
import dev.keel.server.TeamServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard on a team server (users, API keys, sessions, visibility) in headless Chromium:
 * signing in, seeing exactly what visibility allows, and CSRF on changes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TeamDashboardBrowserTest {
    @TempDir
    static Path dir;

    TeamServerFixture f;
    Browser browser;
    String mine;

    @BeforeAll
    void start() {
        Browser.requireChromium();
        f = new TeamServerFixture(dir, false);
        mine = f.projectWithRun("mine", "owner", Visibility.PRIVATE);
        f.projectWithRun("theirs", "other", Visibility.PRIVATE);
        f.projectWithRun("shared", "member", Visibility.TEAM);
        browser = Browser.start();
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (f != null) {
            f.close();
        }
    }

    @Test
    @Order(1)
    void aSignedOutVisitorIsSentToTheLoginPageAndBackAfterSigningIn() {
        browser.driver.get(f.server.url() + "/projects/mine");
        browser.waitFor(d -> d.getCurrentUrl().contains("/login?next="), "the login page");
        browser.waitFor(d -> !d.findElements(By.cssSelector("form.login")).isEmpty(), "the login form");
        browser.find("#user").sendKeys("owner");
        browser.find("#secret").sendKeys("wrong-key");
        new Select(browser.find("#kind")).selectByValue("api_key");
        browser.find("form.login button[type=submit]").click();
        browser.waitFor(d -> browser.text("form.login .error").equals("Wrong user or secret."), "the error");
        browser.screenshot("login");
        WebElement secret = browser.find("#secret");
        secret.clear();
        secret.sendKeys(f.keys.get("owner"));
        browser.find("form.login button[type=submit]").click();
        browser.waitFor(d -> d.getCurrentUrl().endsWith("/projects/mine"), "back on the page asked for");
        browser.waitFor(d -> browser.all(".grid-row[data-run]").size() == 1, "the project's run");
        assertTrue(browser.text("#who").contains("owner"));
    }

    @Test
    @Order(2)
    void aUserSeesExactlyWhatVisibilityAllows() {
        browser.open(f.server.url() + "/");
        browser.waitFor(d -> !browser.all(".card").isEmpty(), "project cards");
        assertEquals(2, browser.all(".card").size(), "own private project and the team's project");
        assertEquals(1, browser.all(".card[data-project=mine]").size());
        assertEquals(1, browser.all(".card[data-project=shared]").size());
        assertTrue(browser.all(".card[data-project=theirs]").isEmpty(), "another user's private project is not listed");
        browser.screenshot("team-projects");
        browser.open(f.server.url() + "/projects/theirs");
        browser.waitFor(d -> !browser.text(".error").isEmpty(), "an error instead of the project");
        assertTrue(browser.text(".error").contains("does not exist (or you may not see it)"), browser.text(".error"));
        assertTrue(browser.all(".grid-row[data-run]").isEmpty());
    }

    @Test
    @Order(3)
    void changesCarryTheCsrfTokenAndFailWithoutIt() {
        browser.open(f.server.url() + "/runs/" + mine);
        browser.waitFor(d -> !browser.all("#overview button.linkish").isEmpty(), "the overview");
        browser.find("#overview button.linkish").click();
        WebElement box =
                browser.waitFor(d -> d.findElement(By.cssSelector("dialog.edit-dialog textarea")), "the editor");
        box.sendKeys("signed-in edit");
        browser.find("dialog.edit-dialog .btn.primary").click();
        browser.waitFor(d -> browser.text("#overview").contains("signed-in edit"), "the saved notes");
        Object status = browser.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch('/api/v1/runs/" + mine + "', {method: 'PATCH', headers: {'Content-Type': 'application/json'},"
                + " body: JSON.stringify({notes: 'forged'})}).then(r => done(r.status));");
        assertEquals(403L, status, "a cookie-authenticated change without X-CSRF-Token is refused");
        assertEquals("signed-in edit", f.store.run(mine).orElseThrow().notes());
    }
}
