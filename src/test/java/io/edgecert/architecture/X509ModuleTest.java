package io.edgecert.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/**
 * The PEM and X.509 engine ({@code certificates.x509}) is a module of its own: certificate
 * management uses it, never the reverse, and it knows nothing of edgecert but its error type. It
 * may use only itself, {@code problems}, the JDK and BouncyCastle, so that a certificate type or a
 * store class pulled into it fails the build.
 */
class X509ModuleTest {
    @Test
    void theX509EngineUsesOnlyItselfProblemsTheJdkAndBouncyCastle() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.edgecert");
        assertThat(classes.stream().filter(c -> c.getPackageName().equals("io.edgecert.certificates.x509")))
                .as("the x509 classes were found").hasSizeGreaterThan(10);
        EvaluationResult result = classes().that().resideInAPackage("io.edgecert.certificates.x509..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.edgecert.certificates.x509..",
                        "io.edgecert.problems..", "java..", "javax..", "org.bouncycastle..")
                .evaluate(classes);
        assertThat(result.getFailureReport().getDetails()).as("x509 dependencies outside its module").isEmpty();
    }
}
