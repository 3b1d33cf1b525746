package coop.comptoir.bridge;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import coop.comptoir.testing.PluginArchitecture;
import org.junit.jupiter.api.Test;

/**
 * The engine uses the runtime's public API only and never sees a remote network's types;
 * connectors see the {@code api} package only (the engine's one public class is its factory).
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("coop.comptoir.bridge");

    @Test
    void usesThePublicApiOnly() {
        PluginArchitecture.usesThePublicApiOnly().check(CLASSES);
    }

    @Test
    void neverSeesRemoteNetworkTypes() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("net.dv8tion..", "club.minnced..",
                "coop.comptoir.bridge.discord..", "coop.comptoir.bridge.rocketchat..").check(CLASSES);
    }

    @Test
    void theTextModelIsAPureLibrary() {
        classes().that().resideInAPackage("coop.comptoir.bridge.text..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java.lang..", "java.util..", "java.time..",
                        "java.net..", "java.nio.charset..", "org.jsoup..", "coop.comptoir.api.id..", "coop.comptoir.bridge.api..",
                        "coop.comptoir.bridge.text..")
                .check(CLASSES);
    }

    @Test
    void theEngineIsHiddenBehindItsFactory() {
        classes().that().resideInAPackage("coop.comptoir.bridge.engine..").and().arePublic()
                .should().haveSimpleName("EngineFactory").check(CLASSES);
        noClasses().that().resideInAPackage("coop.comptoir.bridge.api..").and().doNotHaveSimpleName("Bridges")
                .should().dependOnClassesThat().resideInAPackage("coop.comptoir.bridge.engine..").check(CLASSES);
    }
}
