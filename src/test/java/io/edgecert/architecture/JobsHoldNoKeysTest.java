package io.edgecert.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import io.edgecert.certificates.ValidatedMaterial;
import io.edgecert.crypto.KeyCipher;
import org.junit.jupiter.api.Test;

import java.security.Key;
import java.security.KeyFactory;
import java.security.spec.KeySpec;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job item's private key never exists in clear inside {@code jobs}: the certificates part seals
 * it when the job is submitted ({@code CertificateService.checkAndSeal}) and opens it only to store
 * the certificate ({@code storeSealedOnce}). So no class of {@code jobs} may touch the cipher, a
 * key, a key spec or factory, or validated material (which carries the key).
 */
class JobsHoldNoKeysTest {
    @Test
    void jobsReferenceNoCipherAndNoKey() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.edgecert");
        assertThat(classes.stream().filter(c -> c.getPackageName().equals("io.edgecert.jobs")))
                .as("the jobs classes were found").hasSizeGreaterThan(5);
        EvaluationResult result = noClasses().that().resideInAPackage("io.edgecert.jobs..")
                .should().dependOnClassesThat(describe("KeyCipher, keys, key specs and factories, ValidatedMaterial",
                        c -> c.isAssignableTo(KeyCipher.class) || c.isAssignableTo(Key.class)
                                || c.isAssignableTo(KeySpec.class) || c.isAssignableTo(KeyFactory.class)
                                || c.isAssignableTo(ValidatedMaterial.class)))
                .evaluate(classes);
        assertThat(result.getFailureReport().getDetails()).as("jobs classes that touch key material").isEmpty();
    }
}
