package coop.comptoir.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * The architecture rules every plugin and bridge connector keeps, in one place. A plugin's test
 * is one line:
 *
 * <pre>{@code
 * @Test void usesThePublicApiOnly() { PluginArchitecture.check("coop.example.myplugin"); }
 * }</pre>
 *
 * <p>The build already keeps the runtime off a plugin's compile classpath; these rules also catch
 * what slips in through another dependency (a library bringing Quartz or a JDBC driver along).
 */
public final class PluginArchitecture {
    /**
     * What a plugin's own classes must not use: the runtime's internals and its server, scheduler,
     * database, command-line, metrics and logging-backend libraries.
     */
    public static final List<String> RUNTIME_PACKAGES = List.of(
            "coop.comptoir", "coop.comptoir.internal..",
            "io.undertow..", "org.xnio..", "org.quartz..", "com.zaxxer..", "org.sqlite..", "org.postgresql..",
            "picocli..", "io.prometheus..", "ch.qos.logback..");

    private PluginArchitecture() {}

    /** The rule: no class depends on {@link #RUNTIME_PACKAGES}. */
    public static ArchRule usesThePublicApiOnly() {
        return noClasses().should().dependOnClassesThat().resideInAnyPackage(RUNTIME_PACKAGES.toArray(String[]::new))
                .because("plugins see Comptoir through coop.comptoir.api only");
    }

    /** The main (not test) classes of {@code packages} and their sub-packages, from the classpath. */
    public static JavaClasses mainClasses(String... packages) {
        if (packages.length == 0) {
            throw new IllegalArgumentException("name at least one package of the plugin");
        }
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(packages);
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("no main class found in " + List.of(packages)
                    + ": is the package name right?");
        }
        return classes;
    }

    /**
     * Checks every rule on the main classes of {@code packages}.
     *
     * @throws AssertionError naming each offending dependency
     */
    public static void check(String... packages) {
        usesThePublicApiOnly().check(mainClasses(packages));
    }
}
