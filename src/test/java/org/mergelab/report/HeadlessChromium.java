package org.mergelab.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;

/**
 * Headless Chromium driven through chromedriver's W3C WebDriver HTTP API with java.net.http (no
 * Selenium): start, emulate a window size, load a page, run JavaScript, read the browser console,
 * find elements and take screenshots. Closing ends the session and the chromedriver process.
 */
final class HeadlessChromium implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process driver;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String session;

    /** A web element reference. */
    record Element(String id) {}

    private HeadlessChromium(Process driver, String base, String session) {
        this.driver = driver;
        this.base = base;
        this.session = session;
    }

    /** Starts chromedriver on a free local port and a headless Chromium session with a fresh profile. */
    static HeadlessChromium start(Path userDataDir, Path driverLog) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(driverLog.toFile()).start();
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/status")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (JSON.readTree(r.body()).path("value").path("ready").asBoolean(false)) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline || !p.isAlive()) {
                p.destroyForcibly();
                throw new IOException("chromedriver did not become ready; see " + driverLog);
            }
            Thread.sleep(200);
        }
        ObjectNode caps = JSON.createObjectNode();
        ObjectNode always = caps.putObject("capabilities").putObject("alwaysMatch");
        always.put("browserName", "chrome");
        ObjectNode options = always.putObject("goog:chromeOptions");
        options.put("binary", CHROMIUM.toString());
        ArrayNode args = options.putArray("args");
        for (String a : List.of("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--user-data-dir=" + userDataDir.toAbsolutePath())) {
            args.add(a);
        }
        always.putObject("goog:loggingPrefs").put("browser", "ALL");
        try {
            JsonNode value = post(http, base + "/session", caps, Duration.ofSeconds(90));
            return new HeadlessChromium(p, base, value.path("sessionId").asText());
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    private static JsonNode post(HttpClient http, String url, Object body, Duration timeout) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        return value(http.send(req, HttpResponse.BodyHandlers.ofString()), url);
    }

    private static JsonNode value(HttpResponse<String> r, String url) throws IOException {
        JsonNode node = JSON.readTree(r.body());
        if (r.statusCode() != 200) {
            throw new IOException("WebDriver " + url + " -> " + r.statusCode() + ": " + node.path("value").path("message").asText(r.body()));
        }
        return node.path("value");
    }

    private JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return post(http, base + "/session/" + session + path, body, Duration.ofSeconds(60));
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        String url = base + "/session/" + session + path;
        return value(http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString()), url);
    }

    /** A Chrome DevTools Protocol command through chromedriver. */
    JsonNode cdp(String command, Map<String, Object> params) throws IOException, InterruptedException {
        return post("/goog/cdp/execute", Map.of("cmd", command, "params", params));
    }

    /** Emulates a viewport of this CSS size at device scale 1 (mobile emulation below 600 px). */
    void viewport(int width, int height) throws IOException, InterruptedException {
        cdp("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
    }

    /**
     * Navigates to {@code uri} and waits (up to 30 s) until the document has loaded: chromedriver's navigation can
     * return while a file URL loaded a second time (after a viewport change) is still {@code loading}. The caller
     * still checks {@code document.readyState}, so a page that never loads fails.
     */
    void load(URI uri) throws IOException, InterruptedException {
        post("/url", Map.of("url", uri.toString()));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!script("return document.readyState").asText().equals("complete") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** Runs {@code script} (a function body; use {@code return}) and returns its value as JSON. */
    JsonNode script(String script) throws IOException, InterruptedException {
        return post("/execute/sync", Map.of("script", script, "args", List.of()));
    }

    /** Browser console entries since the last call: level and message. */
    List<String> consoleEntries(String minimumLevel) throws IOException, InterruptedException {
        JsonNode entries;
        try {
            entries = post("/se/log", Map.of("type", "browser"));
        } catch (IOException e) {
            entries = post("/log", Map.of("type", "browser"));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : entries) {
            String level = e.path("level").asText();
            if (minimumLevel.equals("ALL") || level.equals(minimumLevel)) {
                out.add(level + ": " + e.path("message").asText());
            }
        }
        return out;
    }

    List<Element> elements(String css) throws IOException, InterruptedException {
        List<Element> out = new ArrayList<>();
        for (JsonNode e : post("/elements", Map.of("using", "css selector", "value", css))) {
            out.add(new Element(e.path(ELEMENT).asText()));
        }
        return out;
    }

    /** x, y, width, height of an element in CSS pixels. */
    double[] rect(Element e) throws IOException, InterruptedException {
        JsonNode r = get("/element/" + e.id() + "/rect");
        return new double[] {r.path("x").asDouble(), r.path("y").asDouble(), r.path("width").asDouble(), r.path("height").asDouble()};
    }

    /** A screenshot of one element (scrolled into view). */
    BufferedImage screenshot(Element e) throws IOException, InterruptedException {
        return decode(get("/element/" + e.id() + "/screenshot").asText());
    }

    /** Width and height of the whole page in CSS pixels. */
    double[] pageSize() throws IOException, InterruptedException {
        JsonNode size = cdp("Page.getLayoutMetrics", Map.of()).path("cssContentSize");
        return new double[] {size.path("width").asDouble(), size.path("height").asDouble()};
    }

    /** PNG bytes of a band of the page, {@code y} to {@code y + height} CSS pixels, beyond the viewport. */
    byte[] pageRegion(double y, double height) throws IOException, InterruptedException {
        double[] size = pageSize();
        double h = Math.max(1, Math.min(height, size[1] - y));
        JsonNode shot = cdp("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", y, "width", size[0], "height", h, "scale", 1)));
        return Base64.getDecoder().decode(shot.path("data").asText());
    }

    static BufferedImage decode(String base64) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
    }

    @Override
    public void close() throws InterruptedException {
        try {
            http.send(HttpRequest.newBuilder(URI.create(base + "/session/" + session)).timeout(Duration.ofSeconds(20)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // the driver is going away anyway
        } finally {
            driver.destroy();
            if (!driver.waitFor(10, TimeUnit.SECONDS)) {
                driver.destroyForcibly();
            }
        }
    }
}
