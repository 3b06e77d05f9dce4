package com.piam.cdc.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
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

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * reload. With LIVE_VIEW_CONTROLS=true the load stage stopped from the page shows the backlog and drains when
 * started, and a request from another origin is refused; without it no control is offered. Saves
 * target/screenshots/live-view.png.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveViewIT {

    static RuntimeProcess runtime;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        runtime = runtime(true);
        browser = chromium();
    }

    static RuntimeProcess runtime(boolean controls) throws Exception {
        // VERIFY_SET_ASIDE_SECONDS=5: rows earlier tests set aside on purpose do not hold this page's verdict DEGRADED
        RuntimeProcess r = RuntimeProcess.start(Map.of("INGEST_MODE", "cdc", "EVENT_RATE_PER_SECOND", "10", "FLUSH_INTERVAL_SECONDS", "1",
                "VERIFY_INTERVAL_SECONDS", "2", "VERIFY_SET_ASIDE_SECONDS", "5", "LIVE_VIEW_CONTROLS", String.valueOf(controls)));
        await().atMost(Duration.ofSeconds(60)).until(() -> r.log().contains("Live view: http://"));
        return r;
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

    private static long lag() {
        String v = String.valueOf(js("var e = document.querySelector('#stage-kafka dd[data-key=\"lag cg.cloudgate.cg_access_event\"]');"
                + " return e ? e.innerText : '';"));
        return v.isEmpty() ? -1 : Long.parseLong(v.trim());
    }

    private static void click(String stage, String action) {
        await().atMost(Duration.ofSeconds(10)).until(() -> (Boolean) js("var b = document.querySelector('#stage-' + arguments[0]"
                + " + ' button[data-action=' + arguments[1] + ']'); if (b) { b.click(); } return !!b;", stage, action));
    }

    private static HttpResponse<String> post(String action, String origin, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runtime.managementPort
                + "/live/control?route=consume-access-events&action=" + action)).POST(HttpRequest.BodyPublishers.noBody());
        if (origin != null) {
            b.header("Origin", origin);
        }
        if (token != null) {
            b.header("X-Live-Token", token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * With LIVE_VIEW_CONTROLS=true: stopping load-access-events from the page while the generator runs
     * completes (the consume stage shows its input paused) and raises the Kafka lag shown; starting it drains
     * the lag (the batch in hand at the stop was written, so commits go on).
     */
    @Test
    @Order(2)
    void aStageStoppedFromThePageShowsItsBacklogAndStartedDrainsIt() throws Exception {
        browser.get("http://127.0.0.1:" + runtime.managementPort + "/");
        await().atMost(Duration.ofSeconds(60)).until(() -> "ok".equals(state("load")) && lag() >= 0 && lag() < 30);
        click("load", "stop");
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> "stopped".equals(state("load")));
        } catch (RuntimeException e) {
            throw new AssertionError("load stage: " + state("load") + " / " + text("#stage-load") + " / error: "
                    + text("#control-error") + " / verdict: " + text("#verdict"), e);
        }
        assertThat(state("consume")).isEqualTo("paused");
        await().atMost(Duration.ofSeconds(30)).until(() -> lag() > 50); // 10 events/s wait in Kafka
        assertThat(text("#control-error")).isEmpty();
        assertThat(runtime.log()).doesNotContain("Forcing the routes to be shutdown");
        click("load", "start");
        await().atMost(Duration.ofSeconds(30)).until(() -> "ok".equals(state("load")) && !"paused".equals(state("consume")));
        await().atMost(Duration.ofSeconds(60)).until(() -> lag() >= 0 && lag() < 30);
    }

    /** A POST from another origin, or without the page's token, is refused and changes nothing. */
    @Test
    @Order(3)
    void aCrossOriginRequestIsRefused() throws Exception {
        String own = "http://127.0.0.1:" + runtime.managementPort;
        HttpResponse<String> data = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(own + "/live/data")).build(),
                HttpResponse.BodyHandlers.ofString());
        String token = new ObjectMapper().readTree(data.body()).path("control_token").asText();
        assertThat(token).hasSize(48);
        assertThat(post("stop", "http://evil.example", token).statusCode()).isEqualTo(403);
        assertThat(post("stop", null, token).statusCode()).isEqualTo(403);
        assertThat(post("stop", own, "guess").statusCode()).isEqualTo(403);
        assertThat(post("stop", own, null).body()).contains("no valid token");
        browser.get(own + "/");
        await().atMost(Duration.ofSeconds(10)).until(() -> "ok".equals(state("consume")));
        assertThat(post("resume", own, token).statusCode()).as("the page's own request").isEqualTo(202);
    }

    @Test
    @Order(1)
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
        // rows an earlier test wrote are caught up first; they count as late for the next minute (freshness)
        await().atMost(Duration.ofSeconds(150)).until(() -> text("#verdict-status").equals("HEALTHY"));
        screenshot("live-view.png");

        // ClickHouse stopped: the ClickHouse stage and the verdict say so, with the reason, without a reload
        PipelineITSupport.stack("down", "clickhouse");
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> "problem".equals(state("clickhouse"))
                    && text("#verdict-reasons").contains("ClickHouse: connection refused"));
            assertThat(text("#verdict-status")).isIn("DEGRADED", "DOWN");
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

    /** With LIVE_VIEW_CONTROLS=false (the default) no control is offered and a POST finds none. */
    @Test
    @Order(4)
    void withoutLiveViewControlsNoControlIsOffered() throws Exception {
        runtime.stop();
        runtime = runtime(false);
        browser.get("http://127.0.0.1:" + runtime.managementPort + "/");
        await().atMost(Duration.ofSeconds(30)).until(() -> count("#strip .stage") == 7);
        assertThat(count("#strip button")).isZero();
        assertThat(post("stop", "http://127.0.0.1:" + runtime.managementPort, "x").statusCode()).isEqualTo(404);
    }

    static void screenshot(String name) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        File dir = new File("target/screenshots");
        dir.mkdirs();
        Files.copy(shot.toPath(), new File(dir, name).toPath(), StandardCopyOption.REPLACE_EXISTING);
    }
}
