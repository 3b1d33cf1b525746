package coop.comptoir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.ComptoirCli;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.Rig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code check-config} on the welcome plugin: the shipped example passes, a bad template is named. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WelcomeConfigE2ETest {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final Path EXAMPLE = Path.of(System.getProperty("comptoir.jar")).getParent().getParent().getParent()
            .resolve("config/welcome.example.yaml");

    private static Rig rig;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() {
        rig = Rig.get();
    }

    /** The example file, pointed at the rig's registration so that only the plugin section is judged. */
    private static ObjectNode example() throws Exception {
        ObjectNode config = (ObjectNode) Http.YAML.readTree(EXAMPLE.toFile());
        ((ObjectNode) config.get("appservice"))
                .put("registration", rig.registration().file().toString())
                .put("id", Rig.APPSERVICE_ID)
                .put("sender_localpart", Rig.BOT_LOCALPART);
        return config;
    }

    private static ComptoirCli.Result checkConfig(String name, ObjectNode config) throws Exception {
        Path dir = rig.freshDir(name);
        Path file = dir.resolve("welcome.yaml");
        Http.YAML.writeValue(file.toFile(), config);
        return rig.cli().run(dir, dir.resolve("check-config.log"), COMMAND_TIMEOUT, "check-config", "--config", file.toString());
    }

    @Test
    void theExampleConfigIsValid() throws Exception {
        ComptoirCli.Result result = checkConfig("welcome-check-example", example());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("accueil (welcome)");
    }

    @Test
    void anUnknownPlaceholderIsRefusedWithItsKeyPath() throws Exception {
        ObjectNode config = example();
        ObjectNode room = (ObjectNode) config.get("plugins").get(0).get("rooms").get(1);
        room.putObject("greeting").put("fr", "Bonjour {nom} !");

        ComptoirCli.Result result = checkConfig("welcome-check-bad", config);

        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("plugins[0].rooms[1].greeting.fr: unknown placeholder {nom}");
    }
}
