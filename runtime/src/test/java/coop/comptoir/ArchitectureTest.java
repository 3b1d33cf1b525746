package coop.comptoir;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the line between the public plugin API and the runtime's internals. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("coop.comptoir");

    @Test
    void theApiDoesNotDependOnTheInternals() {
        noClasses().that().resideInAPackage("coop.comptoir.api..")
                .should().dependOnClassesThat().resideInAPackage("coop.comptoir.internal..")
                .check(CLASSES);
    }

    @Test
    void theApiDoesNotExposeServerOrStorageLibraries() {
        noClasses().that().resideInAPackage("coop.comptoir.api..")
                .should().dependOnClassesThat().resideInAnyPackage("io.undertow..", "org.quartz..", "com.zaxxer..",
                        "org.sqlite..", "org.postgresql..", "picocli..", "io.prometheus..")
                .check(CLASSES);
    }
}
