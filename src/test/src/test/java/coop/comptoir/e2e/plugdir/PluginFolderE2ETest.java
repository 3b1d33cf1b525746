package coop.comptoir.e2e.plugdir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.ComptoirCli;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A coop adds a plugin without rebuilding Comptoir: a jar dropped in {@code plugins/} next to the
 * config is loaded by the dist jar run alone ({@code java -jar comptoir.jar}), listed by
 * {@code comptoir plugins}, and answers its command in a room; a jar built for a newer plugin API
 * is refused with a message naming it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PluginFolderE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String VERSION = "2.3.1-e2e";

    private final Rig rig = Rig.get();

    @Test
    void aJarInThePluginsFolderIsListedAndAnswersItsCommand() throws Exception {
        try (ComptoirProcess comptoir = rig.comptoirFromJarAlone("plugin-folder",
                c -> ((com.fasterxml.jackson.databind.node.ArrayNode) c.get("plugins")).addObject().put("type", "folder-greeting"))) {
            Path jar = pluginJar(comptoir.configFile().getParent().resolve("plugins"), "folder-greeting.jar", runtimeApi());

            ComptoirCli.Result listed = run(comptoir.configFile().getParent(), "plugins", "--config", comptoir.configFile().toString());
            assertThat(listed.exitCode()).as(listed.output()).isZero();
            assertThat(listed.output().lines().filter(l -> l.contains("folder-greeting")).toList())
                    .as(listed.output()).singleElement().asString()
                    .contains(VERSION).contains(runtimeApi()).endsWith(jar.toString());
            assertThat(listed.output()).as("the built-in plugins are listed too").containsPattern("welcome\\s.*built-in");

            comptoir.start();
            MatrixTestClient alice = rig.newUser("alice");
            String room = alice.createRoom(rig.botUserId());
            alice.awaitEvent(room, Events.membership(rig.botUserId(), "join"), WAIT);
            String command = alice.sendText(room, "!dossier");
            alice.awaitEvent(room, Events.messageFrom(rig.botUserId()).and(Events.repliesTo(command))
                    .and(Events.bodyContains("bonjour depuis le dossier plugins, version " + VERSION)), WAIT);
        }
    }

    @Test
    void aJarBuiltForANewerApiIsRefusedNamingTheJarAndTheVersions() throws Exception {
        try (ComptoirProcess comptoir = rig.comptoirFromJarAlone("plugin-folder-too-new",
                c -> ((com.fasterxml.jackson.databind.node.ArrayNode) c.get("plugins")).addObject().put("type", "folder-greeting"))) {
            Path dir = comptoir.configFile().getParent();
            String runtime = runtimeApi();
            String[] parts = runtime.split("\\.");
            String newer = parts[0] + "." + (Integer.parseInt(parts[1]) + 1);
            Path jar = pluginJar(dir.resolve("plugins"), "from-the-future.jar", newer);
            String expected = jar + ": plugin " + FolderGreetingPlugin.Factory.class.getName()
                    + " refused: it was built for Comptoir plugin API " + newer + ", newer than this Comptoir's (" + runtime + ")";

            ComptoirCli.Result checked = run(dir, "check-config", "--config", comptoir.configFile().toString());
            assertThat(checked.exitCode()).as(checked.output()).isEqualTo(2);
            assertThat(checked.output()).contains("plugins_dir: " + expected);

            ComptoirCli.Result listed = run(dir, "plugins", "--config", comptoir.configFile().toString());
            assertThat(listed.exitCode()).as(listed.output()).isEqualTo(2);
            assertThat(listed.output()).contains(expected).doesNotContain("folder-greeting  ");

            ComptoirCli.Result ran = run(dir, "run", "--config", comptoir.configFile().toString());
            assertThat(ran.exitCode()).as("run refuses to start: " + ran.output()).isEqualTo(2);
            assertThat(ran.output()).contains(expected);
        }
    }

    private ComptoirCli.Result run(Path dir, String... args) throws IOException, InterruptedException {
        return rig.cliFromJarAlone().run(dir, dir.resolve(args[0] + ".log"), Duration.ofSeconds(60), args);
    }

    /** The plugin API of the dist jar: major.minor of the version its build recorded. */
    private static String runtimeApi() throws IOException {
        try (JarFile dist = new JarFile(System.getProperty("comptoir.jar"));
                InputStream in = dist.getInputStream(dist.getEntry("coop/comptoir/version.properties"))) {
            Properties p = new Properties();
            p.load(in);
            String[] parts = p.getProperty("version").split("[.\\-]");
            return parts[0] + "." + parts[1];
        }
    }

    /**
     * Packs {@link FolderGreetingPlugin} (its classes from this module's build) into a plugin jar:
     * its own services entry, {@code Implementation-Version} and {@code Comptoir-Api-Version}.
     */
    private static Path pluginJar(Path folder, String name, String api) throws IOException, URISyntaxException {
        Files.createDirectories(folder);
        Path classes = Path.of(FolderGreetingPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String packagePath = FolderGreetingPlugin.class.getPackageName().replace('.', '/');
        List<Path> files;
        try (Stream<Path> list = Files.list(classes.resolve(packagePath))) {
            files = list.filter(f -> f.getFileName().toString().startsWith(FolderGreetingPlugin.class.getSimpleName()))
                    .sorted().toList();
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, VERSION);
        manifest.getMainAttributes().putValue("Comptoir-Api-Version", api);
        Path jar = folder.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry(packagePath + "/"));
            out.closeEntry();
            for (Path f : files) {
                out.putNextEntry(new JarEntry(packagePath + "/" + f.getFileName()));
                Files.copy(f, out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/coop.comptoir.api.plugin.PluginFactory"));
            out.write((FolderGreetingPlugin.Factory.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }
}
