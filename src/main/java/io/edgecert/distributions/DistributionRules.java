package io.edgecert.distributions;

import io.edgecert.certificates.x509.HostnameMatcher;
import io.edgecert.certificates.ImportRules;
import io.edgecert.certificates.Tag;
import io.edgecert.serving.MinimumProtocol;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.Violation;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Import-rules part C that a config can be checked for on its own (C1 with the certificate's
 * names, C2, C4, C9) plus the origin and comment rules. Uniqueness (C3) and use (C6) need the
 * database and live in {@link DistributionService}.
 */
public final class DistributionRules {
    public static final int MAX_ALIASES = 100;
    public static final int MAX_ORIGINS = 25;
    public static final int MAX_COMMENT_LENGTH = 128;
    public static final int MAX_URL_LENGTH = 2048;

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern ORIGIN_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern IPV4 = Pattern.compile("[0-9.]+");

    private DistributionRules() {
    }

    /**
     * Every violation of the config on its own; empty when it is fine. {@code edgeDomain} is
     * EDGECERT_EDGE_DOMAIN, reserved for the distributions' own names.
     */
    public static List<Violation> check(DistributionConfig c, String edgeDomain) {
        return check(c, edgeDomain, CdnRules.PolicyLookup.MANAGED);
    }

    /** As above, with the CDN part's policy ids looked up in {@code policies}. */
    static List<Violation> check(DistributionConfig c, String edgeDomain, CdnRules.PolicyLookup policies) {
        List<Violation> out = new ArrayList<>();
        checkAliases(c.aliases(), edgeDomain, out);
        checkOrigins(c, out);
        CdnRules.check(c, policies, out);
        if (MinimumProtocol.fromApiName(c.minimumProtocolVersion()).isEmpty()) {
            out.add(new Violation("minimumProtocolVersion", ErrorCode.InvalidMinimumProtocolVersion,
                    "minimumProtocolVersion '" + c.minimumProtocolVersion() + "' is not offered; use one of "
                            + Arrays.stream(MinimumProtocol.values()).map(MinimumProtocol::apiName).collect(Collectors.joining(", "))));
        }
        if (c.comment().length() > MAX_COMMENT_LENGTH) {
            out.add(new Violation("comment", ErrorCode.InvalidRequest, "comment is at most " + MAX_COMMENT_LENGTH + " characters"));
        }
        for (int i = 0; i < c.tags().size(); i++) {
            if (c.tags().get(i) == null) {
                out.add(new Violation("tags[" + i + "]", ErrorCode.InvalidTag, "a tag cannot be null; give {key, value}"));
            }
        }
        out.addAll(ImportRules.checkTags(Tag.toMap(c.tags().stream().filter(Objects::nonNull).toList())));
        if (!c.aliases().isEmpty() && c.certificateId().isEmpty()) {
            out.add(new Violation("certificateId", ErrorCode.CertificateDoesNotCoverAlias,
                    "aliases need a certificate that covers them: give certificateId"));
        }
        return out;
    }

    /** Rule C1: the aliases the certificate's names leave uncovered (null ones are C2's business). */
    public static List<String> uncovered(Collection<String> aliases, Collection<String> certificateNames) {
        return aliases.stream().filter(Objects::nonNull)
                .filter(a -> !HostnameMatcher.certificateCovers(certificateNames, a)).toList();
    }

    /** Rules C2 and C4 on their own: what a job checks up front for the aliases it will give a distribution. */
    public static List<Violation> aliasProblems(List<String> aliases, String edgeDomain) {
        List<Violation> out = new ArrayList<>();
        checkAliases(aliases, edgeDomain, out);
        return out;
    }

    /** Rules C2 and C4, and the edge's own domain kept out of aliases. */
    static void checkAliases(List<String> aliases, String edgeDomain, List<Violation> out) {
        if (aliases.size() > MAX_ALIASES) {
            out.add(new Violation("aliases", ErrorCode.TooManyAliases, "a distribution has at most " + MAX_ALIASES
                    + " aliases; this one has " + aliases.size() + " — split them over several distributions"));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < aliases.size(); i++) {
            String a = aliases.get(i);
            String field = "aliases[" + i + "]";
            if (a == null) {
                out.add(new Violation(field, ErrorCode.InvalidAlias, "an alias cannot be null"));
                continue;
            }
            syntaxProblem(a).or(() -> reservedProblem(a, edgeDomain)).ifPresent(why -> out.add(
                    new Violation(field, ErrorCode.InvalidAlias, "alias '" + shorten(a) + "' " + why)));
            if (!seen.add(a)) {
                out.add(new Violation(field, ErrorCode.InvalidAlias, "alias '" + shorten(a) + "' is given twice"));
            }
        }
    }

    static Optional<String> syntaxProblem(String alias) {
        if (alias.isEmpty() || alias.length() > 253) {
            return Optional.of("must be 1-253 characters");
        }
        if (!alias.equals(alias.toLowerCase(Locale.ROOT))) {
            return Optional.of("must be lower case (use '" + shorten(alias.toLowerCase(Locale.ROOT)) + "')");
        }
        if (IPV4.matcher(alias).matches() || alias.contains(":") || alias.startsWith("[")) {
            return Optional.of("is an IP address; aliases are host names");
        }
        String[] labels = alias.split("\\.", -1);
        if (labels.length < 2) {
            return Optional.of("needs at least two labels (e.g. www.example.com)");
        }
        for (int i = 0; i < labels.length; i++) {
            String l = labels[i];
            if (l.equals("*") && i == 0) {
                if (labels.length < 3) {
                    return Optional.of("is a wildcard over a top-level domain; use *.example.com");
                }
                continue;
            }
            if (l.contains("*")) {
                return Optional.of("has a wildcard that is not the whole leftmost label; only *.example.com is allowed");
            }
            if (!LABEL.matcher(l).matches()) {
                return Optional.of(l.isEmpty() ? "has an empty label" : "has label '" + shorten(l)
                        + "' that is not letters, digits and inner hyphens (at most 63)");
            }
        }
        return Optional.empty();
    }

    /**
     * Aliases win over domain names at the edge, so an alias on or under the edge domain (or a
     * wildcard covering it) would take over distributions' own names.
     */
    static Optional<String> reservedProblem(String alias, String edgeDomain) {
        String edge = edgeDomain.toLowerCase(Locale.ROOT);
        String a = alias.toLowerCase(Locale.ROOT);
        int dot = edge.indexOf('.');
        boolean coversEdge = a.equals(edge) || a.endsWith("." + edge)
                || dot > 0 && a.equals("*." + edge.substring(dot + 1));
        return coversEdge ? Optional.of("is on or under " + edge + ", the edge's own domain (EDGECERT_EDGE_DOMAIN): "
                + "distributions are served there as <id>." + edge + ", so it cannot be an alias") : Optional.empty();
    }

    private static void checkOrigins(DistributionConfig c, List<Violation> out) {
        if (c.origins().isEmpty()) {
            out.add(new Violation("origins", ErrorCode.InvalidRequest, "a distribution needs at least one origin {id, url}"));
            return;
        }
        if (c.origins().size() > MAX_ORIGINS) {
            out.add(new Violation("origins", ErrorCode.InvalidRequest, "a distribution has at most " + MAX_ORIGINS + " origins"));
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < c.origins().size(); i++) {
            DistributionConfig.Origin o = c.origins().get(i);
            String field = "origins[" + i + "]";
            if (o == null || o.id() == null || !ORIGIN_ID.matcher(o.id()).matches()) {
                out.add(new Violation(field + ".id", ErrorCode.InvalidRequest,
                        "origin id must be 1-128 letters, digits, '.', '_' or '-'"));
            } else if (!ids.add(o.id())) {
                out.add(new Violation(field + ".id", ErrorCode.InvalidRequest, "origin id '" + o.id() + "' is given twice"));
            }
            if (o != null) {
                originUrlProblem(o.url()).ifPresent(why -> out.add(new Violation(field + ".url", ErrorCode.InvalidRequest,
                        "origin url " + why)));
            }
        }
        if (!ids.contains(c.defaultOriginId())) {
            out.add(new Violation("defaultOriginId", ErrorCode.InvalidRequest,
                    "defaultOriginId '" + shorten(String.valueOf(c.defaultOriginId())) + "' is not the id of one of the origins"));
        }
    }

    public static Optional<String> originUrlProblem(String url) {
        if (url == null || url.isBlank() || url.length() > MAX_URL_LENGTH) {
            return Optional.of("must be an http:// or https:// URL of at most " + MAX_URL_LENGTH + " characters");
        }
        try {
            URI u = new URI(url);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                return Optional.of("must start with http:// or https://");
            }
            if (u.getHost() == null || u.getHost().isEmpty()) {
                return Optional.of("has no host");
            }
            if (u.getRawUserInfo() != null || u.getRawFragment() != null || u.getRawQuery() != null) {
                return Optional.of("must not carry user info, a query or a fragment");
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URL");
        }
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
