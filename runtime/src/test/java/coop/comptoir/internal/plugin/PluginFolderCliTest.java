package coop.comptoir.internal.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.Main;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import coop.comptoir.internal.cli.CliContext;
import coop.comptoir.internal.config.PluginCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The commands see the plugins folder: {@code plugins}, {@code check-config}, {@code generate-registration}. */
class PluginFolderCliTest {
    @TempDir
    Path dir;

    /** A built-in type, as on Comptoir's class path. */
    static final class BuiltInFactory implements PluginFactory<com.fasterxml.jackson.databind.JsonNode> {
        @Override
        public Class<com.fasterxml.jackson.databind.JsonNode> configType() {
            return com.fasterxml.jackson.databind.JsonNode.class;
        }

        @Override
        public String type() {
            return "builtin";
        }

        @Override
        public Plugin create(com.fasterxml.jackson.databind.JsonNode config, PluginContext context) {
            return new Plugin() {};
        }
    }

    private record Run(int code, String out, String err) {}

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine(new CliContext(Map.of(), () -> new PluginCatalog(List.of(new BuiltInFactory()))));
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path config(String yaml) throws IOException {
        Path file = dir.resolve("etc/comptoir.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "homeserver: {server_name: example.org}\n" + yaml);
        return file;
    }

    private String api() {
        return ApiVersion.runtime().orElseThrow().toString();
    }

    private String newerApi() {
        ApiVersion here = ApiVersion.runtime().orElseThrow();
        return here.major() + "." + (here.minor() + 1);
    }

    @Test
    void pluginsListsBuiltInAndFolderPluginsWithVersionAndSource() throws IOException {
        Path file = config("");
        Path jar = new TestPluginJars(dir).factory("org.example.hello.HelloFactory").type("hello").version("2.3.1")
                .api(api()).writeTo(dir.resolve("etc/plugins"), "hello.jar");

        Run r = run("plugins", "-c", file.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Plugins folder: " + dir.resolve("etc/plugins"));
        assertThat(r.out().lines().filter(l -> l.contains("hello")).findFirst()).get().asString()
                .contains("2.3.1").contains(api()).endsWith(jar.toString());
        assertThat(r.out().lines().filter(l -> l.contains("builtin")).findFirst()).get().asString().endsWith("built-in");
    }

    @Test
    void pluginsDirIsResolvedAgainstTheConfigFilesFolder() throws IOException {
        Path file = config("plugins_dir: ../extra\n");
        new TestPluginJars(dir).factory("org.example.x.XFactory").type("extra").api(api()).writeTo(dir.resolve("extra"), "x.jar");

        Run r = run("plugins", "-c", file.toString());

        assertThat(r.out()).contains("Plugins folder: " + dir.resolve("extra")).contains("extra ");
    }

    @Test
    void aTooNewPluginIsRefusedByEveryCommandNamingJarAndVersions() throws IOException {
        Path file = config("plugins: [{type: builtin}]\n");
        Path jar = new TestPluginJars(dir).factory("org.example.future.FutureFactory").type("future").api(newerApi())
                .writeTo(dir.resolve("etc/plugins"), "future.jar");
        String expected = jar + ": plugin org.example.future.FutureFactory refused: it was built for Comptoir plugin API "
                + newerApi() + ", newer than this Comptoir's (" + api() + ")";

        Run listed = run("plugins", "-c", file.toString());
        assertThat(listed.code()).isEqualTo(2);
        assertThat(listed.out()).doesNotContain("future ");
        assertThat(listed.err()).contains(expected);

        Run checked = run("check-config", "-c", file.toString());
        assertThat(checked.code()).isEqualTo(2);
        assertThat(checked.err()).contains("plugins_dir: " + expected);

        Run generated = run("generate-registration", "-c", file.toString());
        assertThat(generated.code()).isEqualTo(2);
        assertThat(generated.err()).contains(expected);

        Run ran = run("run", "-c", file.toString());
        assertThat(ran.code()).isEqualTo(2);
        assertThat(ran.err()).contains(expected);
    }

    @Test
    void checkConfigNamesABrokenJar() throws IOException {
        Path file = config("");
        Path bad = TestPluginJars.corrupt(dir.resolve("etc/plugins"), "broken.jar");

        Run r = run("check-config", "-c", file.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("plugins_dir: " + bad + ": not a readable jar");
    }

    @Test
    void twoPluginsOfOneTypeAreAnErrorNamingBothSources() throws IOException {
        Path file = config("");
        TestPluginJars jars = new TestPluginJars(dir);
        Path a = jars.factory("org.example.a.AFactory").type("twin").api(api()).writeTo(dir.resolve("etc/plugins"), "a.jar");
        Path b = jars.factory("org.example.b.BFactory").type("twin").api(api()).writeTo(dir.resolve("etc/plugins"), "b.jar");
        Path c = jars.factory("org.example.c.CFactory").type("builtin").api(api()).writeTo(dir.resolve("etc/plugins"), "c.jar");

        Run r = run("check-config", "-c", file.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("two plugins of type \"twin\": " + a + " and " + b)
                .contains("two plugins of type \"builtin\": built-in and " + c);
    }

    @Test
    void checkConfigAndGenerateRegistrationUseAFolderPluginsValidationAndNamespaces() throws IOException {
        new TestPluginJars(dir).factory("org.example.ns.NsFactory").type("owner").api(api()).version("1.0")
                .users("@_owned_.*:example\\.org").requires("room").writeTo(dir.resolve("etc/plugins"), "owner.jar");

        Run invalid = run("check-config", "-c", config("plugins: [{type: owner}]\n").toString());
        assertThat(invalid.code()).isEqualTo(2);
        assertThat(invalid.err()).contains("room: missing");

        Path file = config("plugins: [{type: owner, room: '!r:example.org'}]\n");
        Run generated = run("generate-registration", "-c", file.toString());
        assertThat(generated.code()).as(generated.err()).isZero();
        assertThat(Files.readString(dir.resolve("etc/registration.yaml"))).contains("@_owned_.*:example\\\\.org");

        Run checked = run("check-config", "-c", file.toString());
        assertThat(checked.code()).as(checked.err()).isZero();
        assertThat(checked.out()).contains("owner 1.0 (owner.jar)");
    }
}
