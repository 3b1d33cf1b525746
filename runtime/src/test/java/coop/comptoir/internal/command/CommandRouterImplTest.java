package coop.comptoir.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.command.Command;
import coop.comptoir.api.command.Permission;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.OutgoingMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class CommandRouterImplTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final UserId BOT = UserId.of("@comptoir:coop.example");
    private static final RoomId ROOM = RoomId.of("!cafe:coop.example");
    private MatrixClient matrix;
    private CommandRouterImpl router;
    private final List<String> calls = new ArrayList<>();

    @BeforeEach
    void setUp() {
        matrix = mock(MatrixClient.class);
        when(matrix.userId()).thenReturn(BOT);
        router = new CommandRouterImpl("!", Set.of(UserId.of("@admin:coop.example")), "fr", matrix, "Comptoir");
        router.forInstance("test").register(Command.of("salons", "liste les salons", "lists rooms",
                inv -> calls.add(inv.name() + "|" + inv.argumentText())).withAliases("rooms"));
        router.forInstance("test").register(Command.of("reload", "recharge", "reloads", inv -> calls.add("reload"))
                .withPermission(Permission.ADMIN));
    }

    static MatrixEvent message(String sender, String body) {
        ObjectNode c = M.createObjectNode().put("msgtype", "m.text").put("body", body);
        return MatrixEvent.of(M.createObjectNode().put("type", "m.room.message").put("room_id", ROOM.value())
                .put("sender", sender).put("event_id", "$ev" + Math.abs(body.hashCode()))
                .put("origin_server_ts", 1).set("content", c));
    }

    @Test
    void recognisesPrefixAliasAndMentionForms() {
        router.onMessage(message("@alice:coop.example", "!salons cuisine"));
        router.onMessage(message("@alice:coop.example", "  !ROOMS  "));
        router.onMessage(message("@alice:coop.example", "Comptoir: salons du jour"));
        router.onMessage(message("@alice:coop.example", "@comptoir:coop.example, !salons"));
        router.onMessage(message("@alice:coop.example", "> <@bob:coop.example> hello\n\n!salons après réponse"));
        assertThat(calls).containsExactly("salons|cuisine", "rooms|", "salons|du jour", "salons|", "salons|après réponse");
    }

    @Test
    void saysWhichMessagesAreCommandsItKnowsForEveryInstance() {
        var seen = router.forInstance("bridge");
        assertThat(seen.isKnownCommand("!salons cuisine")).isTrue();
        assertThat(seen.isKnownCommand("  !ROOMS  ")).isTrue();
        assertThat(seen.isKnownCommand("Comptoir: salons du jour")).isTrue();
        assertThat(seen.isKnownCommand("!aide")).isTrue();
        assertThat(seen.isKnownCommand("!nimportequoi")).isFalse();
        assertThat(seen.isKnownCommand("Comptoir: nimportequoi")).isFalse();
        assertThat(seen.isKnownCommand("!!! plus de lait")).isFalse();
        assertThat(seen.isKnownCommand("salons demain ?")).isFalse();
        verify(matrix, never()).send(any(), any(), anyString());
        assertThat(calls).isEmpty();
    }

    @Test
    void ignoresUnknownBangWordsButAnswersWhenAddressed() {
        router.onMessage(message("@alice:coop.example", "!nimportequoi"));
        verify(matrix, never()).send(any(), any(), anyString());
        router.onMessage(message("@alice:coop.example", "Comptoir: nimportequoi"));
        ArgumentCaptor<OutgoingMessage> sent = ArgumentCaptor.forClass(OutgoingMessage.class);
        verify(matrix).send(eq(ROOM), sent.capture(), anyString());
        assertThat(sent.getValue().body()).contains("nimportequoi").contains("!aide");
        assertThat(sent.getValue().msgtype()).isEqualTo("m.notice");
    }

    @Test
    void refusesRestrictedCommandsBelowThePowerLevelButNotToConfiguredAdmins() {
        when(matrix.powerLevel(ROOM, UserId.of("@alice:coop.example"))).thenReturn(0L);
        router.onMessage(message("@alice:coop.example", "!reload"));
        assertThat(calls).isEmpty();
        ArgumentCaptor<OutgoingMessage> sent = ArgumentCaptor.forClass(OutgoingMessage.class);
        verify(matrix).send(eq(ROOM), sent.capture(), anyString());
        assertThat(sent.getValue().body()).contains("réservée");

        router.onMessage(message("@admin:coop.example", "!reload"));
        when(matrix.powerLevel(ROOM, UserId.of("@mod:coop.example"))).thenReturn(100L);
        router.onMessage(message("@mod:coop.example", "!reload "));
        assertThat(calls).containsExactly("reload", "reload");
    }

    @Test
    void configuredAdminsOnlyIsRefusedToRoomAdminsAndRoomCreatorsAlike() {
        router.forInstance("test").register(Command.of("relier", "relie", "links", inv -> calls.add("relier"))
                .withPermission(Permission.CONFIGURED_ADMINS));
        router.forInstance("test").register(Command.of("pont", "pont", "bridge", inv -> calls.add(
                "pont " + inv.senderHas(Permission.CONFIGURED_ADMINS) + " " + inv.senderHas(Permission.ADMIN)))
                .withPermission(Permission.ADMIN));
        // a room admin, and a room creator in room version 12 (infinite power)
        when(matrix.powerLevel(ROOM, UserId.of("@owner:coop.example"))).thenReturn(100L);
        when(matrix.powerLevel(ROOM, UserId.of("@creator:elsewhere.example"))).thenReturn(Long.MAX_VALUE);
        router.onMessage(message("@owner:coop.example", "!relier 1"));
        router.onMessage(message("@creator:elsewhere.example", "!relier 2"));
        assertThat(calls).isEmpty();
        ArgumentCaptor<OutgoingMessage> sent = ArgumentCaptor.forClass(OutgoingMessage.class);
        verify(matrix, org.mockito.Mockito.times(2)).send(eq(ROOM), sent.capture(), anyString());
        assertThat(sent.getAllValues()).extracting(OutgoingMessage::body).containsOnly(
                "Désolé, c'est réservé aux administratrices et administrateurs de Comptoir (commands.admins dans la configuration).");

        router.onMessage(message("@admin:coop.example", "!relier 3"));
        router.onMessage(message("@owner:coop.example", "!pont"));
        router.onMessage(message("@admin:coop.example", "!pont x"));
        assertThat(calls).containsExactly("relier", "pont false true", "pont true true");
    }

    @Test
    void helpListsCommandsInTheAskedLanguageAndHidesWhatTheSenderCannotUse() {
        when(matrix.powerLevel(any(), any())).thenReturn(0L);
        router.onMessage(message("@alice:coop.example", "!aide"));
        router.onMessage(message("@alice:coop.example", "!help"));
        ArgumentCaptor<OutgoingMessage> sent = ArgumentCaptor.forClass(OutgoingMessage.class);
        verify(matrix, org.mockito.Mockito.times(2)).send(eq(ROOM), sent.capture(), anyString());
        String fr = sent.getAllValues().get(0).body();
        String en = sent.getAllValues().get(1).body();
        assertThat(fr).contains("Voici ce que je sais faire").contains("!salons (!rooms) — liste les salons").doesNotContain("!reload");
        assertThat(en).contains("Here is what I can do").contains("lists rooms");
    }

    @Test
    void answersAreRepliesWithAStableTransactionId() {
        router.onMessage(message("@alice:coop.example", "Comptoir: inconnu"));
        router.onMessage(message("@alice:coop.example", "Comptoir: inconnu"));
        ArgumentCaptor<String> txn = ArgumentCaptor.forClass(String.class);
        ArgumentCaptor<OutgoingMessage> sent = ArgumentCaptor.forClass(OutgoingMessage.class);
        verify(matrix, org.mockito.Mockito.times(2)).send(eq(ROOM), sent.capture(), txn.capture());
        assertThat(txn.getAllValues().get(0)).isEqualTo(txn.getAllValues().get(1));
        assertThat(sent.getValue().replyTo()).isNotNull();
    }

    @Test
    void ignoresNoticesEditsAndTheBotItself() {
        router.onMessage(message(BOT.value(), "!salons"));
        ObjectNode notice = message("@alice:coop.example", "!salons").json().deepCopy();
        ((ObjectNode) notice.get("content")).put("msgtype", "m.notice");
        router.onMessage(MatrixEvent.of(notice));
        ObjectNode edit = message("@alice:coop.example", "* !salons").json().deepCopy();
        ((ObjectNode) edit.get("content")).putObject("m.relates_to").put("rel_type", "m.replace").put("event_id", "$x");
        router.onMessage(MatrixEvent.of(edit));
        assertThat(calls).isEmpty();
    }

    @Test
    void duplicateCommandNamesAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> router.forInstance("other")
                        .register(Command.of("rooms", "x", "x", inv -> {})))
                .hasMessageContaining("command !rooms of instance \"other\" is already registered by instance \"test\"");
    }

    @Test
    void twoInstancesOfOneTypeWithTheirOwnNamesAreBothAnsweredAndToldApartInTheHelp() {
        router.forInstance("forum-coop").register(Command.of("forum", "derniers sujets du forum", "last forum topics",
                inv -> calls.add("coop " + inv.argumentText())));
        router.forInstance("forum-bureau").register(Command.of("forum-bureau", "derniers sujets du forum",
                "last forum topics", inv -> calls.add("bureau " + inv.argumentText())));
        router.onMessage(message("@alice:coop.example", "!forum légumes"));
        router.onMessage(message("@alice:coop.example", "!forum-bureau ca"));
        assertThat(calls).containsExactly("coop légumes", "bureau ca");

        router.onMessage(message("@alice:coop.example", "!aide"));
        ArgumentCaptor<OutgoingMessage> sent = ArgumentCaptor.forClass(OutgoingMessage.class);
        verify(matrix).send(eq(ROOM), sent.capture(), anyString());
        assertThat(sent.getValue().body())
                .contains("!forum — derniers sujets du forum (instance « forum-coop »)")
                .contains("!forum-bureau — derniers sujets du forum (instance « forum-bureau »)")
                .contains("!salons (!rooms) — liste les salons\n");
    }

    @Test
    void aSharedCommandBelongsToItsGroupAndOutlivesTheMemberThatRegisteredIt() {
        Command bridge = Command.of("bridge", "ponts", "bridges", inv -> calls.add("bridge"));
        assertThat(router.forInstance("discord").registerShared("bridges", bridge)).isTrue();
        assertThat(router.forInstance("rocketchat").registerShared("bridges", bridge)).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> router.forInstance("welcome")
                        .register(Command.of("bridge", "x", "x", inv -> {})))
                .hasMessageContaining("command !bridge of instance \"welcome\" is already registered by the group \"bridges\"");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> router.forInstance("other")
                        .registerShared("others", Command.of("salons", "x", "x", inv -> {})))
                .hasMessageContaining("already registered by instance \"test\"");

        router.unregisterAll("discord"); // the member that registered it failed to start
        router.onMessage(message("@admin:coop.example", "!bridge"));
        assertThat(calls).containsExactly("bridge");
    }

    @Test
    void theHelpCommandCannotBeTaken() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> router.forInstance("welcome")
                        .register(Command.of("faq", "x", "x", inv -> {}).withAliases("help")))
                .hasMessageContaining("command !help of instance \"welcome\" is already registered by Comptoir itself");
    }
}
