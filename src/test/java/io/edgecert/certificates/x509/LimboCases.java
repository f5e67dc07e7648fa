package io.edgecert.certificates.x509;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The x509-limbo cases (C2SP format, {@code ../shared/testdata/x509-limbo/limbo.json}) and how
 * edgecert runs one: the leaf, the shuffled intermediates and the trusted certificates go to
 * {@link PathValidator} (the validator behind {@link ChainAnalyzer}'s trust analysis), the expected
 * peer name to {@link HostnameMatcher#serverIdentityProblem}. Features edgecert does not implement
 * are skipped with one of the {@link Skip} reasons.
 */
final class LimboCases {
    /** Where the suite is: {@code -Dedgecert.limbo=PATH}, else beside the clone in ../shared. */
    static final Path FILE = Path.of(System.getProperty("edgecert.limbo",
            Path.of("..", "shared", "testdata", "x509-limbo", "limbo.json").toString()));
    private static final String SERVER_AUTH = "serverAuth";

    /** Why a case is not applicable to edgecert; one reason per unsupported feature. */
    enum Skip {
        CLIENT_VALIDATION("CLIENT validation kind: edgecert validates TLS server certificates only "
                + "(client-certificate paths, rfc822 names and clientAuth are out of scope)"),
        CRLS("CRLs (has-crl): edgecert does not check revocation; an import has no CRL input and edgecert "
                + "has no say over the CA's CRL/OCSP reachability"),
        SIGNATURE_ALGORITHMS("signature_algorithms restrictions: edgecert has no per-validation algorithm allow-list"),
        OTHER_EKU("extended_key_usage other than serverAuth: edgecert's paths are for TLS servers"),
        PEDANTIC_CONFLICT("a pedantic-* expectation that another case of the suite contradicts; edgecert "
                + "sides with the non-pedantic case (a leaf without extendedKeyUsage is accepted, as browsers do; "
                + "a trust anchor is a trusted name and key, whoever else signed it and whatever its AKI)"),
        PROFILE_CONFLICT("an RFC 5280-only expectation that a webpki:: case contradicts: edgecert applies the Web PKI "
                + "profile browsers apply (a CA certificate is no server certificate; non-critical name "
                + "constraints are allowed)"),
        CN_MEMBERSHIP("CABF 7.1.4.3 'the CN is one of the SAN values': the suite's own generic leaves carry "
                + "CN=example.com beside other SANs and expect SUCCESS (e.g. webpki::san::leftmost-wildcard-san), so "
                + "no validator passes both; edgecert never matches on the CN and enforces only how a CN naming a "
                + "SAN entry is spelled"),
        ROOT_PROGRAM_CONFLICT("expects a trust anchor to be refused for a shape that roots browsers trust, shipped in "
                + "the JDK's own store, have; edgecert takes an anchor as a trusted name and key (RFC 5280 6.1.1) "
                + "and does not refuse those roots (CertificateProfile)");

        final String reason;

        Skip(String reason) {
            this.reason = reason;
        }
    }

    record Case(String id, JsonNode json) {
        String expected() {
            return json.path("expected_result").asText();
        }

        Set<String> features() {
            Set<String> out = new java.util.TreeSet<>();
            json.path("features").forEach(f -> out.add(f.asText()));
            return out;
        }
    }

    /** What edgecert said about a case: accepted or not, and the validator's words. */
    record Verdict(boolean success, String detail) {
        String result() {
            return success ? "SUCCESS" : "FAILURE";
        }
    }

    private LimboCases() {
    }

    /**
     * Contradictions the file does not declare in conflicts_with: case id, the case it contradicts
     * and the reason edgecert passes the other one.
     */
    static final Map<String, Map.Entry<String, Skip>> UNDECLARED_CONFLICTS = Map.of(
            "pathlen::validation-ignores-pathlen-in-leaf", Map.entry("webpki::ca-as-leaf", Skip.PROFILE_CONFLICT),
            "rfc5280::aki::cross-signed-root-missing-aki", Map.entry("cve::cve-2024-0567", Skip.PEDANTIC_CONFLICT),
            "webpki::cn::not-in-san", Map.entry("webpki::san::leftmost-wildcard-san", Skip.CN_MEMBERSHIP),
            "webpki::cn::punycode-not-in-san", Map.entry("webpki::san::leftmost-wildcard-san", Skip.CN_MEMBERSHIP),
            "rfc5280::root-non-critical-basic-constraints",
            Map.entry("JDK root \"ePKI Root Certification Authority\"", Skip.ROOT_PROGRAM_CONFLICT),
            "rfc5280::ski::root-missing-ski", Map.entry("JDK root \"TWCA Global Root CA\"", Skip.ROOT_PROGRAM_CONFLICT),
            "webpki::aki::root-with-aki-all-fields", Map.entry("JDK roots \"Go Daddy Class 2\", \"Starfield Class 2\", "
                    + "\"QuoVadis Root CA 2\", \"QuoVadis Root CA 3\", \"Certigna\"", Skip.ROOT_PROGRAM_CONFLICT));

    /** The case a skipped one contradicts, for the report. */
    static Optional<String> contradicts(Case c) {
        if (UNDECLARED_CONFLICTS.containsKey(c.id())) {
            return Optional.of(UNDECLARED_CONFLICTS.get(c.id()).getKey());
        }
        List<String> others = new ArrayList<>();
        c.json().path("conflicts_with").forEach(o -> others.add(o.asText()));
        return others.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", others));
    }

    /** The cases by id, in file order. */
    static Map<String, Case> load(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(Files.readAllBytes(file));
        Map<String, Case> cases = new LinkedHashMap<>();
        for (JsonNode t : root.path("testcases")) {
            cases.put(t.path("id").asText(), new Case(t.path("id").asText(), t));
        }
        return cases;
    }

    static boolean pedantic(Case c) {
        return c.features().stream().anyMatch(f -> f.startsWith("pedantic-"));
    }

    /** @param all every case of the file, to look at the other side of a conflict */
    static Optional<Skip> skip(Case c, Map<String, Case> all) {
        JsonNode t = c.json();
        if (!"SERVER".equals(t.path("validation_kind").asText())) {
            return Optional.of(Skip.CLIENT_VALIDATION);
        }
        if (t.path("crls").size() > 0 || c.features().contains("has-crl")) {
            return Optional.of(Skip.CRLS);
        }
        if (t.path("signature_algorithms").size() > 0) {
            return Optional.of(Skip.SIGNATURE_ALGORITHMS);
        }
        for (JsonNode eku : t.path("extended_key_usage")) {
            if (!SERVER_AUTH.equals(eku.asText())) {
                return Optional.of(Skip.OTHER_EKU);
            }
        }
        if (t.path("conflicts_with").size() > 0) {
            // Of two contradicting cases edgecert passes one: the Web PKI side, except where that
            // side is a pedantic issuance rule that browsers do not enforce.
            if (pedantic(c)) {
                return Optional.of(Skip.PEDANTIC_CONFLICT);
            }
            boolean otherIsPedantic = false;
            for (JsonNode other : t.path("conflicts_with")) {
                Case o = all.get(other.asText());
                otherIsPedantic |= o != null && pedantic(o);
            }
            if (c.id().startsWith("rfc5280::") && !otherIsPedantic) {
                return Optional.of(Skip.PROFILE_CONFLICT);
            }
        }
        if (UNDECLARED_CONFLICTS.containsKey(c.id())) {
            return Optional.of(UNDECLARED_CONFLICTS.get(c.id()).getValue());
        }
        return Optional.empty();
    }

    static Verdict evaluate(Case c) {
        JsonNode t = c.json();
        X509Certificate leaf;
        try {
            leaf = Pem.certificates("peer_certificate", t.path("peer_certificate").asText()).get(0);
        } catch (RuntimeException e) {
            return new Verdict(false, "the peer certificate does not parse: " + e.getMessage());
        }
        List<X509Certificate> anchors = parseAll("trusted_certs", t.path("trusted_certs"));
        List<X509Certificate> intermediates = parseAll("untrusted_intermediates", t.path("untrusted_intermediates"));
        Collections.shuffle(intermediates, new Random(c.id().hashCode()));
        Instant at = t.path("validation_time").isNull() || t.path("validation_time").isMissingNode() ? Instant.now()
                : OffsetDateTime.parse(t.path("validation_time").asText()).toInstant();

        PathValidator.Options options = PathValidator.Options.server();
        if (!t.path("max_chain_depth").isNull() && !t.path("max_chain_depth").isMissingNode()) {
            options = options.withMaxIntermediates(t.path("max_chain_depth").asInt());
        }
        Set<PathValidator.KeyUsageBit> ku = EnumSet.noneOf(PathValidator.KeyUsageBit.class);
        t.path("key_usage").forEach(k -> ku.add(PathValidator.KeyUsageBit.valueOf(k.asText())));
        options = options.withLeafKeyUsage(ku);

        PathValidator validator = new PathValidator(new TrustStore("limbo " + c.id(), anchors));
        PathValidator.Result result = validator.validate(leaf, intermediates, at, options);
        if (result instanceof PathValidator.Result.Invalid invalid) {
            return new Verdict(false, invalid.reason());
        }
        JsonNode peer = t.path("expected_peer_name");
        if (!peer.isNull() && !peer.isMissingNode()) {
            String kind = peer.path("kind").asText();
            String value = peer.path("value").asText();
            if ("IP".equals(kind) && HostnameMatcher.parseIp(value) == null) {
                return new Verdict(false, "expected peer IP " + value + " is not an IP address");
            }
            if ("DNS".equals(kind) && HostnameMatcher.parseIp(value) != null) {
                return new Verdict(false, "expected peer DNS name " + value + " is an IP address");
            }
            Optional<String> identity = HostnameMatcher.serverIdentityProblem(leaf, value);
            if (identity.isPresent()) {
                return new Verdict(false, identity.get());
            }
        }
        PathValidator.Result.Valid valid = (PathValidator.Result.Valid) result;
        return new Verdict(true, "path of " + valid.chain().size() + " certificate(s) to "
                + valid.anchor().getSubjectX500Principal().getName());
    }

    private static List<X509Certificate> parseAll(String field, JsonNode pems) {
        List<X509Certificate> out = new ArrayList<>();
        for (JsonNode pem : pems) {
            try {
                out.addAll(Pem.certificates(field, pem.asText()));
            } catch (RuntimeException e) {
                // a certificate the parser refuses can take part in no path
            }
        }
        return out;
    }

    /** Results of a run, for the report. */
    static final class Tally {
        final Map<String, Verdict> passed = new TreeMap<>();
        final Map<String, Verdict> failed = new TreeMap<>();
        final Map<Skip, List<String>> skipped = new LinkedHashMap<>();
        int total;

        synchronized void skip(Case c, Skip why) {
            skipped.computeIfAbsent(why, k -> new ArrayList<>())
                    .add(c.id() + contradicts(c).map(o -> " (contradicts " + o + ")").orElse(""));
        }

        synchronized void record(Case c, Verdict v) {
            (v.result().equals(c.expected()) ? passed : failed).put(c.id(), v);
        }

        synchronized String report() {
            int applicable = passed.size() + failed.size();
            int skippedCount = skipped.values().stream().mapToInt(List::size).sum();
            StringBuilder sb = new StringBuilder();
            sb.append("x509-limbo against edgecert (PathValidator + HostnameMatcher)\n");
            sb.append(String.format("cases %d, applicable %d, passed %d, failed %d, skipped %d%n",
                    total, applicable, passed.size(), failed.size(), skippedCount));
            if (applicable > 0) {
                sb.append(String.format("pass rate on applicable cases: %.1f%%%n", 100.0 * passed.size() / applicable));
            }
            sb.append("skipped by reason:\n");
            for (Skip s : Skip.values()) {
                List<String> ids = skipped.getOrDefault(s, List.of());
                if (!ids.isEmpty()) {
                    sb.append(String.format("  %3d  %s: %s%n", ids.size(), s.name(), s.reason));
                    sb.append("       ").append(String.join(", ", ids)).append('\n');
                }
            }
            if (!failed.isEmpty()) {
                sb.append("failed:\n");
                failed.forEach((id, v) -> sb.append("  ").append(id).append(": edgecert said ").append(v.result())
                        .append(" (").append(v.detail()).append(")\n"));
            }
            return sb.toString();
        }
    }

    /** Runs every case outside JUnit (quick iteration): prints the report and the slow cases. */
    public static void main(String[] args) throws IOException {
        Tally tally = new Tally();
        Map<String, Case> cases = load(args.length > 0 ? Path.of(args[0]) : FILE);
        tally.total = cases.size();
        Map<String, Long> slow = new TreeMap<>();
        for (Case c : cases.values()) {
            Optional<Skip> s = skip(c, cases);
            if (s.isPresent()) {
                tally.skip(c, s.get());
                continue;
            }
            long t0 = System.nanoTime();
            Verdict v = evaluate(c);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (ms > 200) {
                slow.put(c.id(), ms);
            }
            tally.record(c, v);
            if (args.length > 1) {
                System.out.println(c.id() + " expected " + c.expected() + " got " + v.result() + ": " + v.detail());
            }
        }
        System.out.println(tally.report());
        System.out.println("slow (ms): " + slow.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ")));
    }
}
