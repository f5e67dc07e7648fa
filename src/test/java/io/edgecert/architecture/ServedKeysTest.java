package io.edgecert.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.edgecert.certificates.ServingKeys;
import io.edgecert.serving.KeyProvider;
import io.edgecert.serving.ServingMaterial;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.PrivateKey;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A served certificate's key is in clear only in its key provider ({@link ServingKeys}) and in the
 * edge (architecture.md: "decrypted only in memory, only by the certificates part and the edge"):
 * nobody else unseals material, makes {@link ServingMaterial} or reads its key.
 */
class ServedKeysTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.edgecert");
        assertThat(classes.contain(ServingKeys.class)).as("the main classes were found").isTrue();
    }

    /** The key provider, the edge, and the record itself (its equals and hashCode read the key). */
    private static final DescribedPredicate<JavaClass> MAY_HOLD_A_SERVED_KEY = equivalentTo(ServingKeys.class)
            .or(resideInAPackage("io.edgecert.edge.."))
            .or(equivalentTo(ServingMaterial.class))
            .as("the key provider or the edge");

    private static void check(ArchRule rule) {
        assertThat(rule.evaluate(classes).getFailureReport().getDetails()).as(rule.getDescription()).isEmpty();
    }

    @Test
    void onlyTheEdgeUnsealsMaterial() {
        check(noClasses().that(DescribedPredicate.not(MAY_HOLD_A_SERVED_KEY))
                .should().callMethodWhere(target("unseal", assignableTo(KeyProvider.class)))
                .as("only the edge calls KeyProvider.unseal"));
    }

    @Test
    void onlyTheKeyProviderMakesServingMaterial() {
        check(noClasses().that(DescribedPredicate.not(equivalentTo(ServingKeys.class))
                        .and(DescribedPredicate.not(equivalentTo(ServingMaterial.class))))
                .should().callConstructorWhere(target("<init>", equivalentTo(ServingMaterial.class)))
                .as("only ServingKeys makes ServingMaterial"));
    }

    @Test
    void onlyTheEdgeReadsAServedKey() {
        check(noClasses().that(DescribedPredicate.not(MAY_HOLD_A_SERVED_KEY))
                .should().callMethodWhere(target("key", equivalentTo(ServingMaterial.class)))
                .as("only the edge reads ServingMaterial.key()"));
    }

    @Test
    void neitherTheModelNorTheLoaderSideHoldsAPrivateKey() {
        // serving is the model both sides share: only ServingMaterial names a key; distributions
        // makes routes and never needs one.
        check(noClasses().that(resideInAPackage("io.edgecert.serving..").or(resideInAPackage("io.edgecert.distributions.."))
                        .and(DescribedPredicate.not(equivalentTo(ServingMaterial.class))))
                .should().dependOnClassesThat(assignableTo(PrivateKey.class))
                .as("serving (but ServingMaterial) and distributions do not use PrivateKey"));
    }

    private static DescribedPredicate<JavaAccess<?>> target(String name, DescribedPredicate<? super JavaClass> owner) {
        return DescribedPredicate.describe(name + " of " + owner.getDescription(), access ->
                access.getTarget().getName().equals(name) && owner.test(access.getTarget().getOwner()));
    }
}
