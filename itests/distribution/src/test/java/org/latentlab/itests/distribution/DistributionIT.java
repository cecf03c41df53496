package org.latentlab.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The built distribution, unpacked from its archive and used the way its README says: {@code bin/latentlab start},
 * {@code shell}, {@code run}, {@code stop}. The instance gets free ports of its own, every wait is bounded, and the
 * instance is stopped, or killed, whatever happens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class DistributionIT {

    /** A first start unpacks the PyTorch natives; the launcher itself gives up after START_SECONDS. */
    private static final int START_SECONDS = 300;
    private static final Duration START = Duration.ofSeconds(START_SECONDS + 60);
    private static final Duration COMMAND = Duration.ofMinutes(2);
    private static final Duration RUN = Duration.ofMinutes(10);
    private static final Duration STOP = Duration.ofMinutes(2);

    private static final List<String> BUNDLES = List.of("org.latentlab.api", "org.latentlab.engine",
            "org.latentlab.model", "org.latentlab.core", "org.latentlab.shell", "org.latentlab.report", "org.latentlab.dataset.prosqa",
            "org.latentlab.method.cot", "org.latentlab.method.nocot", "org.latentlab.method.pause", "org.latentlab.loss.language",
            "org.latentlab.dataset.prontoqa", "org.latentlab.method.coconut", "org.latentlab.probe.logitlens",
            "org.latentlab.probe.frontier", "org.latentlab.dataset.mnns", "org.latentlab.dataset.synthetic", "org.latentlab.method.cot2", "org.latentlab.reward.exact",
            "org.latentlab.probe.superposition", "org.latentlab.probe.intrinsicdimension",
            "org.latentlab.probe.drift", "org.latentlab.loss.outcome", "org.latentlab.loss.trajectory", "org.latentlab.loss.space.geometric",
            "org.latentlab.loss.space.generative", "org.latentlab.dataset.multiplication", "org.latentlab.probe.gradient", "org.latentlab.probe.ulp",
            "org.latentlab.method.colar", "org.latentlab.method.hrpo", "org.latentlab.method.latentseek", "org.latentlab.reward.prosqa.verifier", "org.latentlab.reward.multiplication.verifier");
    private static final List<String> FEATURES = List.of("latentlab-core", "latentlab-dataset-prosqa",
            "latentlab-method-cot", "latentlab-method-nocot", "latentlab-method-pause", "latentlab-loss-language", "latentlab-demo",
            "latentlab-dataset-prontoqa", "latentlab-method-coconut", "latentlab-probe-logit-lens", "latentlab-probe-frontier",
            "latentlab-dataset-mnns", "latentlab-dataset-synthetic", "latentlab-method-cot2", "latentlab-reward-exact-answer", "latentlab-probe-superposition", "latentlab-probe-intrinsic-dimension",
            "latentlab-probe-drift", "latentlab-loss-outcome", "latentlab-loss-trajectory", "latentlab-loss-space-geometric",
            "latentlab-loss-space-generative", "latentlab-dataset-multiplication", "latentlab-probe-gradient", "latentlab-probe-ulp",
            "latentlab-method-colar", "latentlab-method-hrpo", "latentlab-method-latentseek", "latentlab-reward-prosqa-verifier", "latentlab-reward-multiplication-verifier");
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

    private Path work;
    private Path home;
    private int sshPort;
    private int httpPort;
    private String shippedUsers;
    private String shippedKeys;
    private boolean shippedHostKey;
    private boolean shippedOwnerKeys;

    @BeforeAll
    void unpackAndStart() throws Exception {
        String archive = System.getProperty("latentlab.distribution");
        assertNotNull(archive, "the system property latentlab.distribution names the distribution archive");
        Path tarGz = Path.of(archive);
        assertTrue(Files.isRegularFile(tarGz), "the distribution archive " + tarGz + " exists; build the platform module first");

        work = Path.of(System.getProperty("latentlab.work", "target/distribution-it")).toAbsolutePath();
        deleteRecursively(work);
        Files.createDirectories(work);
        Result untar = exec(work, Duration.ofMinutes(3), Map.of(), "tar", "-xzf", tarGz.toString());
        assertEquals(0, untar.exit(), () -> "tar could not unpack " + tarGz + ": " + untar.output());
        try (Stream<Path> entries = Files.list(work)) {
            home = entries.filter(Files::isDirectory).findFirst()
                    .orElseThrow(() -> new AssertionError("the archive " + tarGz + " holds no directory"));
        }

        // what ships, before anything is started or logged in
        shippedUsers = Files.readString(home.resolve("etc/users.properties"));
        shippedKeys = Files.readString(home.resolve("etc/keys.properties"));
        shippedHostKey = Files.exists(home.resolve("etc/host.key"));
        shippedOwnerKeys = Files.exists(home.resolve("etc/latentlab"));

        // ports of its own, so that it cannot clash with an instance that already runs here
        int[] ports = freePorts(4);
        sshPort = ports[0];
        setProperty(home.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort", ports[0]);
        setProperty(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiRegistryPort", ports[1]);
        setProperty(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiServerPort", ports[2]);
        httpPort = ports[3];
        setProperty(home.resolve("etc/org.ops4j.pax.web.cfg"), "org.osgi.service.http.port", ports[3]);
        // mvn: URLs read the local repository this build installs into, where the plugin test puts its plugin
        String repository = System.getProperty("latentlab.maven.repository");
        if (repository != null && !repository.isBlank()) {
            Files.writeString(home.resolve("etc/org.ops4j.pax.url.mvn.cfg"),
                    "\norg.ops4j.pax.url.mvn.localRepository = " + repository + "\n", java.nio.file.StandardOpenOption.APPEND);
        }

        Path specs = Files.createDirectories(work.resolve("specs"));
        Files.writeString(specs.resolve("tiny-cot.json"), tinySpec("smoke-cot", "cot"));
        Files.writeString(specs.resolve("tiny-nocot.json"), tinySpec("smoke-nocot", "nocot"));
        Files.writeString(specs.resolve("tiny-coconut.json"), tinySpec("smoke-coconut", "coconut")
                .replace("\"coconut\", \"options\": {}", "\"coconut\", \"options\": {\"maxLatentStage\": 2}")
                // an epoch per stage, so that the probes read the thoughts of stage 2
                .replace("\"epochs\": 1, \"maxSteps\": 2", "\"epochs\": 3, \"maxSteps\": 6")
                .replace("\"probes\": []", "\"probes\": [{\"name\": \"logit-lens\"}, {\"name\": \"frontier\", \"options\": {\"thoughts\": [1, 2]}}, "
                        + "{\"name\": \"drift\"}]"));

        Result start = launcher(work, START, "start");
        assertEquals(0, start.exit(), () -> "bin/latentlab start failed:\n" + start.output() + logTail());
    }

    @AfterAll
    void stopWhateverHappened() {
        if (home == null) {
            return;
        }
        try {
            launcher(work, STOP, "stop");
        } catch (Exception | AssertionError e) {
            System.err.println("bin/latentlab stop failed: " + e.getMessage());
        } finally {
            killIfStillRunning();
        }
    }

    @Test
    @Order(1)
    void theDistributionShipsNoUserPasswordOrKey() {
        assertEquals(List.of(), activeEntries(shippedUsers), "etc/users.properties ships no user");
        assertEquals(List.of(), activeEntries(shippedKeys), "etc/keys.properties ships no key");
        assertFalse(shippedHostKey, "no SSH host key ships; each installation makes its own");
        assertFalse(shippedOwnerKeys, "no client key ships");
        assertTrue(Files.isExecutable(home.resolve("bin/latentlab")), "bin/latentlab is executable");
    }

    @Test
    @Order(2)
    void firstUseRegisteredOneLoginForTheLocalUserOnly() throws IOException {
        List<String> keys = activeEntries(Files.readString(home.resolve("etc/keys.properties")));
        List<String> users = activeEntries(Files.readString(home.resolve("etc/users.properties")));
        assertEquals(1, keys.size() + users.size(), () -> "one login registered; keys " + keys + ", users " + users);
        Path keyFiles = home.resolve("etc/latentlab");
        if (keys.size() == 1) {
            try (Stream<Path> files = Files.list(keyFiles)) {
                for (Path file : files.collect(Collectors.toList())) {
                    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                    assertTrue(permissions.stream().allMatch(p -> p.name().startsWith("OWNER")),
                            file + " is readable by its owner only: " + permissions);
                }
            }
        } else {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(home.resolve("etc/users.properties"));
            assertTrue(permissions.stream().allMatch(p -> p.name().startsWith("OWNER")),
                    "etc/users.properties holds a password and is readable by its owner only: " + permissions);
        }
    }

    @Test
    @Order(3)
    void sshListensOnTheLoopbackInterfaceOnly() throws Exception {
        int checks = 0;
        Optional<Result> sockets = tryExec(work, COMMAND, "ss", "-ltnH");
        if (sockets.isPresent() && sockets.get().exit() == 0) {
            List<String> local = sockets.get().output().lines()
                    .map(line -> line.trim().split("\\s+"))
                    .filter(columns -> columns.length >= 4 && columns[3].endsWith(":" + sshPort))
                    .map(columns -> columns[3])
                    .collect(Collectors.toList());
            assertFalse(local.isEmpty(), "ss lists a socket listening on the SSH port " + sshPort);
            for (String address : local) {
                assertTrue(address.equals("127.0.0.1:" + sshPort) || address.equals("[::ffff:127.0.0.1]:" + sshPort),
                        "the SSH port listens on " + address + ", not on the loopback interface only");
            }
            checks++;
        }
        checks += assertNoAnswerOffLoopback(sshPort, "the SSH port");
        assumeTrue(checks > 0, "neither ss nor a non-loopback address is available to check the SSH binding");
    }

    @Test
    @Order(3)
    void aPasswordWrittenInClearIsStoredHashedAndStillLogsIn() throws Exception {
        Map<String, String> jaas = properties(Files.readString(home.resolve("etc/org.apache.karaf.jaas.cfg")));
        assertEquals("true", jaas.get("encryption.enabled"), () -> "etc/org.apache.karaf.jaas.cfg enables password encryption: " + jaas);
        assertEquals("SHA-512", jaas.get("encryption.algorithm"), () -> "passwords are digested with SHA-512: " + jaas);

        String name = "hashed-researcher";
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String password = "pw" + HexFormat.of().formatHex(random);
        Path users = home.resolve("etc/users.properties");
        Files.writeString(users, Files.readString(users) + name + " = " + password + ",_g_:researchergroup\n");
        try {
            Result first = client("jaas:whoami\n", "-u", name, "-p", password);
            assertEquals(0, first.exit(), () -> "a new user logs in with the password written in clear:\n" + first.output());
            assertTrue(first.output().lines().anyMatch(line -> line.trim().equals(name)), () -> "jaas:whoami names the user:\n" + first.output());

            String digest = "{CRYPT}" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512")
                    .digest(password.getBytes(StandardCharsets.UTF_8))) + "{CRYPT}";
            String stored = "";
            for (long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); System.nanoTime() < deadline; Thread.sleep(500)) {
                stored = Files.readString(users);
                if (!stored.contains(password)) {
                    break;
                }
            }
            String text = stored;
            assertFalse(text.contains(password), () -> "the password is no longer in clear in etc/users.properties:\n" + text);
            String line = text.lines().filter(l -> l.trim().startsWith(name + " ") || l.trim().startsWith(name + "="))
                    .findFirst().orElseThrow(() -> new AssertionError("etc/users.properties still holds " + name + ":\n" + text));
            String value = line.substring(line.indexOf('=') + 1).trim();
            assertTrue(value.toLowerCase().startsWith(digest.toLowerCase() + ","),
                    () -> "the password is stored as its SHA-512 digest " + digest + ": " + line);
            assertTrue(value.endsWith(",_g_:researchergroup"), () -> "the user keeps its group: " + line);

            Result again = client("jaas:whoami\n", "-u", name, "-p", password);
            assertEquals(0, again.exit(), () -> "the user still logs in with the password in clear:\n" + again.output());
            Result wrong = client("jaas:whoami\n", "-u", name, "-p", password + "x");
            assertNotEquals(0, wrong.exit(), () -> "a wrong password is refused:\n" + wrong.output());
            Result digestAsPassword = client("jaas:whoami\n", "-u", name, "-p", value.substring(0, value.indexOf(',')));
            assertNotEquals(0, digestAsPassword.exit(), () -> "the stored digest is no password:\n" + digestAsPassword.output());
        } finally {
            removeEntry(users, name);
        }
    }

    @Test
    @Order(3)
    void aResearcherRunsExperimentsButCannotChangeThePlatform() throws Exception {
        Path dir = Files.createDirectories(work.resolve("researcher"));
        String name = "researcher1";
        String[] login;
        Optional<Result> keygen = tryExec(dir, COMMAND, "ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f",
                dir.resolve("id_rsa").toString());
        if (keygen.isPresent()) {
            assertEquals(0, keygen.get().exit(), () -> "ssh-keygen failed:\n" + keygen.get().output());
            Result add = launcher(dir, COMMAND, "user", "add", name, "researcher", "id_rsa.pub");
            assertEquals(0, add.exit(), () -> "bin/latentlab user add failed:\n" + add.output());
            assertTrue(activeEntries(Files.readString(home.resolve("etc/keys.properties"))).stream()
                            .anyMatch(line -> line.startsWith(name + "=") && line.endsWith(",_g_:researchergroup")),
                    "the researcher's key is registered in etc/keys.properties with the researcher group");
            login = new String[] {"-u", name, "-k", dir.resolve("id_rsa").toString()};

            Result again = launcher(dir, COMMAND, "user", "add", name, "admin", "id_rsa.pub");
            assertOneSentenceRefusal(again, "a user '" + name + "' is already registered");
            Result privateKey = launcher(dir, COMMAND, "user", "add", "researcher2", "researcher", "id_rsa");
            assertOneSentenceRefusal(privateKey, "is not an OpenSSH public key file");
        } else {
            String password = "pw" + Long.toHexString(new SecureRandom().nextLong());
            Path users = home.resolve("etc/users.properties");
            Files.writeString(users, Files.readString(users) + name + " = " + password + ",_g_:researchergroup\n");
            login = new String[] {"-u", name, "-p", password};
        }
        assertOneSentenceRefusal(launcher(dir, COMMAND, "user", "add", "no/good", "researcher", "id_rsa.pub"),
                "the user name 'no/good' must start with a letter or digit");
        assertOneSentenceRefusal(launcher(dir, COMMAND, "user", "add", "someone", "root", "id_rsa.pub"),
                "the role must be researcher or admin, not 'root'");

        // experiments: every latent command
        Result components = client("latent:components\n", login);
        assertEquals(0, components.exit(), () -> "a researcher runs latent:components:\n" + components.output());
        assertTrue(components.output().lines().anyMatch(line -> cells(line).contains("cot")), () -> "the components are listed:\n" + components.output());
        Result runs = client("latent:runs\n", login);
        assertEquals(0, runs.exit(), () -> "a researcher runs latent:runs:\n" + runs.output());
        Result whoami = client("jaas:whoami -r\n", login);
        assertTrue(whoami.output().lines().anyMatch(line -> line.trim().equals("researcher"))
                && whoami.output().lines().noneMatch(line -> line.trim().equals("admin")), () -> "the researcher has the researcher role, not admin:\n" + whoami.output());
        Result list = client("bundle:list -t 0 -s\n", login);
        assertEquals(0, list.exit(), () -> "a researcher reads the bundle list:\n" + list.output());

        // no code installed, no platform changed
        Path jar = harmlessBundle(dir.resolve("harmless.jar"));
        String url = jar.toUri().toString();
        for (String command : List.of("bundle:install -s " + url, "bundle:stop org.latentlab.method.cot", "bundle:refresh",
                "feature:uninstall latentlab-demo", "feature:repo-add " + url, "config:property-set -p org.latentlab.it x y",
                "jaas:realm-list", "shell:exec ls", "shell:cat etc/keys.properties", "system:shutdown -f")) {
            Result refused = client(command + "\n", login);
            String scoped = command.substring(0, command.indexOf(' ') < 0 ? command.length() : command.indexOf(' '));
            assertNotEquals(0, refused.exit(), () -> "a researcher may not run " + command + ":\n" + refused.output());
            assertTrue(refused.output().contains("Command not found: " + scoped) || refused.output().contains("Insufficient credentials"),
                    () -> "the researcher is refused " + command + " by the command ACLs:\n" + refused.output());
        }
        assertEquals(0, launcher(work, COMMAND, "status").exit(), "the platform still runs");
        String bundles = shell("bundle:list -t 0 -s");
        assertTrue(row(bundles, HARMLESS).isEmpty(), () -> "the researcher installed nothing:\n" + bundles);
        assertEquals("Active", row(bundles, "org.latentlab.method.cot").get(1), () -> "the researcher stopped nothing:\n" + bundles);
        assertTrue(row(shell("feature:list -i"), "latentlab-demo").contains("Started"), "the researcher uninstalled no feature");

        // the admin, the launcher's owner, still installs and uninstalls
        String installed = shell("bundle:install " + url);
        Matcher id = Pattern.compile("Bundle ID: (\\d+)").matcher(installed);
        assertTrue(id.find(), () -> "the admin installs a bundle:\n" + installed);
        assertFalse(row(shell("bundle:list -t 0 -s"), HARMLESS).isEmpty(), "the admin's bundle is listed");
        shell("bundle:uninstall " + id.group(1));
        assertTrue(row(shell("bundle:list -t 0 -s"), HARMLESS).isEmpty(), "the admin uninstalls the bundle");
    }

    @Test
    @Order(4)
    void everyPlatformBundleIsActiveAndTheEngineStartsEarly() {
        String list = shell("bundle:list -s -t 0");
        for (String bundle : BUNDLES) {
            List<String> row = row(list, bundle);
            assertFalse(row.isEmpty(), () -> bundle + " is installed:\n" + list);
            assertEquals("Active", row.get(1), () -> bundle + " is active:\n" + list);
        }
        assertEquals("50", row(list, "org.latentlab.engine").get(2), () -> "the engine starts early:\n" + list);
    }

    @Test
    @Order(5)
    void theLatentLabFeaturesAreInstalled() {
        String list = shell("feature:list -i");
        for (String feature : FEATURES) {
            List<String> row = row(list, feature);
            assertFalse(row.isEmpty(), () -> feature + " is installed:\n" + list);
            assertTrue(row.contains("Started"), () -> feature + " is started:\n" + list);
        }
    }

    @Test
    @Order(6)
    void theComponentsOfTheDemoAreRegistered() {
        String components = shell("latent:components");
        for (String name : List.of("prosqa", "prontoqa", "cot", "nocot", "pause", "coconut", "language", "gpt", "logit-lens",
                "frontier", "mnns", "cot2", "exact-answer", "superposition", "intrinsic-dimension", "drift", "outcome", "trajectory",
                "space-geometric", "space-generative", "multiplication", "gradient", "ulp", "colar", "hrpo",
                "latentseek", "best-of-n", "prosqa-verifier", "multiplication-verifier")) {
            assertTrue(components.lines().anyMatch(line -> cells(line).contains(name)),
                    () -> name + " is listed by latent:components:\n" + components);
        }
    }

    @Test
    @Order(7)
    void thePluginsCanBeRemovedAndInstalledAgainWithoutRefreshingTheEngine() {
        String removed = shell("feature:uninstall -v latentlab-demo");
        assertFalse(removed.contains("org.latentlab.engine"), () -> "removing plugins leaves the engine alone:\n" + removed);
        String left = shell("latent:components");
        assertFalse(left.lines().anyMatch(line -> cells(line).contains("cot")), () -> "the cot method is gone:\n" + left);

        String added = shell("feature:install -v latentlab-demo");
        assertFalse(added.contains("org.latentlab.engine"), () -> "adding plugins leaves the engine alone:\n" + added);
        String back = shell("latent:components");
        assertTrue(back.lines().anyMatch(line -> cells(line).contains("cot")), () -> "the cot method is back:\n" + back);
        assertEquals("Active", row(shell("bundle:list -s -t 0"), "org.latentlab.engine").get(1), "the engine is active");
    }

    @Test
    @Order(8)
    void aTinyRunOnTheRunningPlatformPrintsItsResults() throws Exception {
        // a path relative to the caller's working directory
        Result run = launcher(work, RUN, "run", "specs/tiny-cot.json");
        assertEquals(0, run.exit(), () -> "bin/latentlab run failed:\n" + run.output() + logTail());
        assertResultTable(run.output(), "cot");
        String id = assertRecorded("smoke-cot");
        assertResultTable(shell("latent:compare " + id), "cot");
        Result unknown = launcher(work, COMMAND, "shell", "latent:compare no-such-run");
        assertTrue(unknown.exit() != 0 && unknown.output().contains("There is no run 'no-such-run'"), () -> "an unknown id is named:\n" + unknown.output());
        assertEquals(0, launcher(work, COMMAND, "status").exit(), "the platform that was running still runs");
    }

    @Test
    @Order(8)
    void benchTimesSpecsSideBySideAndRecordsNothing() throws Exception {
        int before = runDirectories();
        Path json = work.resolve("bench-figures.json");
        Result bench = launcher(work, RUN, "bench", "--steps", "2", "--warmup", "0", "--examples", "2", "--batch", "2", "--json",
                "bench-figures.json", "specs/tiny-cot.json", "specs/tiny-coconut.json");
        assertEquals(0, bench.exit(), () -> "bin/latentlab bench failed:\n" + bench.output() + logTail());
        List<String> header = bench.output().lines().map(DistributionIT::cells).filter(cells -> cells.contains("ms/step"))
                .findFirst().orElseThrow(() -> new AssertionError("latent:bench prints a table:\n" + bench.output()));
        assertTrue(header.containsAll(List.of("ms/answer", "µs/position", "fwd", "bwd", "opt", "GFLOP/s", "MFU", "answers/s", "Peak RSS")),
                () -> "the bench table's header: " + header);
        for (String spec : List.of("smoke-cot", "smoke-coconut")) {
            assertTrue(bench.output().lines().anyMatch(line -> cells(line).contains(spec)), () -> spec + " is benchmarked:\n" + bench.output());
        }
        // the figures as JSON, copied from the platform's bench folder to where the caller asked, relative to its folder
        com.fasterxml.jackson.databind.JsonNode figures = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        assertTrue(figures.get("peak_gflops").asDouble() > 0, () -> "the measured matrix-multiply rate: " + figures);
        for (String spec : List.of("smoke-cot", "smoke-coconut")) {
            assertTrue(figures.get("specs").get(spec).get("mfu").asDouble() > 0, () -> spec + " has its utilisation: " + figures);
        }
        assertTrue(figures.get("coconut_over_cot").asDouble() > 0, () -> "Coconut's step against CoT's: " + figures);
        try (Stream<Path> left = Files.list(home.resolve("data/latentlab/bench"))) {
            assertEquals(0, left.count(), "nothing is left behind in the platform's folder");
        }
        assertEquals(before, runDirectories(), "a benchmark records no run");
        Result bad = launcher(work, COMMAND, "bench", "--stage", "9", "specs/tiny-cot.json");
        assertTrue(bad.exit() != 0 && bad.output().contains("not a stage 9"), () -> "a stage the method lacks is named:\n" + bad.output());
    }

    @Test
    @Order(8)
    void aSweepRunsEveryPointOfItsGridAndCompareSummarisesItOverSeeds() throws Exception {
        Path file = work.resolve("specs/tiny-sweep.json");
        Files.writeString(file, tinySpec("smoke-sweep", "nocot").replace("\"seed\": 7", "\"seeds\": [1, 2]")
                .replace("\"name\": \"nocot\"", "\"name\": [\"nocot\", \"cot\"]"));
        int before = runDirectories();
        String plan = shell("latent:sweep --dry-run " + file);
        assertTrue(plan.contains("4 runs (nothing submitted)") && plan.contains("smoke-sweep [name=cot seed=2]"), () -> "the grid:\n" + plan);
        assertEquals(before, runDirectories(), "a dry run submits nothing");

        String swept = shell("latent:sweep --wait " + file);
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("Sweep (sweep-\\S+): 4 runs queued").matcher(swept);
        assertTrue(id.find(), () -> "latent:sweep names its sweep:\n" + swept);
        assertEquals(before + 4, runDirectories(), "one run per point");
        String summary = shell("latent:compare --sweep " + id.group(1));
        for (String method : List.of("nocot", "cot")) {
            assertTrue(summary.lines().map(DistributionIT::cells).anyMatch(cells -> cells.size() > 3 && cells.get(0).equals(method)
                    && cells.get(1).equals("test") && cells.get(2).equals("2/2")), () -> method + "'s two seeds are pooled:\n" + summary);
        }
        assertTrue(swept.contains(summary.lines().filter(l -> l.startsWith("nocot")).findFirst().orElseThrow()),
                () -> "--wait ends with the same summary:\n" + swept);
        List<String> listed = row(shell("latent:sweeps"), id.group(1));
        assertEquals(List.of("smoke-sweep", "method.name, seed", "4", "4", "0", "0"), listed.subList(1, 7), () -> "latent:sweeps: " + listed);
        Result unknown = launcher(work, COMMAND, "shell", "latent:compare --sweep no-such-sweep");
        assertTrue(unknown.exit() != 0 && unknown.output().contains("There is no sweep 'no-such-sweep'"), () -> unknown.output());
    }

    @Test
    @Order(8)
    void aCoconutRunRecordsTheReportsOfBothProbes() throws Exception {
        Result run = launcher(work, RUN, "run", "specs/tiny-coconut.json");
        assertEquals(0, run.exit(), () -> "bin/latentlab run failed:\n" + run.output() + logTail());
        assertResultTable(run.output(), "coconut");
        String id = assertRecorded("smoke-coconut");
        Path dir = home.resolve("data/latentlab/runs").resolve(id);
        for (String probe : List.of("logit-lens", "frontier")) {
            Path report = dir.resolve("probe-" + probe + ".json");
            assertTrue(Files.isRegularFile(report), () -> probe + " wrote its report; the run's notes:\n" + run.output());
            assertTrue(Files.readString(report).contains("\"probe\" : \"" + probe + "\"") || Files.readString(report).contains("\"probe\":\"" + probe + "\""),
                    () -> "the report names its probe: " + report);
        }
        assertFalse(run.output().contains("failed:"), () -> "no probe failed:\n" + run.output());
    }

    @Test
    @Order(9)
    void aReportOfARunAndOfAComparisonEmbedsEveryFigureAndWritesThemAsPngAndSvg() throws Exception {
        String coconut = runIdNamed("smoke-coconut");
        String cot = runIdNamed("smoke-cot");
        System.setProperty("java.awt.headless", "true");
        String wrote = shell("latent:report " + coconut);
        Path html = home.resolve("data/latentlab/reports").resolve(coconut + ".html");
        assertTrue(Files.isRegularFile(html), () -> "the report is written where the command says:\n" + wrote);
        String page = Files.readString(html);
        Matcher sources = Pattern.compile("src=\"([^\"]*)\"").matcher(page);
        int images = 0;
        while (sources.find()) {
            assertTrue(sources.group(1).startsWith("data:image/png;base64,"), "every figure is embedded");
            java.awt.image.BufferedImage embedded = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                    java.util.Base64.getDecoder().decode(sources.group(1).substring("data:image/png;base64,".length()))));
            assertTrue(embedded != null && embedded.getWidth() > 0, "every embedded figure decodes");
            images++;
        }
        assertTrue(images >= 3, "loss, throughput and accuracy at least: " + images);
        assertTrue(page.contains("org.latentlab.method.coconut") && page.contains("Probe logit-lens") && page.contains("Probe frontier"),
                "the run's parts and its probes' tables");
        Path figures = home.resolve("data/latentlab/reports").resolve(coconut + "-figures");
        for (String name : List.of("loss", "throughput", "accuracy")) {
            java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(figures.resolve(name + ".png").toFile());
            assertTrue(png != null && png.getWidth() > 0, name + ".png is an image");
            assertTrue(Files.readString(figures.resolve(name + ".svg")).contains("<svg"), name + ".svg is SVG");
        }

        shell("latent:report --output cot-against-coconut " + cot + " " + coconut);
        String compared = Files.readString(home.resolve("data/latentlab/reports/cot-against-coconut.html"));
        assertTrue(compared.contains("Comparison of 2 runs") && compared.contains("smoke-cot") && compared.contains("smoke-coconut"),
                "both runs are in the comparison");
        Result unknown = launcher(work, COMMAND, "shell", "latent:report no-such-run");
        assertTrue(unknown.exit() != 0 && unknown.output().contains("There is no run 'no-such-run'"), () -> unknown.output());
        // the command is open to researchers: it writes into the reports folder and nowhere else
        String keys = Files.readString(home.resolve("etc/keys.properties"));
        Result elsewhere = launcher(work, COMMAND, "shell", "latent:report --output ../../../etc/keys.properties " + cot);
        assertTrue(elsewhere.exit() != 0 && elsewhere.output().contains("give --output a file name without a folder"), () -> elsewhere.output());
        assertEquals(keys, Files.readString(home.resolve("etc/keys.properties")), "nothing was written over");
    }

    @Test
    @Order(9)
    void theDashboardListsTheRunsAndShowsARunsFiguresOnTheLoopbackInterfaceOnlyAndInHeadlessChromium() throws Exception {
        assertEquals(0, launcher(work, START, "start").exit(), "bin/latentlab start");
        try {
            String coconut = runIdNamed("smoke-coconut");
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            java.net.http.HttpResponse<String> list = get(client, "/latentlab/");
            assertEquals(200, list.statusCode(), () -> "the run list:\n" + list.body() + logTail());
            assertTrue(list.body().contains("smoke-coconut") && list.body().contains("smoke-cot") && list.body().contains("completed"),
                    () -> "the runs and their states are listed:\n" + list.body());
            assertTrue(list.body().contains("href=\"/latentlab/run/" + coconut + "\""), "each run links to its page");

            java.net.http.HttpResponse<String> page = get(client, "/latentlab/run/" + coconut);
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("Training loss") && page.body().contains("data:image/png;base64,")
                    && page.body().contains("Probe frontier"), "the run's page has its figures and probe tables");
            java.net.http.HttpResponse<String> compare = get(client, "/latentlab/compare?id=" + runIdNamed("smoke-cot") + "&id=" + coconut);
            assertTrue(compare.statusCode() == 200 && compare.body().contains("Comparison of 2 runs"), compare::body);
            java.net.http.HttpResponse<String> unknown = get(client, "/latentlab/run/no-such-run");
            assertEquals(404, unknown.statusCode());
            assertTrue(unknown.body().startsWith("There is no run 'no-such-run'"), unknown::body);

            // bound to the loopback interface: another address of this machine gets no answer at all
            assertNoAnswerOffLoopback(httpPort, "the dashboard's port");

            browseTheDashboard(coconut, runIdNamed("smoke-cot"));
        } finally {
            launcher(work, STOP, "stop");
        }
    }

    /**
     * What a reader sees in a real browser: the run list with each run's state, a run's page reached through its link and
     * a comparison chosen with the list's boxes, where every figure image has loaded at the size it was drawn. The pages
     * are kept as screenshots in {@code target/screenshots/}.
     */
    private void browseTheDashboard(String coconut, String cot) throws Exception {
        Path chromium = HeadlessChromium.find();
        assertNotNull(chromium, "The dashboard's browser test needs Chromium: install Debian's chromium package (apt-get install chromium) "
                + "or name the browser with -Dlatentlab.chromium=PATH.");
        Path screenshots = Files.createDirectories(work.getParent().resolve("screenshots"));
        String site = "http://127.0.0.1:" + httpPort + "/latentlab/";
        try (HeadlessChromium browser = HeadlessChromium.start(chromium, work, 1280, 900)) {
            browser.load(site);
            com.fasterxml.jackson.databind.JsonNode rows = browser.evaluate("[...document.querySelectorAll('#runs tr')].slice(1).map(row => "
                    + "({run: row.cells[1].querySelector('a').innerText, state: row.querySelector('.state').innerText, "
                    + "progress: row.querySelector('progress').value}))");
            Files.write(screenshots.resolve("dashboard-runs.png"), browser.screenshot());
            Map<String, String> states = new java.util.HashMap<>();
            rows.forEach(row -> states.put(row.get("run").asText(), row.get("state").asText() + " " + row.get("progress").asDouble()));
            for (String run : List.of("smoke-cot", "smoke-coconut")) {
                assertEquals("completed 1.0", states.get(run), () -> run + " is listed as completed with a full bar: " + rows);
            }

            // a reader follows the run's link
            browser.awaitLoad(() -> browser.evaluate("document.querySelector('#runs a[href$=\"/run/" + coconut + "\"]').click()"));
            assertEquals(site + "run/" + coconut, browser.evaluate("location.href").asText());
            List<String> shown = assertEveryFigureLoaded(browser, "the coconut run's page");
            Files.write(screenshots.resolve("dashboard-run.png"), browser.screenshot());
            for (String figure : List.of("loss", "throughput", "accuracy", "probe-frontier-value-by-height", "probe-logit-lens-thought-tokens-1",
                    "probe-drift-pca")) {
                assertTrue(shown.contains(figure), () -> "the run's page shows the figure " + figure + ": " + shown);
            }

            // and compares two runs by ticking their boxes
            browser.load(site);
            browser.awaitLoad(() -> browser.evaluate("for (const id of ['" + cot + "', '" + coconut + "']) "
                    + "document.querySelector('input[name=id][value=\"' + id + '\"]').checked = true; "
                    + "document.querySelector('#runs').closest('form').querySelector('button').click()"));
            String comparing = browser.evaluate("location.href").asText();
            assertTrue(comparing.startsWith(site + "compare?id=") && comparing.contains("id=" + coconut) && comparing.contains("id=" + cot),
                    () -> "the form asks for the comparison of the ticked runs: " + comparing);
            List<String> compared = assertEveryFigureLoaded(browser, "the comparison");
            Files.write(screenshots.resolve("dashboard-compare.png"), browser.screenshot());
            assertTrue(compared.containsAll(List.of("loss", "throughput", "accuracy")), () -> "the comparison's figures: " + compared);
        }
    }

    /** Every image of the page has loaded, as a figure of the size the platform draws; returns the figures' names. */
    private static List<String> assertEveryFigureLoaded(HeadlessChromium browser, String page) throws Exception {
        com.fasterxml.jackson.databind.JsonNode images = browser.evaluate("Promise.all([...document.images].map(image => image.decode()"
                + ".then(() => true, () => false))).then(decoded => [...document.images].map((image, i) => ({figure: "
                + "image.closest('figure') ? image.closest('figure').id : '', decoded: decoded[i], complete: image.complete, "
                + "width: image.naturalWidth, height: image.naturalHeight})))");
        assertTrue(images.size() >= 3, () -> page + " shows its figures: " + images);
        List<String> names = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode image : images) {
            assertTrue(image.get("decoded").asBoolean() && image.get("complete").asBoolean() && image.get("width").asInt() == 800
                    && image.get("height").asInt() == 450, () -> "every image of " + page + " loads as an 800 x 450 figure: " + image);
            names.add(image.get("figure").asText().replaceFirst("^figure-", ""));
        }
        return names;
    }

    private java.net.http.HttpResponse<String> get(java.net.http.HttpClient client, String path) throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(60)).GET().build();
        // the HTTP service may still be starting right after the platform's shell answers
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                java.net.http.HttpResponse<String> response = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 404 || System.nanoTime() > deadline || path.contains("no-such-run")) {
                    return response;
                }
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
            }
            Thread.sleep(500);
        }
    }

    @Test
    @Order(9)
    void runStartsThePlatformWhenItIsDownAndStopsItAgain() throws Exception {
        Result stop = launcher(work, STOP, "stop");
        assertEquals(0, stop.exit(), () -> "bin/latentlab stop failed:\n" + stop.output());
        Result down = launcher(work, COMMAND, "status");
        assertEquals(3, down.exit(), () -> "the platform is down:\n" + down.output());

        Result run = launcher(work.resolve("specs"), RUN.plus(START), "run", "tiny-nocot.json");
        assertEquals(0, run.exit(), () -> "bin/latentlab run failed:\n" + run.output() + logTail());
        assertResultTable(run.output(), "nocot");
        assertRecorded("smoke-nocot");

        Result after = launcher(work, COMMAND, "status");
        assertEquals(3, after.exit(), () -> "run stopped the platform it started:\n" + after.output());
    }

    @Test
    @Order(10)
    void aPlatformStartedForOneCommandStaysUpWhileRunsAreQueuedOnIt() throws Exception {
        assertEquals(3, launcher(work, COMMAND, "status").exit(), "the platform is down after the previous test");
        // long enough to be still training when the launcher decides whether to stop the platform it started
        Path spec = work.resolve("specs/tiny-long.json");
        Files.writeString(spec, tinySpec("smoke-long", "nocot").replace("\"maxSteps\": 2", "\"maxSteps\": 100000")
                .replace("\"epochs\": 1", "\"epochs\": 100000"));
        Result submit = launcher(work, START.plus(COMMAND), "shell", "latent:run --background " + spec);
        assertEquals(0, submit.exit(), () -> "submitting in the background failed:\n" + submit.output() + logTail());
        assertTrue(submit.output().contains("left the platform running"), () -> "the launcher says why it did not stop:\n" + submit.output());
        assertEquals(0, launcher(work, COMMAND, "status").exit(), "the run it queued keeps the platform up");
        String id = submit.output().lines().filter(line -> line.endsWith("smoke-long")).findFirst()
                .orElseThrow(() -> new AssertionError("the run id is printed:\n" + submit.output()));
        Result cancel = launcher(work, COMMAND, "shell", "latent:cancel " + id);
        assertEquals(0, cancel.exit(), () -> "latent:cancel failed:\n" + cancel.output());
        assertEquals(0, launcher(work, STOP, "stop").exit());
    }

    @Test
    @Order(11)
    void aMissingSpecFailsWithOneSentenceBeforeAnythingStarts() throws Exception {
        Result run = launcher(work, COMMAND, "run", "specs/no-such-spec.json");
        assertNotEquals(0, run.exit(), "a missing spec fails");
        assertEquals("latentlab: no spec file at " + work.resolve("specs/no-such-spec.json") + ".", run.output().trim());
    }

    /**
     * A run is cut off by SIGKILL of the platform's JVM while a second waits in the queue. After a restart the first is
     * interrupted and the second trains by itself; latent:resume then continues the first from its checkpoint to the very
     * parameters and losses of the second, which is the same spec under another name and was never interrupted.
     */
    @Test
    @Order(12)
    void aRunKilledWithSigkillResumesToTheParametersOfAnUninterruptedRunAndTheQueueSurvivesTheRestart() throws Exception {
        assertEquals(3, launcher(work, COMMAND, "status").exit(), "the platform is down after the previous tests");
        Path killed = work.resolve("specs/kill-cut.json");
        Path whole = work.resolve("specs/kill-whole.json");
        for (Path spec : List.of(killed, whole)) {
            String name = spec.equals(killed) ? "kill-cut" : "kill-whole";
            Files.writeString(spec, tinySpec(name, "cot").replace("\"maxSteps\": 2", "\"maxSteps\": 0, \"checkpointEvery\": 10")
                    .replace("\"epochs\": 1", "\"epochs\": 150"));
        }
        assertEquals(0, launcher(work, START, "start").exit(), "bin/latentlab start");
        Result submitted = launcher(work, COMMAND, "shell", "latent:run --background " + killed + " " + whole);
        assertEquals(0, submitted.exit(), () -> "submitting failed:\n" + submitted.output());
        String cut = runIdNamed("kill-cut");
        String uninterrupted = runIdNamed("kill-whole");
        String runs = shell("latent:runs");
        List<String> header = runs.lines().map(DistributionIT::cells).filter(cells -> cells.contains("Queue")).findFirst()
                .orElseThrow(() -> new AssertionError("latent:runs has a Queue column:\n" + runs));
        assertEquals("1", row(runs, uninterrupted).get(header.indexOf("Queue")), () -> "the second run is first in the queue:\n" + runs);

        // past a checkpoint or two, then SIGKILL
        Path status = home.resolve("data/latentlab/runs").resolve(cut).resolve("status.json");
        long deadline = System.nanoTime() + RUN.toNanos();
        while (stepOf(status) < 25) {
            assertTrue(System.nanoTime() < deadline, "the run reached step 25");
            assertFalse(Files.readString(status).contains("COMPLETED"), "the run is still training when it is killed; make it longer");
            Thread.sleep(20);
        }
        long pid = Long.parseLong(Files.readString(home.resolve("karaf.pid")).trim());
        ProcessHandle karaf = ProcessHandle.of(pid).orElseThrow();
        assertTrue(karaf.destroyForcibly(), "SIGKILL was sent");
        karaf.onExit().get(60, TimeUnit.SECONDS);
        long killedAt = stepOf(status);
        assertTrue(killedAt < 300, "killed part way, at step " + killedAt);

        assertEquals(0, launcher(work, START, "start").exit(), "the platform starts again after the kill");
        String interrupted = Files.readString(status);
        assertTrue(interrupted.contains("INTERRUPTED") && interrupted.contains("latent:resume " + cut), interrupted);
        awaitRecorded(uninterrupted, "COMPLETED");
        Result resumed = launcher(work, COMMAND, "shell", "latent:resume " + cut);
        assertEquals(0, resumed.exit(), () -> "latent:resume failed:\n" + resumed.output());
        assertTrue(resumed.output().contains("from its checkpoint at step"), resumed.output());
        awaitRecorded(cut, "COMPLETED");

        Path runsDir = home.resolve("data/latentlab/runs");
        double worst = maxAbsDifference(runsDir.resolve(cut).resolve("checkpoints/final.params"),
                runsDir.resolve(uninterrupted).resolve("checkpoints/final.params"));
        List<String> cutLosses = losses(runsDir.resolve(cut).resolve("metrics.jsonl"));
        List<String> wholeLosses = losses(runsDir.resolve(uninterrupted).resolve("metrics.jsonl"));
        System.out.println("resume after SIGKILL at step " + killedAt + ": max abs parameter difference " + worst + ", "
                + cutLosses.size() + " logged losses, identical: " + cutLosses.equals(wholeLosses));
        assertTrue(worst < 1e-5, "the resumed run's parameters differ by " + worst);
        assertEquals(300, wholeLosses.size(), "150 epochs of 2 steps, one line each");
        assertEquals(wholeLosses, cutLosses, "the same loss at every step");
        assertEquals(resultField(runsDir.resolve(uninterrupted)), resultField(runsDir.resolve(cut)), "the same evaluation");
        assertEquals(0, launcher(work, STOP, "stop").exit());
    }

    /** The id of the one run whose spec has this name. */
    private String runIdNamed(String name) throws IOException {
        Path runs = home.resolve("data/latentlab/runs");
        try (Stream<Path> dirs = Files.list(runs)) {
            List<Path> matching = dirs.filter(dir -> {
                try {
                    return Files.readString(dir.resolve("spec.json")).contains("\"" + name + "\"");
                } catch (IOException e) {
                    return false;
                }
            }).collect(Collectors.toList());
            assertEquals(1, matching.size(), () -> "one run of " + name + " is recorded in " + runs + ": " + matching);
            return matching.get(0).getFileName().toString();
        }
    }

    @Test
    @Order(11)
    void aPluginGeneratedFromTheArchetypeIsInstalledRunUpgradedAndRemovedWithoutARestart() throws Exception {
        // one platform process for the whole test (shell and run would otherwise start and stop one per command)
        Result started = launcher(work, START, "start");
        assertEquals(0, started.exit(), () -> "bin/latentlab start failed:\n" + started.output() + logTail());
        try {
            pluginLifecycleOnOneProcess();
        } finally {
            launcher(work, STOP, "stop");
        }
    }

    private void pluginLifecycleOnOneProcess() throws Exception {
        String pid = Files.readString(home.resolve("karaf.pid")).trim();
        Path sources = Files.createDirectories(work.resolve("plugin-sources"));
        Path project = sources.resolve("think-first");

        // generate and build version 1.0.0, with its unit and in-framework tests, as docs/plugins.md says
        Result generated = maven(sources, "org.apache.maven.plugins:maven-archetype-plugin:"
                        + System.getProperty("latentlab.archetype.plugin", "3.3.1") + ":generate",
                "-DarchetypeGroupId=org.latentlab", "-DarchetypeArtifactId=org.latentlab.plugin-archetype",
                "-DarchetypeVersion=" + System.getProperty("latentlab.version"), "-DgroupId=org.example.lab",
                "-DartifactId=think-first", "-Dversion=1.0.0", "-Dpackage=org.example.lab.think", "-Dkind=method",
                "-DclassName=ThinkFirst");
        assertEquals(0, generated.exit(), () -> "archetype:generate failed:\n" + generated.output());
        Path source = project.resolve("src/main/java/org/example/lab/think/ThinkFirst.java");
        assertTrue(Files.isRegularFile(source), "the method's class is generated");
        Result built = maven(project, "install");
        assertEquals(0, built.exit(), () -> "the generated plugin did not build:\n" + built.output());
        assertTrue(Files.isDirectory(project.resolve("target/surefire-reports")), () -> "its unit tests ran:\n" + built.output());
        assertTrue(Files.isDirectory(project.resolve("target/test-reports/test")), () -> "its in-framework tests ran:\n" + built.output());

        // install it into the running platform; the orchestrator lists it
        shell("feature:repo-add mvn:org.example.lab/think-first/1.0.0/xml/features");
        shell("feature:install think-first");
        List<String> listed = row(shell("latent:components think-first"), "think-first");
        assertTrue(listed.contains("org.example.lab.think-first") && listed.contains("1.0.0"), () -> "listed: " + listed);

        // an experiment with it: the vocabulary has the method's own token
        Path specs = work.resolve("specs");
        Files.writeString(specs.resolve("think-first-1.json"), tinySpec("think-first-1", "think-first")
                .replace("\"think-first\", \"options\": {}", "\"think-first\", \"options\": {\"thinkingTokens\": 2}"));
        Result first = launcher(work, RUN, "run", "specs/think-first-1.json");
        assertEquals(0, first.exit(), () -> "the run with the plugin failed:\n" + first.output() + logTail());
        Path firstRun = home.resolve("data/latentlab/runs").resolve(assertRecorded("think-first-1"));
        assertTrue(Files.readString(firstRun.resolve("result.json")).contains("think-first 1.0.0"), "version 1.0.0 trained");
        assertTrue(Files.readString(firstRun.resolve("vocabulary.json")).contains("\"<think>\""), "1.0.0 reads <think>");

        // version 1.1.0 reads <ponder> instead; bundle:update swaps it in while the platform runs
        Files.writeString(source, Files.readString(source).replace("\"<think>\"", "\"<ponder>\""));
        Path pom = project.resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom).replaceFirst("<version>1.0.0</version>", "<version>1.1.0</version>"));
        Result rebuilt = maven(project, "install");
        assertEquals(0, rebuilt.exit(), () -> "version 1.1.0 did not build:\n" + rebuilt.output());
        shell("bundle:update org.example.lab.think-first mvn:org.example.lab/think-first/1.1.0");
        List<String> upgraded = row(shell("latent:components think-first"), "think-first");
        assertTrue(upgraded.contains("1.1.0"), () -> "listed after the update: " + upgraded);

        Files.writeString(specs.resolve("think-first-2.json"), Files.readString(specs.resolve("think-first-1.json"))
                .replace("think-first-1", "think-first-2"));
        Result second = launcher(work, RUN, "run", "specs/think-first-2.json");
        assertEquals(0, second.exit(), () -> "the run after the update failed:\n" + second.output() + logTail());
        String secondId = assertRecorded("think-first-2");
        Path secondRun = home.resolve("data/latentlab/runs").resolve(secondId);
        assertTrue(Files.readString(secondRun.resolve("result.json")).contains("think-first 1.1.0"), "version 1.1.0 trained");
        List<String> part = row(shell("latent:show " + secondId), "think-first");
        assertEquals(List.of("method", "think-first", "org.example.lab.think-first", "1.1.0"), part, "latent:show names the part's version");
        String vocabulary = Files.readString(secondRun.resolve("vocabulary.json"));
        assertTrue(vocabulary.contains("\"<ponder>\"") && !vocabulary.contains("\"<think>\""), () -> "the new code ran: " + vocabulary);

        // removed: gone from the registry and the framework, and a spec that names it is refused in one sentence
        shell("feature:uninstall think-first");
        shell("feature:repo-remove mvn:org.example.lab/think-first/1.0.0/xml/features");
        String components = shell("latent:components");
        assertFalse(components.contains("think-first"), () -> "no longer listed:\n" + components);
        assertFalse(shell("bundle:list -s -t 0").contains("org.example.lab.think-first"), "the bundle is uninstalled");
        Result refused = launcher(work, COMMAND, "run", "specs/think-first-2.json");
        assertTrue(refused.exit() != 0 && refused.output().contains("think-first"), () -> "refused:\n" + refused.output());

        assertEquals(pid, Files.readString(home.resolve("karaf.pid")).trim(), "the same platform process throughout: no restart");
        assertEquals("Active", row(shell("bundle:list -s -t 0"), "org.latentlab.engine").get(1), "the engine was never refreshed");
    }

    /**
     * Maven, offline, with the installation and local repository of the build that runs this test: what a plugin build
     * needs (the archetype, the API, the platform's bundles, the plugins that build them) is all there.
     */
    private Result maven(Path directory, String... arguments) throws IOException, InterruptedException {
        String mvn = System.getProperty("latentlab.maven");
        assertNotNull(mvn, "the build names its Maven in the system property latentlab.maven");
        List<String> command = new ArrayList<>(List.of(mvn, "-B", "-ntp", "-o"));
        String repository = System.getProperty("latentlab.maven.repository");
        if (repository != null && !repository.isBlank()) {
            command.add("-Dmaven.repo.local=" + repository);
        }
        command.addAll(Arrays.asList(arguments));
        return exec(directory, Duration.ofMinutes(10), Map.of("JAVA_HOME", System.getProperty("java.home")), command.toArray(String[]::new));
    }

    private void awaitRecorded(String id, String state) throws Exception {
        Path status = home.resolve("data/latentlab/runs").resolve(id).resolve("status.json");
        long deadline = System.nanoTime() + RUN.toNanos();
        while (!Files.readString(status).contains("\"" + state + "\"")) {
            assertTrue(System.nanoTime() < deadline, () -> "run " + id + " did not become " + state + ": " + readQuietly(status) + logTail());
            Thread.sleep(200);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static long stepOf(Path status) throws IOException {
        if (!Files.isRegularFile(status)) {
            return 0;
        }
        Matcher step = Pattern.compile("\"step\"\\s*:\\s*(\\d+)").matcher(readQuietly(status));
        return step.find() ? Long.parseLong(step.group(1)) : 0;
    }

    /** The loss column of a metrics file, as written. */
    private static List<String> losses(Path metrics) throws IOException {
        Pattern loss = Pattern.compile("\"loss\"\\s*:\\s*([^,}]+)");
        return Files.readAllLines(metrics).stream().filter(l -> !l.isBlank()).map(l -> {
            Matcher m = loss.matcher(l);
            assertTrue(m.find(), l);
            return m.group(1);
        }).collect(Collectors.toList());
    }

    /** The evaluations of a run's result.json, but for the latency, which is a time. */
    private static String resultField(Path run) throws IOException {
        String result = Files.readString(run.resolve("result.json"));
        int from = result.indexOf("\"evaluations\"");
        int to = result.indexOf("\"notes\"");
        assertTrue(from >= 0 && to > from, result);
        return result.substring(from, to).replaceAll("\"latencyMsPerExample\"\\s*:\\s*[^,}]+", "");
    }

    /** The largest absolute difference between two backbone parameter files (name, rank, dimensions, float32 values). */
    private static double maxAbsDifference(Path a, Path b) throws IOException {
        try (java.io.DataInputStream x = new java.io.DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(a)));
             java.io.DataInputStream y = new java.io.DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(b)))) {
            assertEquals(x.readUTF(), y.readUTF());
            assertEquals(x.readInt(), y.readInt());
            int n = x.readInt();
            assertEquals(n, y.readInt(), "the same number of parameters");
            double worst = 0;
            for (int p = 0; p < n; p++) {
                assertEquals(x.readUTF(), y.readUTF());
                int rank = x.readInt();
                assertEquals(rank, y.readInt());
                long size = 1;
                for (int d = 0; d < rank; d++) {
                    long dim = x.readLong();
                    assertEquals(dim, y.readLong());
                    size *= dim;
                }
                for (long i = 0; i < size; i++) {
                    worst = Math.max(worst, Math.abs(Float.intBitsToFloat(Integer.reverseBytes(x.readInt()))
                            - Float.intBitsToFloat(Integer.reverseBytes(y.readInt()))));
                }
            }
            return worst;
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private static final String HARMLESS = "org.latentlab.itests.harmless";

    /** A bundle with a manifest only, which does nothing when it starts. */
    private static Path harmlessBundle(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", HARMLESS);
        main.putValue("Bundle-Version", "1.0.0");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
        return jar;
    }

    /** A refusal of bin/latentlab: a non-zero exit and one line, "latentlab: ..." with the expected words. */
    private static void assertOneSentenceRefusal(Result result, String expected) {
        assertNotEquals(0, result.exit(), () -> "refused:\n" + result.output());
        String text = result.output().trim();
        assertTrue(text.startsWith("latentlab: ") && text.contains(expected) && text.lines().count() == 1 && text.endsWith("."),
                () -> "one sentence that says '" + expected + "':\n" + text);
    }

    /** Shell commands given on stdin to bin/client with the given login options, against this instance's SSH port. */
    private Result client(String stdin, String... login) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/client").toString(), "-h", "127.0.0.1",
                "-a", Integer.toString(sshPort), "-b", "-r", "30", "-d", "2"));
        command.addAll(Arrays.asList(login));
        return execWithInput(work, COMMAND, Map.of("JAVA_HOME", System.getProperty("java.home")), stdin, command.toArray(String[]::new));
    }

    /** Removes the line that defines this user from a properties file. */
    private static void removeEntry(Path file, String name) throws IOException {
        String text = Files.readString(file);
        Files.writeString(file, text.lines().filter(line -> !line.trim().matches(Pattern.quote(name) + "\\s*=.*"))
                .collect(Collectors.joining("\n", "", "\n")));
    }

    /** key = value lines of a properties file, without comments. */
    private static Map<String, String> properties(String text) {
        Map<String, String> properties = new HashMap<>();
        text.lines().map(String::trim).filter(line -> !line.isEmpty() && !line.startsWith("#") && line.contains("="))
                .forEach(line -> properties.put(line.substring(0, line.indexOf('=')).trim(), line.substring(line.indexOf('=') + 1).trim()));
        return properties;
    }

    private static String tinySpec(String name, String method) {
        return """
                {
                  "name": "%s",
                  "seed": 7,
                  "device": "cpu",
                  "dataset": {"name": "prosqa", "train": 8, "validation": 0, "test": 4, "options": {}},
                  "backbone": {"name": "gpt", "dModel": 32, "layers": 1, "heads": 2, "maxPositions": 512},
                  "method": {"name": "%s", "options": {}},
                  "losses": [{"name": "language", "weight": 1.0}],
                  "probes": [],
                  "training": {"epochs": 1, "maxSteps": 2, "batchSize": 4, "learningRate": 0.003, "weightDecay": 0.0,
                               "warmupSteps": 1, "gradientClip": 1.0, "logEvery": 1},
                  "evaluation": {"maxNewTokens": 40, "limit": 4, "files": []}
                }
                """.formatted(name, method);
    }

    private static void assertResultTable(String output, String method) {
        List<String> header = output.lines().map(DistributionIT::cells).filter(cells -> cells.contains("Accuracy"))
                .findFirst().orElseThrow(() -> new AssertionError("latent:run prints a result table:\n" + output));
        assertTrue(header.contains("Method") && header.contains("Set"), () -> "the result table's header: " + header);
        // the method's cell reads "cot 1.0.0", its name and version
        assertTrue(output.lines().map(DistributionIT::cells).anyMatch(cells -> cells.contains("test")
                        && cells.stream().anyMatch(cell -> cell.equals(method) || cell.startsWith(method + " "))),
                () -> "the result table has the " + method + " run's test set:\n" + output);
    }

    /** How many runs are recorded under ${karaf.data}/latentlab/runs (folders with a status; not the sweeps' folder). */
    private int runDirectories() throws IOException {
        Path runs = home.resolve("data/latentlab/runs");
        if (!Files.isDirectory(runs)) {
            return 0;
        }
        try (var list = Files.list(runs)) {
            return (int) list.filter(dir -> Files.isRegularFile(dir.resolve("status.json"))).count();
        }
    }

    /** The run whose spec has this name is recorded under ${karaf.data}/latentlab/runs with its result. */
    private String assertRecorded(String name) throws IOException {
        Path runs = home.resolve("data/latentlab/runs");
        assertTrue(Files.isDirectory(runs), "runs are recorded in " + runs);
        String id = runIdNamed(name);
        assertTrue(Files.isRegularFile(runs.resolve(id).resolve("result.json")), "the run's result.json is recorded");
        return id;
    }

    /** The shell command's output, through bin/latentlab; fails the test when the command fails. */
    private String shell(String command) {
        try {
            Result result = launcher(work, COMMAND, "shell", command);
            assertEquals(0, result.exit(), () -> command + " failed:\n" + result.output());
            return result.output();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(command + " could not be run: " + e, e);
        }
    }

    private Result launcher(Path directory, Duration timeout, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/latentlab").toString());
        command.addAll(Arrays.asList(arguments));
        Map<String, String> environment = new HashMap<>();
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("LATENTLAB_START_TIMEOUT", Integer.toString(START_SECONDS));
        return exec(directory, timeout, environment, command.toArray(String[]::new));
    }

    private record Result(int exit, String output) {
    }

    /** Runs a command with no input; kills it and its children and fails when it does not end in time. */
    private static Result exec(Path directory, Duration timeout, Map<String, String> environment, String... command)
            throws IOException, InterruptedException {
        return execWithInput(directory, timeout, environment, null, command);
    }

    /** Runs a command with the given input, or none; kills it and its children and fails when it does not end in time. */
    private static Result execWithInput(Path directory, Duration timeout, Map<String, String> environment, String stdin, String... command)
            throws IOException, InterruptedException {
        File output = File.createTempFile("latentlab-it", ".out");
        File input = stdin == null ? new File("/dev/null") : File.createTempFile("latentlab-it", ".in");
        try {
            if (stdin != null) {
                Files.writeString(input.toPath(), stdin);
            }
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(input))
                    .redirectErrorStream(true)
                    .redirectOutput(output);
            // the unpacked distribution finds its own home, data and configuration
            builder.environment().keySet().removeIf(name -> name.startsWith("KARAF_"));
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                fail(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s; its output:\n"
                        + Files.readString(output.toPath(), StandardCharsets.UTF_8));
            }
            String text = ANSI.matcher(Files.readString(output.toPath(), StandardCharsets.UTF_8)).replaceAll("");
            return new Result(process.exitValue(), text);
        } finally {
            Files.deleteIfExists(output.toPath());
            if (stdin != null) {
                Files.deleteIfExists(input.toPath());
            }
        }
    }

    private static Optional<Result> tryExec(Path directory, Duration timeout, String... command) throws InterruptedException {
        try {
            return Optional.of(exec(directory, timeout, Map.of(), command));
        } catch (IOException notInstalled) {
            return Optional.empty();
        }
    }

    /** Stops the Karaf JVM of the unpacked distribution if it still runs after bin/latentlab stop. */
    private void killIfStillRunning() {
        Path pidFile = home.resolve("karaf.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(process -> process.info().arguments().map(Arrays::asList).orElse(List.of())
                            .contains("-Dkaraf.home=" + home))
                    .ifPresent(process -> {
                        System.err.println("The distribution under test still runs; killing process " + pid + ".");
                        process.destroy();
                        try {
                            process.onExit().get(20, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            process.destroyForcibly();
                        }
                    });
        } catch (IOException | NumberFormatException e) {
            System.err.println("Could not read " + pidFile + ": " + e);
        }
    }

    /** Lines of a properties file that define something other than a group: users or keys. */
    private static List<String> activeEntries(String properties) {
        return properties.lines().map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#") && !line.startsWith("!"))
                .filter(line -> !line.startsWith("_g_\\:"))
                .collect(Collectors.toList());
    }

    /** The cells of a table row printed by the Karaf shell. */
    private static List<String> cells(String line) {
        return Arrays.stream(line.split("[│|]")).map(String::trim).collect(Collectors.toList());
    }

    /** The cells of the first table row with a cell equal to the name, or no cells. */
    private static List<String> row(String table, String name) {
        return table.lines().map(DistributionIT::cells).filter(cells -> cells.contains(name)).findFirst().orElse(List.of());
    }

    private String logTail() {
        Path log = home.resolve("data/log/karaf.log");
        try {
            List<String> lines = Files.readAllLines(log);
            return "\n--- last lines of " + log + " ---\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "\n(no " + log + ")";
        }
    }

    private static void setProperty(Path file, String key, int value) throws IOException {
        String text = Files.readString(file);
        Matcher line = Pattern.compile("(?m)^\\s*" + Pattern.quote(key) + "\\s*=.*$").matcher(text);
        assertTrue(line.find(), file + " sets " + key);
        Files.writeString(file, line.replaceFirst(Matcher.quoteReplacement(key + " = " + value)));
    }

    /**
     * Connects to the port on every non-loopback IPv4 address of this machine and fails if one answers; returns how many
     * addresses were tried.
     */
    private static int assertNoAnswerOffLoopback(int port, String what) throws IOException {
        int tried = 0;
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address instanceof Inet6Address) {
                    continue;
                }
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(address, port), 2000);
                    fail(what + " " + port + " answers on " + address.getHostAddress());
                } catch (IOException refused) {
                    tried++;
                }
            }
        }
        return tried;
    }

    /** Distinct free TCP ports on the loopback interface. */
    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(path);
            }
        }
    }
}
