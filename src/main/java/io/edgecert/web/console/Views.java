package io.edgecert.web.console;

import java.util.List;
import java.util.Map;

/**
 * What the templates (src/main/jte) receive: plain records of display-ready values. Public because
 * the precompiled templates live in another package. None of them has a field for key material.
 */
public final class Views {
    private Views() {
    }

    /** The frame of every page: title, navigation, who is signed in, the CSRF token, a flash message. */
    public record Frame(String title, String section, String user, String csrf, String flash, String htmx,
                        String css, String js) {
        public boolean signedIn() {
            return user != null;
        }

        /** hx-headers value: every htmx request carries the CSRF token. */
        public String htmxHeaders() {
            return csrf == null ? "{}" : "{\"X-CSRF-Token\": \"" + csrf + "\"}";
        }
    }

    /** Field errors of a form: field name -> messages, plus the ones that concern no single field. */
    public record Errors(Map<String, List<String>> fields, List<String> general) {
        public static Errors none() {
            return new Errors(Map.of(), List.of());
        }

        public boolean any() {
            return !fields.isEmpty() || !general.isEmpty();
        }

        public List<String> of(String field) {
            return fields.getOrDefault(field, List.of());
        }

        public boolean has(String field) {
            return fields.containsKey(field);
        }

        public int count() {
            return general.size() + fields.values().stream().mapToInt(List::size).sum();
        }
    }

    public record Option(String value, String label, boolean selected) {
    }

    public record Badge(String label, String css) {
    }

    public record Stat(String label, String value, String href) {
    }

    public record CertificateRow(String id, String name, String domainName, String names, String keyType,
                                 String notAfter, Badge expiry, String status, int distributions, String tags) {
    }

    /** One bar of the dashboard's expiry timeline, with its SVG geometry (x, y, width, height). */
    public record ExpiryBar(String label, String range, long count, String href, String title, String css, int x, int y,
                            int width, int height) {
        /** Room above the bars for the counts. */
        public static final int TOP = 18;

        public int centre() {
            return x + width / 2;
        }
    }

    /** A distribution's traffic on this node: totals of the last hour and day, and where the charts' data is. */
    public record TrafficSummary(String dataHref, long hourRequests, String hourBytes, String hourHitRatio,
                                 long dayRequests, String dayBytes, String dayHitRatio) {
    }

    /** A policy a behavior names: its name (or why there is none) and a line on what it does. */
    public record PolicyRef(String id, String name, String detail, boolean managed) {
    }

    /** One cache behavior as the distribution page lists it; absent fields show what applies. */
    public record BehaviorRow(String pathPattern, String targetOrigin, String viewerProtocolPolicy, String allowedMethods,
                              String cachedMethods, boolean compress, PolicyRef cachePolicy,
                              PolicyRef originRequestPolicy, PolicyRef responseHeadersPolicy) {
    }

    public record InvalidationRow(String id, String status, Badge badge, String created, String completed, String paths,
                                  int pathCount, String waitingFor) {
    }

    public record KeyValue(String key, String value) {
    }

    public record HistoryRow(String version, String serial, String fingerprint, String names, String notAfter,
                             String replacedAt) {
    }

    public record DistributionRow(String id, String domainName, String status, Badge statusBadge, String aliases,
                                  String certificateId, String origin, int version, boolean enabled, String comment) {
    }

    public record VersionRow(int version, String createdAt, String aliases, String certificateId, String origins,
                             String minimumProtocolVersion, boolean enabled, String comment) {
    }

    public record JobRow(String id, String status, Badge badge, String createdAt, String finishedAt, int items,
                         String progress) {
    }

    public record StepView(String name, String label, String status, Badge badge, int total, int succeeded, int failed) {
    }

    public record DnsView(String name, String type, String value, String note, String line) {
    }

    public record ItemRow(int index, String name, String status, Badge badge, String keySummary, String certificateId,
                          String distributionId, String domainName, String aliases, List<DnsView> dns, String error) {
    }

    public record TagRow(String key, String value) {
    }

    /** The inputs of the import forms (never the private key: it is not sent back to the browser). */
    public record ImportForm(String name, String certificate, String certificateChain, List<TagRow> tags,
                             boolean createDistributions, String templateId, String templateVersion, String origin,
                             boolean rollback) {
        public static ImportForm empty() {
            return new ImportForm("", "", "", List.of(new TagRow("", "")), false, "", "", "", false);
        }

        /** The form as it may be rendered again: a box holding a private key comes back empty. */
        public ImportForm echoable() {
            return new ImportForm(name, KeyGuard.echo(certificate), KeyGuard.echo(certificateChain), tags,
                    createDistributions, templateId, templateVersion, origin, rollback);
        }
    }

    public record ReviewItem(int index, String name, String domainName, String names, String keyLine, String notAfter,
                             String issuer, int chainLength, List<String> warnings, String source) {
    }

    public record PairRow(String name, String certificateFile, String keyFile, String chainFile, String domainName,
                          String keySummary, List<String> errors) {
    }

    /** The distribution form's values as typed (text areas one entry per line). */
    public record DistributionForm(String id, int version, String aliases, String origins, String defaultOriginId,
                                   String certificateId, String minimumProtocolVersion, String enabled, String comment,
                                   String tags, String copyFromId, String copyFromVersion) {
    }

    public record SubscriptionRow(String id, String name, String protocol, String endpoint, String eventTypes,
                                  String createdAt, String lastDelivery) {
    }
}
