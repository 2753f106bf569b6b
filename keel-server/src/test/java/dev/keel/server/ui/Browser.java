package dev.keel.server.ui;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Headless Chromium from the OS packages, driven by Selenium through the OS's chromedriver:
 * nothing is downloaded (Selenium Manager is never asked). Without Chromium the browser tests
 * are skipped on a developer machine and fail in CI (env CI set), where .ci/run installs it.
 */
class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of(System.getProperty("keel.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("keel.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** How often {@link #text} and {@link #attr} read a match that keeps being redrawn before giving up. */
    private static final int REREADS = 5;

    final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    static void requireChromium() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!present && System.getenv("CI") != null) {
            fail("CI must run the browser tests, but " + CHROMIUM + " or " + DRIVER
                    + " is missing: install the Debian packages chromium and chromium-driver (.ci/run does)");
        }
        Assumptions.assumeTrue(
                present, "Chromium not installed (" + CHROMIUM + ", " + DRIVER + "): browser tests skipped");
    }

    private static Browser shared;

    /**
     * One browser for every test class that needs no special switches, started on first use and
     * quit when the test JVM exits: starting Chromium is the slow part of a browser test.
     * {@link #close()} on it does nothing.
     */
    static synchronized Browser shared() {
        if (shared == null) {
            Browser b = start();
            shared = new Browser(b.driver) {
                @Override
                public void close() {
                    // kept for the next test class, which must not inherit this class's page: a live
                    // run page would go on polling a server that is stopping and log its errors there
                    driver.get("about:blank");
                    driver.manage().logs().get(LogType.BROWSER);
                }
            };
            Runtime.getRuntime().addShutdownHook(new Thread(b::close, "quit-chromium"));
        }
        // a class that never closed it leaves its page behind: start each class clean
        shared.close();
        return shared;
    }

    /** Sets the window's size (the viewport in headless mode), e.g. 1280×800 for the layout checks. */
    void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** @param extraArguments more Chromium switches (a test's host-resolver rules) */
    static Browser start(String... extraArguments) {
        requireChromium();
        // Point Selenium at the OS's driver so that it never runs Selenium Manager (no downloads).
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--window-size=1600,1000",
                "--no-first-run",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-sync",
                "--disable-default-apps",
                "--mute-audio",
                "--lang=en-US");
        options.addArguments(extraArguments);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return new Browser(driver);
    }

    void open(String url) {
        driver.get(url);
        waitFor(
                d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")),
                "the page to load: " + url);
    }

    <T> T waitFor(ExpectedCondition<T> condition, String what) {
        return waitFor(condition, what, Duration.ofSeconds(10));
    }

    <T> T waitFor(ExpectedCondition<T> condition, String what, Duration timeout) {
        try {
            return new WebDriverWait(driver, timeout, Duration.ofMillis(50))
                    .withMessage("waiting for " + what)
                    .until(condition);
        } catch (RuntimeException e) {
            screenshot("failed-" + what.replaceAll("[^A-Za-z0-9]+", "-"));
            throw e;
        }
    }

    <T> T waitFor(Function<WebDriver, T> condition, String what) {
        return waitFor((ExpectedCondition<T>) condition::apply, what);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    /**
     * The text of the first match, "" when none. Pages redraw parts of themselves (on a stream's
     * event, a timer): a match replaced between finding and reading it is found and read again.
     */
    String text(String css) {
        for (int tries = 1; ; tries++) {
            try {
                List<WebElement> found = all(css);
                return found.isEmpty() ? "" : found.get(0).getText();
            } catch (StaleElementReferenceException e) {
                if (tries == REREADS) {
                    return "";
                }
            }
        }
    }

    /** An attribute of the first match, null when none; a match just redrawn is read again, as in {@link #text}. */
    String attr(String css, String name) {
        for (int tries = 1; ; tries++) {
            try {
                List<WebElement> found = all(css);
                return found.isEmpty() ? null : found.get(0).getDomAttribute(name);
            } catch (StaleElementReferenceException e) {
                if (tries == REREADS) {
                    return null;
                }
            }
        }
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The browser console's errors since the last call (CSP violations, uncaught exceptions, failed loads). */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(e -> e.getMessage())
                .toList();
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.copy(png.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            // A screenshot is evidence, not the test: never fail because of one.
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
