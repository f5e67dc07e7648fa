package io.edgecert.events;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Event payloads shaped as the jobs part writes them (JobRunner.report: Job.Item as JSON). */
final class Payloads {
    private Payloads() {
    }

    static Map<String, Object> item(int index, String name, String distributionId, String edgeDomain, String... aliases) {
        String domainName = distributionId + "." + edgeDomain;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", index);
        m.put("name", name);
        m.put("status", "SUCCEEDED");
        m.put("keySummary", "RSA 2048");
        m.put("certificateId", "cert-" + index);
        m.put("distributionId", distributionId);
        m.put("distributionDomainName", domainName);
        m.put("aliases", List.of(aliases));
        m.put("dnsRecords", java.util.Arrays.stream(aliases).map(a -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", a);
            r.put("type", "CNAME");
            r.put("value", domainName);
            if (!a.startsWith("*.") && a.chars().filter(ch -> ch == '.').count() == 1) {
                r.put("note", "apex name: DNS forbids a CNAME here; use your provider's ALIAS/ANAME or CNAME flattening");
            }
            return r;
        }).toList());
        return m;
    }

    static Map<String, Object> jobSucceeded(String jobId, List<Map<String, Object>> items) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jobId", jobId);
        m.put("status", "SUCCEEDED");
        m.put("succeeded", items.size());
        m.put("failed", 0);
        m.put("items", items);
        return m;
    }

    static Map<String, Object> jobFailed(String jobId, String error, int failedIndex, String failedName, String code,
                                         String message) {
        Map<String, Object> failed = new LinkedHashMap<>();
        failed.put("index", failedIndex);
        failed.put("name", failedName);
        failed.put("status", "FAILED");
        failed.put("error", Map.of("step", "IMPORT_CERTIFICATES", "code", code, "message", message));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jobId", jobId);
        m.put("status", "FAILED");
        m.put("error", error);
        m.put("succeeded", 0);
        m.put("failed", 1);
        m.put("items", List.of(failed));
        m.put("failedItems", List.of(failed));
        return m;
    }
}
