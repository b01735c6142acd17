package io.zdtmudp.harness;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The layering harness/README.md describes, held on the harness's own classes (not its tests): a package cycle
 * makes every caller of one side take the other (udp and images, junit and container were such pairs), and
 * code below the JUnit extension must run without JUnit, e.g. Guest.open in a dynamic-test runner.
 */
class PackageStructureTest {
    private static final JavaClasses HARNESS = new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            .importPackages("io.zdtmudp.harness");

    @Test
    void noPackageCycles() {
        slices().matching("io.zdtmudp.harness.(*)..").should().beFreeOfCycles().check(HARNESS);
    }

    @Test
    void onlyTheExtensionAndTheLauncherPlugInsDependOnJUnit() {
        noClasses().that().resideOutsideOfPackages("io.zdtmudp.harness.junit..", "io.zdtmudp.harness.report..",
                        "io.zdtmudp.harness.shard..")
                .should().dependOnClassesThat().resideInAPackage("org.junit..")
                .because("JUnit's API belongs to io.zdtmudp.harness.junit; the layers below it run without JUnit")
                .check(HARNESS);
    }

    @Test
    void theLauncherPlugInsDependOnlyOnTheJUnitPlatform() {
        noClasses().that().resideInAnyPackage("io.zdtmudp.harness.report..", "io.zdtmudp.harness.shard..")
                .should().dependOnClassesThat(resideInAPackage("org.junit..").and(not(resideInAPackage("org.junit.platform.."))))
                .because("report and shard plug into the JUnit Platform launcher, whatever engine runs the tests")
                .check(HARNESS);
    }
}
