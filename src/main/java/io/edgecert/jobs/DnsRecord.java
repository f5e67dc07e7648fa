package io.edgecert.jobs;

import io.edgecert.certificates.x509.PublicSuffixes;

import java.util.Optional;

/** A record the domain owner must add so the alias reaches the edge. */
public record DnsRecord(String name, String type, String value, Optional<String> note) {
    /**
     * CNAME alias → distribution domain. A registrable domain's apex ({@code example.co.uk} as much
     * as {@code example.com}; the Public Suffix List decides) cannot hold a CNAME, so it gets a note.
     */
    public static DnsRecord forAlias(String alias, String distributionDomainName) {
        boolean apex = !alias.startsWith("*.") && PublicSuffixes.isRegistrableDomain(alias);
        return new DnsRecord(alias, "CNAME", distributionDomainName, apex
                ? Optional.of("apex name: DNS forbids a CNAME here; use your provider's ALIAS/ANAME or CNAME flattening")
                : Optional.empty());
    }
}
