package io.edgecert.certificates.x509;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The JDK's copy of the Public Suffix List, read through the rules' three kinds: plain, wildcard, exception. */
class PublicSuffixesTest {
    @BeforeAll
    static void theJdkShipsTheList() {
        assumeTrue(PublicSuffixes.available(),
                "no $JAVA_HOME/lib/security/public_suffix_list.dat in this JDK: only the default rule is known");
    }

    @ParameterizedTest(name = "{0}: public suffix {1}, registrable {2}")
    @CsvSource({
            // the default rule "*": every single label
            "com,                    true,  false",
            "nosuchtld,              true,  false",
            "example.com,            false, true",
            "shop.example.com,       false, false",
            // plain rules, ICANN section
            "co.uk,                  true,  false",
            "example.co.uk,          false, true",
            "shop.example.co.uk,     false, false",
            // plain rules, private section
            "s3.amazonaws.com,       true,  false",
            "bucket.s3.amazonaws.com,false, true",
            "github.io,              true,  false",
            "someone.github.io,      false, true",
            // wildcard *.ck with the exception !www.ck
            "anything.ck,            true,  false",
            "shop.anything.ck,       false, true",
            "www.ck,                 false, true",
            "a.www.ck,               false, false",
            // a wildcard under a second level: *.kawasaki.jp with !city.kawasaki.jp
            "kawasaki.jp,            false, true",
            "foo.kawasaki.jp,        true,  false",
            "bar.foo.kawasaki.jp,    false, true",
            "city.kawasaki.jp,       false, true",
            // a TLD that is not in the list: only the default rule
            "example.nosuchtld,      false, true",
            // IDN: the list holds U-labels, names arrive as A-labels (пр.срб)
            "xn--o1ac.xn--90a3ac,    true,  false",
            "shop.xn--o1ac.xn--90a3ac,false, true",
    })
    void suffixesAndRegistrableDomains(String domain, boolean publicSuffix, boolean registrable) {
        assertThat(PublicSuffixes.isPublicSuffix(domain)).as("public suffix").isEqualTo(publicSuffix);
        assertThat(PublicSuffixes.isRegistrableDomain(domain)).as("registrable").isEqualTo(registrable);
    }

    @Test
    void caseAndATrailingDotDoNotMatterAndEmptyIsASuffix() {
        assertThat(PublicSuffixes.isPublicSuffix("CO.UK.")).isTrue();
        assertThat(PublicSuffixes.isPublicSuffix("Example.Co.Uk")).isFalse();
        assertThat(PublicSuffixes.isRegistrableDomain("Example.CO.UK")).isTrue();
        assertThat(PublicSuffixes.isPublicSuffix("")).isTrue();
        assertThat(PublicSuffixes.isPublicSuffix(".")).isTrue();
        assertThat(PublicSuffixes.isRegistrableDomain(".com")).isFalse();
    }
}
