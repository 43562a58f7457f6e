package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.ferry.testing.DaemonTestBase;
import dev.ferry.testing.FerryProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in a real headless browser (Debian's chromium through its chromedriver) against the daemon
 * process: it shows the counts, updates them by itself when a file is dropped, and lists failures once the
 * admin token is typed in. In CI (CI=true) a missing browser fails the test; elsewhere it is skipped.
 */
class StatusPageIT extends DaemonTestBase {
    private static final String TOKEN = "page-admin-token-0123456789";

    WebDriver browser;

    /** A browser and its driver on this machine: FERRY_CHROME / FERRY_CHROMEDRIVER, Debian's, or a runner's. */
    record Browser(Path chrome, Path driver) {
        static Optional<Browser> find() {
            Optional<Path> chrome = firstExecutable(Stream.of(System.getenv("FERRY_CHROME"), "/usr/bin/chromium",
                    "/usr/bin/chromium-browser", "/usr/bin/google-chrome"));
            String runnerDrivers = System.getenv("CHROMEWEBDRIVER");
            Optional<Path> driver = firstExecutable(Stream.of(System.getenv("FERRY_CHROMEDRIVER"), "/usr/bin/chromedriver",
                    runnerDrivers == null ? null : runnerDrivers + "/chromedriver"));
            return chrome.isPresent() && driver.isPresent() ? Optional.of(new Browser(chrome.get(), driver.get()))
                    : Optional.empty();
        }

        private static Optional<Path> firstExecutable(Stream<String> candidates) {
            return candidates.filter(c -> c != null && !c.isBlank()).map(Path::of).filter(Files::isExecutable)
                    .findFirst();
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        Optional<Browser> found = Browser.find();
        if (found.isEmpty()) {
            String how = "no headless browser: install Debian's chromium and chromium-driver "
                    + "(apt-get install -y chromium chromium-driver), or set FERRY_CHROME and FERRY_CHROMEDRIVER";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(how);
            }
            Assumptions.abort(how);
        }
        write("photos/first.jpg", "the first photo");
        Path locked = write("scans/locked.pdf", "unreadable scan");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        // a replicate: job beside the watched folder: its full sync at start copies one object
        s3.createBucket("mirror-src");
        s3.createBucket("mirror-dst");
        s3.client().putObject(b -> b.bucket("mirror-src").key("a.txt"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("replicated"));
        Path config = tmp.resolve("replicate.yml");
        Files.writeString(config, """
                replicate:
                  - name: mirror
                    source: {bucket: mirror-src}
                    destinations: [{bucket: mirror-dst}]
                """);
        FerryProcess.shareWithDaemon(config);
        Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
        env.put("ADMIN_TOKEN", TOKEN);
        ferry = FerryProcess.start("status-page", env, "--config", config.toString());
        browser = start(found.get(), Files.createDirectories(tmp.resolve("chrome-profile")));
    }

    private static WebDriver start(Browser b, Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(b.chrome().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
                "--window-size=1280,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(b.driver().toString())).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    @AfterEach
    void quitBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(browser, DEADLINE, Duration.ofMillis(100));
        wait.withMessage(() -> "page text:\n" + browser.findElement(By.tagName("body")).getText());
        return wait;
    }

    private static By cell(String bucket, String column) {
        return By.cssSelector("tr[data-bucket='" + bucket + "'] td." + column);
    }

    @Test
    void thePageShowsTheCountsAndUpdatesThemWhenAFileIsDropped() throws Exception {
        browser.get(ferry.url("/"));
        assertThat(browser.getTitle()).isEqualTo("Ferry status");

        waiting().until(ExpectedConditions.textToBe(cell("photos", "uploaded"), "1"));
        waiting().until(ExpectedConditions.textToBe(cell("scans", "failed"), "1"));
        assertThat(browser.findElement(cell("scans", "error")).getText())
                .contains("scans/locked.pdf").contains("cannot read file");
        assertThat(browser.findElement(By.id("store-health")).getText()).isEqualTo("reachable");
        assertThat(browser.findElement(By.id("store-kind")).getText()).isEqualTo("sqlite");
        assertThat(browser.findElement(By.id("watcher-health")).getText()).isEqualTo("healthy");
        assertThat(browser.findElement(By.id("watcher-root")).getText()).isEqualTo(watch.toString());

        By job = By.cssSelector("tr[data-job='mirror'] td.copied");
        waiting().until(ExpectedConditions.textToBe(job, "1"));
        assertThat(browser.findElement(By.cssSelector("tr[data-job='mirror'] td.source")).getText())
                .contains("mirror-src");
        assertThat(browser.findElement(By.cssSelector("tr[data-job='mirror'] td.events")).getText())
                .isEqualTo("no queue");

        write("photos/dropped.jpg", "dropped while the page is open");
        waiting().until(ExpectedConditions.textToBe(cell("photos", "uploaded"), "2"));
        waiting().until(ExpectedConditions.textMatches(cell("photos", "rate"), java.util.regex.Pattern.compile("\\d+\\.\\d")));
        waiting().until(ExpectedConditions.numberOfElementsToBe(
                By.cssSelector("tr[data-bucket='photos'] svg polyline"), 1)); // throughput line, from two samples on

        // Recent failures need the admin token; the page asks for it.
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("failures-note"), "admin token"));
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.cssSelector("#token-form button")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("failures"), "locked.pdf"));
        assertThat(browser.findElement(By.id("failures")).getText()).contains("cannot read file");
        waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("token-form")));
        assertThat(browser.findElement(By.id("failures-note")).getText()).isEqualTo("1 failed file:");

        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Path target = Files.createDirectories(Path.of("target")).resolve("status-page.png");
        Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(target)).isPositive();
        List<String> external = browser.findElements(By.cssSelector("script[src], link[href], img[src]")).stream()
                .map(e -> e.getAttribute("outerHTML")).toList();
        assertThat(external).as("nothing loaded from elsewhere").isEmpty();
    }
}
