package coop.comptoir.bridge.discord;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import coop.comptoir.testing.PluginArchitecture;
import org.junit.jupiter.api.Test;

/**
 * The connector uses the public API of Comptoir and of the bridge engine only, and shows JDA to no
 * one: its public face is the plugin factory and the connector class.
 */
class ConnectorArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("coop.comptoir.bridge.discord");

    @Test
    void onlyPublicApisOfTheCoreAndTheEngine() {
        PluginArchitecture.usesThePublicApiOnly().check(CLASSES);
        noClasses().that().resideInAPackage("coop.comptoir.bridge.discord..")
                .should().dependOnClassesThat().resideInAPackage("coop.comptoir.bridge.engine..")
                .check(CLASSES);
    }

    @Test
    void fewPublicClasses() {
        classes().that().resideInAPackage("coop.comptoir.bridge.discord").and().areTopLevelClasses().and().arePublic()
                .should().haveSimpleNameEndingWith("Factory").orShould().haveSimpleName("JdaDiscordConnector")
                .orShould().haveSimpleName("DiscordConfig")
                .check(CLASSES);
    }

    @Test
    void theConnectorIsMadeByTheFactoryOnly() {
        classes().that().haveSimpleName("JdaDiscordConnector").should().haveOnlyPrivateConstructors()
                .orShould(new com.tngtech.archunit.lang.ArchCondition<>("have no public constructor") {
                    @Override
                    public void check(com.tngtech.archunit.core.domain.JavaClass c, com.tngtech.archunit.lang.ConditionEvents events) {
                        c.getConstructors().stream().filter(k -> k.getModifiers().contains(JavaModifier.PUBLIC))
                                .forEach(k -> events.add(com.tngtech.archunit.lang.SimpleConditionEvent.violated(k, k.getFullName() + " is public")));
                    }
                })
                .check(CLASSES);
    }
}
