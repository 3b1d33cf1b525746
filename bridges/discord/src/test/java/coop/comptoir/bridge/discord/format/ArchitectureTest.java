package coop.comptoir.bridge.discord.format;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The format package stays a pure library: the JDK, jsoup, the typed Matrix IDs and the engine's text model, nothing else. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("coop.comptoir.bridge.discord.format");

    @Test
    void dependsOnNothingButTheJdkJsoupIdsAndTheTextModel() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(
                        "java.lang..", "java.util..", "java.time..", "java.net..", "java.nio.charset..", "java.io..",
                        "org.jsoup..", "coop.comptoir.api.id..", "coop.comptoir.bridge.text..", "coop.comptoir.bridge.discord.format..")
                .check(CLASSES);
    }
}
