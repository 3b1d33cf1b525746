package coop.comptoir.bots.shifts;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The plugin uses the runtime's public API only. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("coop.comptoir.bots.shifts");

    @Test
    void usesNoInternals() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("coop.comptoir.internal..", "org.quartz..",
                        "org.sqlite..", "io.undertow..", "org.postgresql..")
                .check(CLASSES);
    }
}
