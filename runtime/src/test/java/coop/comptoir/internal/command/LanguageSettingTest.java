package coop.comptoir.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.internal.config.ComptoirConfig;
import coop.comptoir.internal.config.ConfigErrors;
import coop.comptoir.internal.config.ConfigLoader;
import coop.comptoir.internal.config.PluginCatalog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

/** The top-level language, address and texts, as the command router speaks them. */
class LanguageSettingTest {
    private static final UserId BOT = UserId.of("@comptoir:coop.example");

    @TempDir
    Path dir;

    private ComptoirConfig config(String yaml) {
        return ConfigLoader.parse("homeserver: {server_name: coop.example}\n" + yaml, dir, Map.of());
    }

    /** What the router answers to a message addressed to it with an unknown command. */
    private static String unknownCommandAnswer(ComptoirConfig c) {
        MatrixClient matrix = mock(MatrixClient.class);
        when(matrix.userId()).thenReturn(BOT);
        CommandRouterImpl router = new CommandRouterImpl("!", Set.of(), c.commandTextSettings(), matrix, "Comptoir");
        router.onMessage(CommandRouterImplTest.message("@alice:coop.example", "Comptoir: fromage"));
        ArgumentCaptor<OutgoingMessage> sent = ArgumentCaptor.forClass(OutgoingMessage.class);
        verify(matrix).send(eq(RoomId.of("!cafe:coop.example")), sent.capture(), anyString());
        return sent.getValue().body();
    }

    @Test
    void frenchAndVousByDefaultTheTopLevelLanguageAndAddressOtherwise() {
        assertThat(unknownCommandAnswer(config("")))
                .isEqualTo("Je ne connais pas « fromage ». Tapez !aide pour voir ce que je sais faire.");
        assertThat(unknownCommandAnswer(config("address: tu")))
                .isEqualTo("Je ne connais pas « fromage ». Tape !aide pour voir ce que je sais faire.");
        assertThat(unknownCommandAnswer(config("language: en")))
                .isEqualTo("I don't know \"fromage\". Type !help to see what I can do.");
        assertThat(unknownCommandAnswer(config("language: en\ncommands: {language: fr}")))
                .as("commands.language still overrides the top-level language")
                .startsWith("Je ne connais pas « fromage ».");
    }

    @Test
    void theCoopsWordingFromTheConfigIsUsed() {
        ComptoirConfig c = config("""
                texts:
                  fr:
                    runtime.command.unknown: "« {name} » ? Connais pas. {address, select, tu {Essaie} other {Essayez}} {prefix}aide."
                """);
        new PluginCatalog(List.of()).instances(c);
        assertThat(unknownCommandAnswer(c)).isEqualTo("« fromage » ? Connais pas. Essayez !aide.");
    }

    @Test
    void aBrokenOverrideIsRefusedAtStartWithItsKeyPath() {
        ComptoirConfig c = config("""
                texts:
                  fr:
                    runtime.command.unknown: "Connais pas {nom}"
                    runtime.command.inconnu: "Connais pas"
                  en:
                    welcome: "Hi"
                """);
        assertThatThrownBy(() -> new PluginCatalog(List.of()).instances(c)).isInstanceOf(ConfigErrors.class)
                .hasMessageContaining("texts.fr.runtime.command.unknown: uses {nom}, which this text does not have"
                        + " (it has: {name}, {prefix}, and {address})")
                .hasMessageContaining("texts.fr.runtime.command.inconnu: unknown text (no such key in Comptoir's texts)")
                .hasMessageContaining("texts.en.welcome: unknown text: keys are <part>.<key>");
        assertThatThrownBy(() -> config("texts: {fr: {runtime.command.failed: [a, b]}}")).isInstanceOf(ConfigErrors.class)
                .hasMessageContaining("texts.fr.runtime.command.failed: expected a text");
        assertThatThrownBy(() -> config("address: toi")).isInstanceOf(ConfigErrors.class)
                .hasMessageContaining("address: expected vous (default) or tu");
    }

    @Test
    void addingALanguageIsAddingFiles() {
        // texts/runtime_nl.properties is on the test class path only: no code knows Dutch.
        assertThat(unknownCommandAnswer(config("language: nl")))
                .isEqualTo("Ik ken „fromage” niet. Typ !help om te zien wat ik kan.");
        assertThatThrownBy(() -> config("language: de")).isInstanceOf(ConfigErrors.class)
                .hasMessageContaining("language: expected fr or en");
    }
}
