package com.piam.cdc.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The live view as a person sees it: Debian's Chromium, headless, driven by Selenium, on the packaged
 * runtime (a separate process, as make demo runs it). The page loads without console errors, shows the
 * verdict and the four connectors, the loaded figure grows, the PIAM panels hold data; ClickHouse stopped
 * turns the ClickHouse stage and the verdict DEGRADED with the reason, started again HEALTHY, without a
 * reload. Saves target/screenshots/live-view.png.
 */
class LiveViewIT {

    static RuntimeProcess runtime;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        runtime = RuntimeProcess.start(Map.of("INGEST_MODE", "cdc", "EVENT_RATE_PER_SECOND", "20", "FLUSH_INTERVAL_SECONDS", "1",
                "VERIFY_INTERVAL_SECONDS", "2"));
        await().atMost(Duration.ofSeconds(60)).until(() -> runtime.log().contains("Live view: http://"));
        browser = chromium();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (runtime != null) {
            runtime.stop();
        }
    }

    /** Debian's chromium and chromedriver (make test installs them); nothing is downloaded. */
    static WebDriver chromium() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--window-size=1400,1600",
                "--user-data-dir=" + Files.createTempDirectory("piam-chromium").toAbsolutePath());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Read in one script: the page redraws every 2 s, so element handles go stale. */
    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private static String text(String css) {
        return String.valueOf(js("var e = document.querySelector(arguments[0]); return e ? e.innerText : '';", css));
    }

    private static long count(String css) {
        return (Long) js("return document.querySelectorAll(arguments[0]).length;", css);
    }

    private static String state(String stage) {
        return String.valueOf(js("var e = document.getElementById(arguments[0]); return e ? e.getAttribute('data-state') : '';",
                "stage-" + stage));
    }

    private static long loadedTotal() {
        String t = text("#stage-load [data-figure=total]").replaceAll("[^0-9]", "");
        return t.isEmpty() ? -1 : Long.parseLong(t);
    }

    @Test
    void thePageShowsThePipelineAndTheDataAndFollowsAClickHouseOutage() throws Exception {
        browser.get("http://127.0.0.1:" + runtime.managementPort + "/");
        await().atMost(Duration.ofSeconds(30)).until(() -> text("#verdict-status").matches("HEALTHY|DEGRADED|DOWN"));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("#connectors tr") == 5);
        assertThat(text("#connectors")).contains("Lenel Primary", "C-CURE Satellite", "Genetec Campus", "S2 Building B");
        assertThat(String.valueOf(js("return Array.from(document.querySelectorAll('#strip .stage')).map(e => e.id).join(',');"))).isEqualTo(String.join(",",
                "stage-generator", "stage-mysql", "stage-capture", "stage-kafka", "stage-consume", "stage-load", "stage-clickhouse"));

        // data moves: the loaded figure grows within 10 s; the panels hold data
        await().atMost(Duration.ofSeconds(30)).until(() -> loadedTotal() > 0);
        long before = loadedTotal();
        await().atMost(Duration.ofSeconds(10)).until(() -> loadedTotal() > before);
        await().atMost(Duration.ofSeconds(30)).until(() -> count("#deny-reasons tr") > 1);
        assertThat(count("#chart-minutes canvas")).isPositive();
        assertThat(count("#chart-rates canvas")).isPositive();
        await().atMost(Duration.ofSeconds(60)).until(() -> text("#verdict-status").equals("HEALTHY"));
        screenshot("live-view.png");

        // ClickHouse stopped: the ClickHouse stage and the verdict say so, with the reason, without a reload
        PipelineITSupport.stack("down", "clickhouse");
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> "problem".equals(state("clickhouse")));
            assertThat(text("#verdict-status")).isIn("DEGRADED", "DOWN");
            assertThat(text("#verdict-reasons")).contains("ClickHouse");
            assertThat(text("#stage-clickhouse")).contains("ClickHouse: connection refused");
            screenshot("live-view-clickhouse-down.png");
        } finally {
            PipelineITSupport.stack("up", "clickhouse");
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> text("#verdict-status").equals("HEALTHY"));
        assertThat(state("clickhouse")).isEqualTo("ok");

        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).as("console errors").isEmpty();
    }

    static void screenshot(String name) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        File dir = new File("target/screenshots");
        dir.mkdirs();
        Files.copy(shot.toPath(), new File(dir, name).toPath(), StandardCopyOption.REPLACE_EXISTING);
    }
}
