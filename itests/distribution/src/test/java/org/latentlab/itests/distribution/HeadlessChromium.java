package org.latentlab.itests.distribution;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol on its loopback debugging port: load a page, evaluate
 * script in it, take a screenshot. A browser of its own in a fresh profile, that talks to nothing but the pages it is
 * sent to.
 */
final class HeadlessChromium implements AutoCloseable {

    /** The names Debian and others give the browser's command. */
    private static final List<String> COMMANDS = List.of("chromium", "chromium-browser", "google-chrome");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final ObjectMapper json = new ObjectMapper();
    private final Path profile;
    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();

    private HeadlessChromium(Path profile, Process process, WebSocket.Builder builder, URI page) throws Exception {
        this.profile = profile;
        this.process = process;
        this.socket = builder.buildAsync(page, new Listener()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        call("Page.enable", json.createObjectNode());
        call("Runtime.enable", json.createObjectNode());
    }

    /**
     * The browser's command: the system property {@code latentlab.chromium}, else the first of {@link #COMMANDS} on the
     * PATH; null when there is none.
     */
    static Path find() {
        String configured = System.getProperty("latentlab.chromium", "");
        if (!configured.isBlank()) {
            return Path.of(configured);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String command : COMMANDS) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /** Starts the browser with a window of {@code width} x {@code height} CSS pixels and attaches to its blank page. */
    static HeadlessChromium start(Path command, Path work, int width, int height) throws Exception {
        Path profile = Files.createTempDirectory(work, "chromium-profile");
        Process process = new ProcessBuilder(command.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "--window-size=" + width + "," + height, "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        try {
            // the browser writes the port it chose, and its endpoint, into the profile
            Path portFile = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!(Files.isRegularFile(portFile) && Files.readAllLines(portFile).size() >= 2)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("Chromium did not open its debugging port; its log:\n"
                            + Files.readString(profile.resolve("chromium.log")));
                }
                Thread.sleep(100);
            }
            int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
            HttpClient client = HttpClient.newHttpClient();
            JsonNode targets = new ObjectMapper().readTree(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                    .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString()).body());
            String page = null;
            for (JsonNode target : targets) {
                if ("page".equals(target.path("type").asText())) {
                    page = target.path("webSocketDebuggerUrl").asText();
                    break;
                }
            }
            if (page == null) {
                throw new IllegalStateException("Chromium lists no page to drive: " + targets);
            }
            return new HeadlessChromium(profile, process, client.newWebSocketBuilder().connectTimeout(WAIT), URI.create(page));
        } catch (Exception | Error e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** Loads {@code url} and returns once its load event has fired. */
    void load(String url) throws Exception {
        awaitLoad(() -> {
            ObjectNode params = json.createObjectNode().put("url", url);
            JsonNode result = call("Page.navigate", params);
            if (result.hasNonNull("errorText")) {
                throw new IllegalStateException("Chromium could not load " + url + ": " + result.get("errorText").asText());
            }
        });
    }

    /** Runs {@code action}, which leads the page to another document, and returns once that document has loaded. */
    void awaitLoad(Action action) throws Exception {
        events.clear();
        action.run();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonNode event = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new IllegalStateException("The page did not finish loading within " + WAIT.toSeconds() + " s.");
            }
            if ("Page.loadEventFired".equals(event.path("method").asText())) {
                return;
            }
        }
    }

    /** The value of a script expression in the page (awaited when it is a promise), as JSON. */
    JsonNode evaluate(String expression) throws Exception {
        ObjectNode params = json.createObjectNode().put("expression", expression).put("returnByValue", true).put("awaitPromise", true);
        JsonNode result = call("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("The script failed in the page: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** A PNG of the whole page, however long, at the window's width. */
    byte[] screenshot() throws Exception {
        JsonNode metrics = call("Page.getLayoutMetrics", json.createObjectNode());
        JsonNode size = metrics.has("cssContentSize") ? metrics.get("cssContentSize") : metrics.get("contentSize");
        ObjectNode clip = json.createObjectNode().put("x", 0).put("y", 0).put("width", size.get("width").asDouble())
                .put("height", Math.min(size.get("height").asDouble(), 16000)).put("scale", 1);
        ObjectNode params = json.createObjectNode().put("format", "png").put("captureBeyondViewport", true);
        params.set("clip", clip);
        return Base64.getDecoder().decode(call("Page.captureScreenshot", params).get("data").asText());
    }

    private JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode message = json.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        socket.sendText(json.writeValueAsString(message), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        JsonNode reply = answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (reply.has("error")) {
            throw new IllegalStateException("Chromium refused " + method + ": " + reply.get("error"));
        }
        return reply.path("result");
    }

    @Override
    public void close() throws IOException {
        try {
            socket.abort();
        } finally {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try (Stream<Path> paths = Files.walk(profile)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException leftBehind) {
                // a file the exiting browser still writes; the build's target folder is cleaned anyway
            }
        }
    }

    /** Something that throws, run inside {@link #awaitLoad}. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    /** Gathers a message's frames, then answers its call or queues it as an event. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    JsonNode message = json.readTree(text.toString());
                    if (message.has("id")) {
                        CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
                        if (answer != null) {
                            answer.complete(message);
                        }
                    } else {
                        events.add(message);
                    }
                } catch (IOException e) {
                    events.add(json.createObjectNode().put("method", "unreadable").put("text", text.toString()));
                }
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }
}
