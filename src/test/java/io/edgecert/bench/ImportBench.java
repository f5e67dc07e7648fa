package io.edgecert.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecert.testing.TestPki;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Load generator of bench/import/run.sh (issue 2, "Speed"): imports N distinct RSA-2048
 * certificates, each with its chain (one intermediate + one root, shared), through
 * {@code POST /api/v1/certificates} of an edgecert started as a separate process, from several
 * client threads over HTTP/1.1 keep-alive, as a user's script would ({@code --client keepalive}, a lean
 * socket client, by default; {@code --client jdk} for the JDK HttpClient). Reports certificates/s,
 * latency percentiles, errors, and the server's peak heap (Prometheus /metrics sampled every 200 ms,
 * and the GC log's heap-before-collection figures) and RSS.
 *
 * <p>Everything is generated before the clock starts. RSA key generation is slow, so the leaves
 * share a pool of keys (every certificate is still distinct: own serial, own name, own signature).
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$DEPS io.edgecert.bench.ImportBench \
 *     --jar target/edgecert.jar --work /tmp/edgecert-bench [--count 10000] [--threads 8] [--key-pool 64]
 *     [--server-heap 512m] [--server-java-opts "-XX:+FlightRecorder ..."] [--warmup COUNT] [--client keepalive|jdk]
 * </pre>
 */
public final class ImportBench {
    private static final String TOKEN = "bench-admin-token-0123456789abcdef";
    private static final Pattern HEAP_USED =
            Pattern.compile("^jvm_memory_used_bytes\\{([^}]*)\\}\\s+(\\S+)", Pattern.MULTILINE);
    private static final Pattern GC_LINE = Pattern.compile("Pause.*?(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private ImportBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        Path jar = Path.of(opt.getOrDefault("jar", "target/edgecert.jar")).toAbsolutePath();
        Path work = Path.of(opt.getOrDefault("work", "target/bench-import")).toAbsolutePath();
        int count = Integer.parseInt(opt.getOrDefault("count", "10000"));
        int threads = Integer.parseInt(opt.getOrDefault("threads", "8"));
        int keyPool = Integer.parseInt(opt.getOrDefault("key-pool", "64"));
        // A fresh JVM spends its first ~20 s of this load compiling (C2 took 7 s of the 19 s of CPU of a
        // cold 10,000-import run, 1 Dec): the timed run follows a warm-up of as many imports, as a
        // node that has been running would be; the warm-up's own rate is printed as the cold figure.
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", String.valueOf(count)));
        ClientKind client = ClientKind.valueOf(opt.getOrDefault("client", "keepalive").toUpperCase(java.util.Locale.ROOT));
        String serverHeap = opt.getOrDefault("server-heap", "512m");
        String serverJavaOpts = opt.getOrDefault("server-java-opts", "");
        // Every /metrics scrape runs the edgecert_certificates gauge, a SELECT COUNT(*) that reads the whole
        // table on H2: at 200 ms it takes ~10% of the server's CPU by 15,000 certificates. The heap is therefore
        // sampled every 200 ms with jstat (reads the JVM's perf-data file, no work for the server) and /metrics
        // less often; --metrics-interval-ms 200 gives the original sampling.
        int metricsIntervalMs = Integer.parseInt(opt.getOrDefault("metrics-interval-ms", "1000"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no jar at " + jar + "; build it with mvn -DskipTests package");
        }
        Files.createDirectories(work);

        // ---- material, before any timing ----------------------------------------------------
        long t0 = System.nanoTime();
        System.out.printf("generating %d RSA-2048 leaf keys (a pool shared by the %d certificates: generating %d "
                + "RSA keys would take minutes; every certificate is still distinct)%n", keyPool, count + warmup, count + warmup);
        KeyPair[] keys = IntStream.range(0, keyPool).parallel().mapToObj(i -> TestPki.freshRsa(2048)).toArray(KeyPair[]::new);
        String[] keyPems = Arrays.stream(keys).map(k -> TestPki.pkcs8(k.getPrivate())).toArray(String[]::new);
        TestPki.Issued root = TestPki.cert().subject("CN=edgecert Bench Root, O=edgecert bench").key(TestPki.freshRsa(2048))
                .ca().selfSigned().expiresIn(Duration.ofDays(3650)).build();
        TestPki.Issued intermediate = TestPki.cert().subject("CN=edgecert Bench Intermediate RSA, O=edgecert bench")
                .key(TestPki.freshRsa(2048)).ca(0).issuedBy(root).expiresIn(Duration.ofDays(1825)).build();
        String chainPem = TestPki.pem(intermediate.certificate(), root.certificate());
        Path roots = work.resolve("trust-roots.pem");
        Files.writeString(roots, root.certificatePem());

        System.out.printf("signing %d distinct leaf certificates (c<N>.bench.example, RSA-2048 intermediate, "
                + "chain = intermediate + root)%n", count + warmup);
        ObjectMapper json = new ObjectMapper();
        byte[][] bodies = IntStream.range(0, count + warmup).parallel().mapToObj(i -> {
            String name = (i < warmup ? "w" + i : "c" + (i - warmup)) + ".bench.example";
            TestPki.Issued leaf = TestPki.cert().dns(name).key(keys[i % keyPool]).issuedBy(intermediate)
                    .expiresIn(Duration.ofDays(90)).build();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("certificate", leaf.certificatePem());
            body.put("privateKey", keyPems[i % keyPool]);
            body.put("certificateChain", chainPem);
            try {
                return json.writeValueAsBytes(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).toArray(byte[][]::new);
        long bodyBytes = Arrays.stream(bodies).mapToLong(b -> b.length).sum();
        System.out.printf("material ready in %.1f s (%d request bodies, %.1f MB, %d B each on average)%n",
                (System.nanoTime() - t0) / 1e9, bodies.length, bodyBytes / 1e6, bodyBytes / bodies.length);

        // ---- the server, a separate process ---------------------------------------------------
        Path dataDir = work.resolve("data");
        deleteTree(dataDir);
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx" + serverHeap,
                "-Xlog:gc:file=" + work.resolve("server-gc.log") + ":uptime"));
        if (!serverJavaOpts.isBlank()) {
            command.addAll(Arrays.asList(serverJavaOpts.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString(), "serve"));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("server.log").toFile());
        Map<String, String> env = pb.environment();
        env.put("EDGECERT_DATA_DIR", dataDir.toString());
        env.put("EDGECERT_API_PORT", String.valueOf(port));
        env.put("EDGECERT_EDGE_HTTPS_PORT", String.valueOf(freePort()));
        env.put("EDGECERT_EDGE_HTTP_PORT", String.valueOf(freePort()));
        env.put("EDGECERT_ADMIN_TOKEN", TOKEN);
        byte[] masterKey = new byte[32];
        new SecureRandom().nextBytes(masterKey);
        env.put("EDGECERT_MASTER_KEY", Base64.getEncoder().encodeToString(masterKey));
        env.put("EDGECERT_TRUST_STORE", roots.toString());
        env.remove("EDGECERT_DB_URL");
        if (opt.containsKey("db-url")) {
            // For experiments, e.g. H2 with other settings: "{data}" is replaced by the fresh data dir.
            env.put("EDGECERT_DB_URL", opt.get("db-url").replace("{data}", dataDir.toString()));
            env.put("EDGECERT_DB_USER", opt.getOrDefault("db-user", "sa"));
            env.put("EDGECERT_DB_PASSWORD", opt.getOrDefault("db-password", ""));
        }
        System.out.println("starting: " + String.join(" ", command) + "  (port " + port + ", data " + dataDir + ")");
        Process server = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (server.isAlive()) {
                server.destroyForcibly();
            }
        }));
        URI base = URI.create("http://127.0.0.1:" + port);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        long startWait = System.nanoTime();
        waitHealthy(http, base, server, work.resolve("server.log"));
        System.out.printf("server pid %d healthy after %.1f s%n", server.pid(), (System.nanoTime() - startWait) / 1e9);

        // ---- sampler: heap from /metrics and RSS from /proc every 200 ms ------------------------
        Sampler sampler = new Sampler(http, base, server.pid(), metricsIntervalMs);
        Jstat jstat = Jstat.start(server.pid());
        Thread samplerThread = new Thread(sampler, "sampler");
        samplerThread.setDaemon(true);
        samplerThread.start();

        Run warmupRun = null;
        if (warmup > 0) {
            Run w = load(client, http, base, bodies, 0, warmup, threads);
            warmupRun = w;
            System.out.printf("warm-up: %d imports in %.1f s = %.0f/s on the fresh server, %d errors (not counted below)%n",
                    warmup, w.seconds(), warmup / w.seconds(), w.errors());
        }

        // ---- the timed run ------------------------------------------------------------------
        System.out.printf("importing %d certificates with %d client threads...%n", count, threads);
        if (opt.containsKey("jfr")) { // profile the timed run only (after any warm-up)
            System.out.print(jcmd(server.pid(), "JFR.start name=bench settings=profile"));
        }
        String loadBefore = loadAverage();
        long[] statBefore = machineCpu();
        Map<String, long[]> cpuBefore = threadCpu(server.pid());
        long processCpuBefore = processCpuTicks(server.pid());
        long clientCpuBefore = clientCpuNanos();
        Run run = load(client, http, base, bodies, warmup, count, threads);
        Map<String, long[]> cpuAfter = new LinkedHashMap<>(sampler.threadTicks); // threads that ended meanwhile
        cpuAfter.putAll(threadCpu(server.pid()));
        double processCpu = (processCpuTicks(server.pid()) - processCpuBefore) / 100.0;
        long clientCpu = clientCpuNanos() - clientCpuBefore;
        String loadAfter = loadAverage();
        if (opt.containsKey("jfr")) {
            System.out.print(jcmd(server.pid(), "JFR.stop name=bench filename=" + Path.of(opt.get("jfr")).toAbsolutePath()));
        }
        long[] statAfter = machineCpu();
        Thread.sleep(400); // one or two samples after the last request
        sampler.stop();
        samplerThread.join(2000);
        jstat.stop();

        long stored = countListed(http, base);
        String heapInfo = jcmd(server.pid(), "GC.heap_info");
        String histogram = jcmd(server.pid(), "GC.class_histogram"); // full GC: the live set after the run
        long[] rss = procStatus(server.pid());
        GcPeak gc;

        System.out.println("stopping server");
        server.destroy();
        if (!server.waitFor(20, TimeUnit.SECONDS)) {
            server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        gc = gcPeak(work.resolve("server-gc.log"));

        // ---- summary ------------------------------------------------------------------------
        long[] lat = run.latenciesNanos();
        Arrays.sort(lat);
        double seconds = run.seconds();
        int n = lat.length;
        System.out.println();
        System.out.println("==================== edgecert bench/import summary ====================");
        System.out.printf("machine             : %d cores, %s %s; server -Xmx%s %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), serverHeap, serverJavaOpts);
        System.out.printf("material            : %d distinct RSA-2048 leaves (%d-key pool), chain intermediate+root (RSA-2048), trusted root%n",
                count, keyPool);
        System.out.printf("database            : %s%n", opt.containsKey("db-url") ? env.get("EDGECERT_DB_URL")
                : "embedded H2 (edgecert default URL) in " + dataDir);
        System.out.printf("client              : %s HTTP/1.1 keep-alive, %d threads, warm-up %d%n",
                client == ClientKind.JDK ? "JDK HttpClient" : "KeepAliveClient (a socket per thread)", threads, warmup);
        System.out.printf("imports             : %d requests, %d x 201, errors %d, 201 but not trusted %d%n",
                n, n - run.errors(), run.errors(), run.untrusted());
        System.out.printf("stored (listed)     : %d certificates (GET /api/v1/certificates, all pages)%n", stored);
        System.out.printf("wall time           : %.2f s%n", seconds);
        System.out.printf("throughput          : %.0f certificates/s   (target >= 1000)  %s%n", n / seconds,
                n / seconds >= 1000 ? "MET" : "NOT MET");
        System.out.printf("throughput 2nd half : %.0f certificates/s%n", run.secondHalfRate());
        if (warmupRun != null) {
            System.out.printf("cold (the warm-up)  : %.0f certificates/s, the first %d imports of a fresh server (JIT compiling)%n",
                    warmup / warmupRun.seconds(), warmup);
        }
        System.out.printf("latency             : p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                pct(lat, 50), pct(lat, 90), pct(lat, 99), lat[n - 1] / 1e6);
        long peakHeap = Math.max(sampler.maxHeapUsed.get(), jstat.maxUsedBytes.get());
        System.out.printf("peak heap           : %.1f MiB used (target < 512 MB)  %s%n", peakHeap / 1048576.0,
                peakHeap < 512L * 1024 * 1024 ? "MET" : "NOT MET");
        System.out.printf("  jstat -gc         : %.1f MiB max of %d samples every 200 ms (S0U+S1U+EU+OU)%n",
                jstat.maxUsedBytes.get() / 1048576.0, jstat.samples.get());
        System.out.printf("  GET /metrics      : %.1f MiB max of %d samples every %d ms (sum of jvm_memory_used_bytes{area=\"heap\"});"
                        + " scrape took %.1f ms on average, %.1f ms max%n",
                sampler.maxHeapUsed.get() / 1048576.0, sampler.samples.get(), metricsIntervalMs,
                sampler.scrapeNanosTotal.get() / 1e6 / Math.max(1, sampler.samples.get()), sampler.scrapeNanosMax.get() / 1e6);
        if (gc.collections() > 0) {
            System.out.printf("  GC log            : %d MiB used before a collection (max), %d MiB committed max, %d GCs%n",
                    gc.maxBeforeMb(), gc.maxCommittedMb(), gc.collections());
        }
        System.out.printf("server RSS          : %.1f MiB peak while sampling, VmHWM %.1f MiB, at end %.1f MiB%n",
                sampler.maxRssKb.get() / 1024.0, rss[1] / 1024.0, rss[0] / 1024.0);
        Map<String, Double> cpu = cpuByGroup(cpuBefore, cpuAfter);
        if (processCpu > 0) {
            StringBuilder groups = new StringBuilder();
            cpu.forEach((g, v) -> groups.append(groups.length() == 0 ? "" : ", ").append(String.format("%s %.1f s", g, v)));
            System.out.printf("server CPU          : %.1f s = %.2f ms per import; by thread: %s%n", processCpu,
                    processCpu * 1000 / n, groups);
        }
        System.out.printf("client CPU          : %.1f s (same machine)%n", clientCpu / 1e9);
        long total = statAfter[0] - statBefore[0];
        if (total > 0) {
            System.out.printf("machine CPU         : %.0f%% busy, %.1f%% steal during the run; load average before %s, after %s%n",
                    100.0 * (total - (statAfter[1] - statBefore[1])) / total, 100.0 * (statAfter[2] - statBefore[2]) / total,
                    loadBefore, loadAfter);
        }
        System.out.println("timeline (imports/s): " + run.timeline());
        System.out.println("=========================================================================");
        if (!run.firstErrors().isEmpty()) {
            System.out.println("first errors:");
            run.firstErrors().forEach(e -> System.out.println("  " + e));
        }
        System.out.println("server log: " + work.resolve("server.log") + ", GC log: " + work.resolve("server-gc.log"));
        System.out.println("jcmd GC.heap_info at the end of the run:");
        System.out.println(heapInfo.strip().indent(2));
        System.out.println("live set after the run (jcmd GC.class_histogram, top 12):");
        histogram.lines().skip(1).limit(15).forEach(l -> System.out.println("  " + l));
        histogram.lines().filter(l -> l.startsWith("Total")).forEach(l -> System.out.println("  " + l));
        System.exit(run.errors() == 0 && stored == count + warmup ? 0 : 1);
    }

    // ---- load ---------------------------------------------------------------------------------

    record Run(long[] latenciesNanos, long[] finishedAtNanos, long startNanos, double seconds, int errors,
               int untrusted, List<String> firstErrors) {
        /** Rate over the second half of the requests (by completion order). */
        double secondHalfRate() {
            long[] done = finishedAtNanos.clone();
            Arrays.sort(done);
            int half = done.length / 2;
            return (done.length - half) / ((done[done.length - 1] - done[half - 1]) / 1e9);
        }

        /** Completions per second of the run. */
        String timeline() {
            int secs = (int) Math.ceil(seconds);
            int[] per = new int[Math.max(1, secs)];
            for (long f : finishedAtNanos) {
                per[Math.min(per.length - 1, (int) ((f - startNanos) / 1_000_000_000L))]++;
            }
            StringBuilder sb = new StringBuilder();
            for (int v : per) {
                sb.append(sb.length() == 0 ? "" : " ").append(v);
            }
            return sb.toString();
        }
    }

    /** Which client the load generator uses; each thread posts through its own instance. */
    enum ClientKind {
        /** {@link KeepAliveClient}: a socket per thread, the cheapest client, so the server is what is measured. */
        KEEPALIVE,
        /** The JDK HttpClient, shared by the threads: heavier (~0.9 ms CPU per request here). */
        JDK
    }

    private interface Poster extends AutoCloseable {
        KeepAliveClient.Response post(byte[] body) throws IOException, InterruptedException;

        @Override
        void close();
    }

    private static Poster poster(ClientKind kind, HttpClient http, URI uri) {
        if (kind == ClientKind.KEEPALIVE) {
            KeepAliveClient c = new KeepAliveClient(uri, "POST", TOKEN);
            return new Poster() {
                @Override
                public KeepAliveClient.Response post(byte[] body) throws IOException {
                    return c.send(body);
                }

                @Override
                public void close() {
                    c.close();
                }
            };
        }
        return new Poster() {
            @Override
            public KeepAliveClient.Response post(byte[] body) throws IOException, InterruptedException {
                HttpRequest req = HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build();
                HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                return new KeepAliveClient.Response(r.statusCode(), r.body());
            }

            @Override
            public void close() {
            }
        };
    }

    private static Run load(ClientKind kind, HttpClient http, URI base, byte[][] bodies, int from, int count, int threads)
            throws InterruptedException {
        URI uri = base.resolve("/api/v1/certificates");
        AtomicInteger next = new AtomicInteger();
        long[] lat = new long[count];
        long[] finished = new long[count];
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger untrusted = new AtomicInteger();
        ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try (Poster client = poster(kind, http, uri)) {
                    for (int i; (i = next.getAndIncrement()) < count; ) {
                        long s = System.nanoTime();
                        String problem = null;
                        try {
                            KeepAliveClient.Response r = client.post(bodies[from + i]);
                            if (r.status() != 201) {
                                problem = "#" + i + " HTTP " + r.status() + ": " + abbreviate(r.body());
                            } else if (!r.body().contains("\"trusted\":true")) {
                                untrusted.incrementAndGet(); // imported, but the chain was not validated to the root
                            }
                        } catch (IOException e) {
                            problem = "#" + i + " " + e;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        long e = System.nanoTime();
                        lat[i] = e - s;
                        finished[i] = e;
                        if (problem != null) {
                            errors.incrementAndGet();
                            if (firstErrors.size() < 5) {
                                firstErrors.add(problem);
                            }
                        }
                    }
                }
            }, "client-" + t);
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Run(lat, finished, start, seconds, errors.get(), untrusted.get(), List.copyOf(firstErrors));
    }

    private static String abbreviate(String s) {
        s = s.replaceAll("\\s+", " ");
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    private static double pct(long[] sorted, double p) {
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
    }

    // ---- measurements of the server -------------------------------------------------------

    static final class Sampler implements Runnable {
        private final HttpClient http;
        private final URI base;
        private final long pid;
        private volatile boolean running = true;
        final AtomicLong maxHeapUsed = new AtomicLong();
        final AtomicLong maxRssKb = new AtomicLong();
        final AtomicInteger samples = new AtomicInteger();
        final AtomicLong scrapeNanosMax = new AtomicLong();
        final AtomicLong scrapeNanosTotal = new AtomicLong();
        /** Last CPU ticks seen per thread, so that threads ending during the run still count. */
        final Map<String, long[]> threadTicks = new java.util.concurrent.ConcurrentHashMap<>();

        private final int metricsIntervalMs;

        Sampler(HttpClient http, URI base, long pid, int metricsIntervalMs) {
            this.http = http;
            this.base = base;
            this.pid = pid;
            this.metricsIntervalMs = metricsIntervalMs;
        }

        void stop() {
            running = false;
        }

        @Override
        public void run() {
            long nextScrape = 0;
            while (running) {
                long next = System.nanoTime() + 200_000_000L;
                try {
                    if (System.nanoTime() >= nextScrape) {
                        nextScrape = System.nanoTime() + metricsIntervalMs * 1_000_000L;
                        long s0 = System.nanoTime();
                        String body = get(http, base.resolve("/metrics"), false).body();
                        long took = System.nanoTime() - s0;
                        scrapeNanosMax.accumulateAndGet(took, Math::max);
                        scrapeNanosTotal.addAndGet(took);
                        long heap = heapUsed(body);
                        if (heap > 0) {
                            maxHeapUsed.accumulateAndGet(heap, Math::max);
                            samples.incrementAndGet();
                        }
                    }
                    maxRssKb.accumulateAndGet(procStatus(pid)[0], Math::max);
                    threadTicks.putAll(threadCpu(pid));
                } catch (IOException e) {
                    // a missed sample; the next one counts
                } catch (InterruptedException e) {
                    return;
                }
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(sleep);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /** {@code jstat -gc <pid> 200}: heap used from the perf-data file, without asking the server anything. */
    static final class Jstat {
        private final Process process;
        final AtomicLong maxUsedBytes = new AtomicLong();
        final AtomicInteger samples = new AtomicInteger();

        private Jstat(Process process) {
            this.process = process;
        }

        static Jstat start(long pid) throws IOException {
            Path bin = Path.of(System.getProperty("java.home"), "bin", "jstat");
            Process p = new ProcessBuilder(Files.isExecutable(bin) ? bin.toString() : "jstat", "-gc", String.valueOf(pid), "200")
                    .redirectErrorStream(true).start();
            Jstat j = new Jstat(p);
            Thread reader = new Thread(() -> {
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
                    List<String> header = null;
                    for (String line; (line = lines.readLine()) != null; ) {
                        List<String> cols = Arrays.asList(line.trim().split("\\s+"));
                        if (cols.contains("EU")) {
                            header = cols;
                            continue;
                        }
                        if (header == null || cols.size() != header.size()) {
                            continue;
                        }
                        double kb = 0;
                        for (String c : List.of("S0U", "S1U", "EU", "OU")) {
                            kb += Double.parseDouble(cols.get(header.indexOf(c)));
                        }
                        j.maxUsedBytes.accumulateAndGet((long) (kb * 1024), Math::max);
                        j.samples.incrementAndGet();
                    }
                } catch (IOException | RuntimeException e) {
                    // jstat gone: the samples so far stand
                }
            }, "jstat-reader");
            reader.setDaemon(true);
            reader.start();
            return j;
        }

        void stop() {
            process.destroy();
        }
    }

    /** Sum of jvm_memory_used_bytes over the heap pools. */
    static long heapUsed(String prometheus) {
        Matcher m = HEAP_USED.matcher(prometheus);
        double sum = 0;
        while (m.find()) {
            if (m.group(1).contains("area=\"heap\"")) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return (long) sum;
    }

    /** VmRSS and VmHWM in kB from /proc (zeros where there is no /proc). */
    static long[] procStatus(long pid) {
        long[] out = new long[2];
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    out[0] = Long.parseLong(line.replaceAll("\\D", ""));
                } else if (line.startsWith("VmHWM:")) {
                    out[1] = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or the process is gone
        }
        return out;
    }

    record GcPeak(long maxBeforeMb, long maxCommittedMb, int collections) {
    }

    /** From -Xlog:gc lines "Pause Young ... 120M->30M(256M)": the heap used just before each collection. */
    static GcPeak gcPeak(Path log) {
        long before = 0;
        long committed = 0;
        int n = 0;
        try {
            for (String line : Files.readAllLines(log)) {
                Matcher m = GC_LINE.matcher(line);
                if (m.find()) {
                    before = Math.max(before, Long.parseLong(m.group(1)));
                    committed = Math.max(committed, Long.parseLong(m.group(3)));
                    n++;
                }
            }
        } catch (IOException e) {
            return new GcPeak(0, 0, 0);
        }
        return new GcPeak(before, committed, n);
    }

    /** Per thread of a process: comm and utime+stime in clock ticks (1/100 s), from /proc. */
    static Map<String, long[]> threadCpu(long pid) {
        Map<String, long[]> out = new LinkedHashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.put(t.getFileName() + " " + comm, new long[]{Long.parseLong(f[11]) + Long.parseLong(f[12])});
                } catch (IOException | RuntimeException e) {
                    // thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return out;
    }

    /** CPU seconds between two snapshots, grouped: JIT compiler, GC, and the rest (request threads, H2, ...). */
    static Map<String, Double> cpuByGroup(Map<String, long[]> before, Map<String, long[]> after) {
        Map<String, Double> out = new LinkedHashMap<>();
        after.forEach((key, v) -> {
            long ticks = v[0] - before.getOrDefault(key, new long[]{0})[0];
            String comm = key.substring(key.indexOf(' ') + 1);
            String group = comm.contains("Compiler") ? "JIT" : comm.startsWith("GC ") || comm.startsWith("G1 ") ? "GC"
                    : "other (requests, H2, ...)";
            out.merge(group, ticks / 100.0, Double::sum);
        });
        return out;
    }

    /** utime+stime of a whole process in clock ticks, ended threads included. */
    static long processCpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static long clientCpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    /** From the first line of /proc/stat: total, idle+iowait, steal ticks. */
    static long[] machineCpu() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[]{total, Long.parseLong(f[4]) + Long.parseLong(f[5]), f.length > 8 ? Long.parseLong(f[8]) : 0};
        } catch (IOException | RuntimeException e) {
            return new long[3];
        }
    }

    /** Every certificate the API lists, page by page (the metrics gauge may be up to 10 s old). */
    static long countListed(HttpClient http, URI base) throws IOException, InterruptedException {
        ObjectMapper json = new ObjectMapper();
        long n = 0;
        String cursor = null;
        do {
            String q = "/api/v1/certificates?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor);
            var page = json.readTree(get(http, base.resolve(q), true).body());
            n += page.get("items").size();
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        return n;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static String jcmd(long pid, String what) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            List<String> command = new ArrayList<>(List.of(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd",
                    String.valueOf(pid)));
            command.addAll(Arrays.asList(what.split(" ")));
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(20, TimeUnit.SECONDS);
            return out;
        } catch (IOException | InterruptedException e) {
            return "(jcmd not available: " + e.getMessage() + ")";
        }
    }

    // ---- plumbing -----------------------------------------------------------------------------

    static HttpResponse<String> get(HttpClient http, URI uri, boolean auth) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (auth) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void waitHealthy(HttpClient http, URI base, Process server, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("server exited with " + server.exitValue() + "; see " + log + ":\n"
                        + Files.readString(log));
            }
            try {
                if (get(http, base.resolve("/healthz"), false).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        server.destroyForcibly();
        throw new IllegalStateException("server not healthy after 90 s; see " + log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --name value ...; got " + String.join(" ", args));
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }
}
