package coop.comptoir.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import coop.comptoir.testing.fixture.ReachesIntoTheRuntime;
import coop.comptoir.testing.fixture.UsesTheApi;
import org.junit.jupiter.api.Test;

class PluginArchitectureTest {
    @Test
    void aClassUsingTheRuntimeStoreIsNamed() {
        var classes = new ClassFileImporter().importClasses(ReachesIntoTheRuntime.class, UsesTheApi.class);
        assertThatThrownBy(() -> PluginArchitecture.usesThePublicApiOnly().check(classes))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ReachesIntoTheRuntime")
                .hasMessageContaining("coop.comptoir.internal.store.JdbcDatabase")
                .hasMessageNotContaining("UsesTheApi");
    }

    @Test
    void aClassUsingTheApiOnlyPasses() {
        var classes = new ClassFileImporter().importClasses(UsesTheApi.class);
        assertThatCode(() -> PluginArchitecture.usesThePublicApiOnly().check(classes)).doesNotThrowAnyException();
    }

    @Test
    void aMistypedPackageIsAnErrorRatherThanAPass() {
        assertThatThrownBy(() -> PluginArchitecture.check("coop.example.no_such_plugin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("coop.example.no_such_plugin");
    }
}
