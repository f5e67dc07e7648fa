package io.edgecert.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The direction of the dependencies between edgecert's parts (docs/architecture.md), checked over
 * the compiled classes so that a new import that runs up the layers, or a cycle, fails the build.
 */
class PackageLayersTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.edgecert");
        assertThat(classes).as("the main classes were found").hasSizeGreaterThan(100);
    }

    /** Top to bottom; a layer uses only layers below it. */
    static Architectures.LayeredArchitecture layers() {
        return Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("io.edgecert.cli..")
                .layer("node").definedBy("io.edgecert")
                .layer("web").definedBy("io.edgecert.web..")
                .layer("jobs").definedBy("io.edgecert.jobs..")
                .layer("distributions").definedBy("io.edgecert.distributions..")
                .layer("events").definedBy("io.edgecert.events..")
                .layer("edge").definedBy("io.edgecert.edge..")
                .layer("certificates").definedBy("io.edgecert.certificates")
                // PEM and X.509 alone (no store, no service): the CLI pairs files with it as the console does
                .layer("x509").definedBy("io.edgecert.certificates.x509..")
                .layer("serving").definedBy("io.edgecert.serving..")
                .layer("foundation").definedBy("io.edgecert.store..", "io.edgecert.problems..",
                        "io.edgecert.crypto..", "io.edgecert.config..", "io.edgecert.json..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("node").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("web").mayOnlyBeAccessedByLayers("node")
                .whereLayer("jobs").mayOnlyBeAccessedByLayers("web", "node")
                .whereLayer("distributions").mayOnlyBeAccessedByLayers("jobs", "web", "node")
                .whereLayer("events").mayOnlyBeAccessedByLayers("jobs", "web", "node")
                // the edge and distributions meet only in serving's model: the node wires them
                .whereLayer("edge").mayOnlyBeAccessedByLayers("node")
                .whereLayer("certificates").mayOnlyBeAccessedByLayers("edge", "distributions", "jobs", "web", "node")
                .whereLayer("x509").mayOnlyBeAccessedByLayers("certificates", "edge", "distributions", "jobs", "web",
                        "node", "cli")
                .whereLayer("serving").mayOnlyBeAccessedByLayers("certificates", "edge", "distributions", "jobs", "web",
                        "node")
                .whereLayer("foundation").mayOnlyBeAccessedByLayers("x509", "serving", "certificates", "edge", "events",
                        "distributions", "jobs", "web", "node", "cli")
                // a new package (or a sub-package of certificates) takes its place in a layer, deliberately
                .ensureAllClassesAreContainedInArchitecture();
    }

    @Test
    void noPackageUsesOneAboveIt() {
        EvaluationResult result = layers().evaluate(classes);
        assertThat(result.getFailureReport().getDetails()).as("dependencies that run up the layers").isEmpty();
    }

    @Test
    void noTwoPackagesDependOnEachOther() {
        EvaluationResult result = slices().matching("io.edgecert.(**)").should().beFreeOfCycles().evaluate(classes);
        assertThat(result.getFailureReport().getDetails()).as("package cycles").isEmpty();
    }
}
