package coop.comptoir.internal.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.PluginFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginFolderTest {
    private static final Optional<ApiVersion> API_0_4 = Optional.of(new ApiVersion(0, 4));

    @TempDir
    Path work;

    private Path folder() {
        return work.resolve("plugins");
    }

    private PluginFolder.Result load() {
        return PluginFolder.load(folder(), getClass().getClassLoader(), API_0_4);
    }

    private static List<String> messages(PluginFolder.Result result) {
        return result.problems().stream().map(ConfigException::getMessage).toList();
    }

    @Test
    void aJarsFactoryIsLoadedWithItsVersionAndJarInItsOwnClassLoader() {
        TestPluginJars jars = new TestPluginJars(work);
        Path jar = jars.factory("org.example.hello.HelloFactory").type("hello").version("2.3.1").api("0.4")
                .writeTo(folder(), "hello-2.3.1.jar");

        PluginFolder.Result result = load();

        assertThat(result.problems()).isEmpty();
        assertThat(result.plugins()).singleElement().satisfies(p -> {
            assertThat(p.type()).isEqualTo("hello");
            assertThat(p.version()).isEqualTo("2.3.1");
            assertThat(p.jar()).isEqualTo(jar);
            assertThat(p.apiVersion()).contains(new ApiVersion(0, 4));
            ClassLoader loader = p.factory().getClass().getClassLoader();
            assertThat(loader).isNotSameAs(getClass().getClassLoader());
            assertThat(loader.getParent()).as("parent: the API classes are shared").isSameAs(getClass().getClassLoader());
            assertThat(p.factory()).isInstanceOf(PluginFactory.class);
        });
    }

    @Test
    void twoJarsMayHoldClassesOfTheSameNameWithoutSeeingEachOther() {
        TestPluginJars jars = new TestPluginJars(work);
        jars.factory("org.example.same.Factory").type("first").api("0.1").writeTo(folder(), "a.jar");
        jars.factory("org.example.same.Factory").type("second").api("0.1").writeTo(folder(), "b.jar");

        PluginFolder.Result result = load();

        assertThat(result.problems()).isEmpty();
        assertThat(result.plugins()).extracting(InstalledPlugin::type).containsExactly("first", "second");
        assertThat(result.plugins().get(0).factory().getClass())
                .isNotSameAs(result.plugins().get(1).factory().getClass());
    }

    @Test
    void aPluginBuiltForANewerApiIsRefusedNamingThePluginTheJarAndBothVersions() {
        TestPluginJars jars = new TestPluginJars(work);
        Path tooNew = jars.factory("org.example.future.FutureFactory").type("future").api("0.5").version("9.0")
                .writeTo(folder(), "future.jar");
        jars.factory("org.example.ok.OkFactory").type("ok").api("0.3").writeTo(folder(), "ok.jar");

        PluginFolder.Result result = load();

        assertThat(result.plugins()).extracting(InstalledPlugin::type).containsExactly("ok");
        assertThat(messages(result)).singleElement().asString()
                .startsWith("plugins_dir: " + tooNew + ": plugin org.example.future.FutureFactory refused")
                .contains("built for Comptoir plugin API 0.5, newer than this Comptoir's (0.4)")
                .contains("upgrade Comptoir");
    }

    @Test
    void anotherMajorApiIsRefusedToo() {
        TestPluginJars jars = new TestPluginJars(work);
        jars.factory("org.example.next.NextFactory").type("next").api("1.0").writeTo(folder(), "next.jar");

        assertThat(messages(load())).singleElement().asString().contains("API 1.0, newer than this Comptoir's (0.4)");
        assertThat(messages(PluginFolder.load(folder(), getClass().getClassLoader(), Optional.of(new ApiVersion(2, 0)))))
                .singleElement().asString().contains("API 1.0, which this Comptoir (API 2.0) no longer supports");
    }

    @Test
    void aJarWithoutAnApiVersionStillLoads() {
        new TestPluginJars(work).factory("org.example.plain.PlainFactory").type("plain").writeTo(folder(), "plain.jar");

        PluginFolder.Result result = load();

        assertThat(result.problems()).isEmpty();
        assertThat(result.plugins()).singleElement().satisfies(p -> {
            assertThat(p.apiVersion()).isEmpty();
            assertThat(p.version()).isEqualTo("unknown");
        });
    }

    @Test
    void aCorruptJarIsNamedAndTheOthersStillLoad() throws IOException {
        Path bad = TestPluginJars.corrupt(folder(), "broken.jar");
        new TestPluginJars(work).factory("org.example.good.GoodFactory").type("good").api("0.4").writeTo(folder(), "good.jar");

        PluginFolder.Result result = load();

        assertThat(result.plugins()).extracting(InstalledPlugin::type).containsExactly("good");
        assertThat(messages(result)).singleElement().asString().startsWith("plugins_dir: " + bad + ": not a readable jar");
    }

    @Test
    void aFactoryThatThrowsIsReportedWithItsJarAndReason() {
        Path jar = new TestPluginJars(work).factory("org.example.angry.AngryFactory").type("angry").api("0.4")
                .constructorThrows("no mood today").writeTo(folder(), "angry.jar");

        PluginFolder.Result result = load();

        assertThat(result.plugins()).isEmpty();
        assertThat(messages(result)).singleElement().asString()
                .startsWith("plugins_dir: " + jar + ": could not load its plugin factory")
                .contains("no mood today");
    }

    @Test
    void aListedClassMissingFromTheJarIsReported() {
        Path jar = new TestPluginJars(work).factory("org.example.gone.GoneFactory").type("gone").api("0.4")
                .listingAMissingClass().writeTo(folder(), "gone.jar");

        assertThat(messages(load())).singleElement().asString()
                .startsWith("plugins_dir: " + jar + ": could not load its plugin factory")
                .contains("org.example.gone.GoneFactoryGone");
    }

    @Test
    void aJarWithoutPluginIsReportedAndOtherFilesAreIgnored() throws IOException {
        Files.createDirectories(folder());
        Files.writeString(folder().resolve("README.txt"), "notes");
        Path lib = folder().resolve("library.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(lib))) {
            out.putNextEntry(new java.util.jar.JarEntry("org/example/Nothing.txt"));
            out.closeEntry();
        }

        assertThat(messages(load())).singleElement().asString()
                .startsWith("plugins_dir: " + lib + ": holds no plugin");
    }

    @Test
    void aMissingFolderHoldsNoPluginAndAFileInsteadOfAFolderIsAnError() throws IOException {
        assertThat(load().plugins()).isEmpty();
        assertThat(load().problems()).isEmpty();

        Files.writeString(folder(), "oops");
        assertThat(messages(load())).singleElement().asString().isEqualTo("plugins_dir: " + folder() + " is not a folder");
    }
}
