package io.edgecert.jobs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The apex note follows the Public Suffix List, not the number of dots. */
class DnsRecordTest {
    static boolean noted(String alias) {
        DnsRecord r = DnsRecord.forAlias(alias, "d1.edge.test");
        assertThat(r.type()).isEqualTo("CNAME");
        assertThat(r.value()).isEqualTo("d1.edge.test");
        return r.note().isPresent();
    }

    @Test
    void registrableDomainsGetTheApexNoteWhateverTheirSuffix() {
        assertThat(noted("example.com")).isTrue();
        assertThat(noted("example.co.uk")).isTrue();
        assertThat(DnsRecord.forAlias("example.co.uk", "d1.edge.test").note())
                .hasValueSatisfying(n -> assertThat(n).contains("apex", "ALIAS/ANAME"));
    }

    @Test
    void namesBelowAnApexAndWildcardsGetNoNote() {
        assertThat(noted("shop.example.co.uk")).isFalse();
        assertThat(noted("www.example.com")).isFalse();
        assertThat(noted("*.example.co.uk")).isFalse();
        // a public suffix is not anyone's apex (and no certificate may name it)
        assertThat(noted("co.uk")).isFalse();
    }
}
