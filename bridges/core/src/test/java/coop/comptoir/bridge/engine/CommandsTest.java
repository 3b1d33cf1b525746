package coop.comptoir.bridge.engine;

import static coop.comptoir.bridge.engine.Rig.ADMIN;
import static coop.comptoir.bridge.engine.Rig.ALICE;
import static coop.comptoir.bridge.engine.Rig.BOB;
import static coop.comptoir.bridge.engine.Rig.ROOM;
import static coop.comptoir.bridge.engine.Rig.ROOM_ADMIN;
import static coop.comptoir.bridge.engine.Rig.await;
import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.bridge.api.BridgeSettings;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.testing.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code !bridge} as room admins and others see it. */
class CommandsTest {
    @TempDir
    Path dir;
    TestConnector net = new TestConnector();
    Rig rig;

    void start(List<BridgeSettings.StaticLink> links) throws Exception {
        start(links, false);
    }

    void start(List<BridgeSettings.StaticLink> links, boolean encrypted) throws Exception {
        net.channels.put(new RemoteChannelId("777"), new RemoteChannel(new RemoteChannelId("777"), "general", ""));
        rig = new Rig(() -> TestDatabase.open("jdbc:sqlite:" + dir.resolve("t.db"), 2), net,
                Rig.settings(links), 3);
        rig.matrix.addAlias(RoomAlias.of("#cafe:coop.example"), ROOM);
        if (encrypted) {
            encrypt();
        }
        rig.start();
    }

    private void encrypt() {
        rig.matrix.putState(ROOM, "m.room.encryption", "", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("algorithm", "m.megolm.v1.aes-sha2"));
    }

    static final String FOR_ADMINS = "Désolé : relier un salon et importer un historique sont réservés aux administratrices"
            + " et administrateurs de Comptoir (commands.admins dans la configuration).";

    @AfterEach
    void tearDown() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    private String answer(String command) throws Exception {
        return answer(ADMIN, command);
    }

    private String answer(coop.comptoir.api.id.UserId who, String command) throws Exception {
        int before = rig.matrix.noticesIn(ROOM).size();
        rig.matrixMessage(who, command);
        await("answer to " + command, () -> rig.matrix.noticesIn(ROOM).size() > before);
        return rig.matrix.noticesIn(ROOM).get(before).body();
    }

    @Test
    void onlyRoomAdminsMayUseIt() throws Exception {
        start(List.of());
        assertThat(answer(ALICE, "!bridge link discord 777"))
                .isEqualTo("Désolé, cette commande est réservée aux administratrices et administrateurs du salon (niveau 100).");
        assertThat(rig.engine.channelOf(ROOM)).isEmpty();
    }

    @Test
    void linkingAndImportingAreForComptoirsAdministratorsAndTheRefusalTellsNothingOfTheChannel() throws Exception {
        start(List.of());
        // a room admin (as anyone is in a room they created, a direct chat with the bot included)
        assertThat(answer(ROOM_ADMIN, "!bridge link discord 777")).isEqualTo(FOR_ADMINS);
        assertThat(answer(ROOM_ADMIN, "!bridge link discord 404")).isEqualTo(FOR_ADMINS);
        assertThat(answer(ROOM_ADMIN, "!bridge link 777")).isEqualTo(FOR_ADMINS);
        assertThat(rig.engine.channelOf(ROOM)).isEmpty();
        assertThat(net.channelLookups).hasValue(0);

        assertThat(answer(ADMIN, "!bridge link discord 777")).isEqualTo("Salon relié à #general sur Discord.");
        assertThat(answer(ROOM_ADMIN, "!bridge import")).isEqualTo(FOR_ADMINS);
        Rig.settle();
        assertThat(net.backfillCalls).hasValue(0);
        // what stays in the room is still the room admins' business
        assertThat(answer(ROOM_ADMIN, "!bridge status")).startsWith("Salon Discord 777 — connecté");
        assertThat(answer(ROOM_ADMIN, "!bridge unlink")).isEqualTo("Salon délié de Discord : plus rien ne passe.");
    }

    @Test
    void anEncryptedRoomIsNotLinkedAndAPortalThatBecameEncryptedSaysSo() throws Exception {
        start(List.of());
        encrypt();
        assertThat(answer("!bridge link discord 777")).startsWith("Ce salon est chiffré, et je ne sais pas encore lire les"
                + " messages chiffrés : rien de ce qui s'écrit ici n'arriverait sur Discord. Créez un salon sans chiffrement");
        assertThat(rig.engine.channelOf(ROOM)).isEmpty();

        rig.matrix.removeState(ROOM, "m.room.encryption", "");
        assertThat(answer("!bridge link discord 777")).isEqualTo("Salon relié à #general sur Discord.");
        assertThat(answer("!bridge status")).doesNotContain("chiffré");
        encrypt();
        assertThat(answer("!bridge status")).contains("\n⚠ Ce salon est chiffré : je ne sais pas encore lire les messages"
                + " chiffrés, donc plus rien d'ici n'arrive sur Discord.");
    }

    /** encryption.enabled: the bot reads the encrypted room, so it links it, and says once that Discord is not encrypted. */
    @Test
    void withEncryptionOnAnEncryptedRoomIsLinkedAndItsAdminsAreToldTheOtherSideIsNot() throws Exception {
        start(List.of());
        rig.matrix.readEncryptedRooms(true);
        encrypt();
        assertThat(answer("!bridge link discord 777")).isEqualTo("Salon relié à #general sur Discord.");
        assertThat(rig.engine.channelOf(ROOM)).isPresent();
        String told = "🔓 Ce salon est chiffré de bout en bout, mais Discord ne l'est pas";
        await("the notice about Discord", () -> rig.matrix.noticesIn(ROOM).stream().anyMatch(n -> n.body().startsWith(told)));
        assertThat(answer("!bridge status")).doesNotContain("je ne sais pas encore lire");
        Rig.settle();
        assertThat(rig.matrix.noticesIn(ROOM).stream().filter(n -> n.body().startsWith(told)).count()).as("told once").isEqualTo(1);
    }

    @Test
    void anEncryptedRoomWrittenInTheConfigIsNotLinked() throws Exception {
        start(List.of(new BridgeSettings.StaticLink("#cafe:coop.example", new RemoteChannelId("777"))), true);
        assertThat(rig.engine.channelOf(ROOM)).isEmpty();
    }

    @Test
    void linkChecksTheNetworkAndTheChannelThenMessagesCross() throws Exception {
        start(List.of());
        assertThat(answer("!bridge link slack 777")).isEqualTo("Réseau inconnu « slack ». Disponible(s) : discord");
        assertThat(answer("!bridge link discord 404")).startsWith("Je ne trouve pas le salon 404 sur Discord");
        assertThat(answer("!bridge link discord 777")).isEqualTo("Salon relié à #general sur Discord.");
        assertThat(answer("!bridge link discord 777")).startsWith("Ce salon est déjà relié à Discord (salon 777)");

        rig.matrixMessage(ALICE, "bonjour");
        rig.remote(new RemoteEvent.Message(new RemoteChannelId("777"), new coop.comptoir.bridge.api.RemoteMessageId("1"), BOB,
                java.time.Instant.now(), coop.comptoir.bridge.api.MatrixContent.text("salut"), java.util.Optional.empty(),
                java.util.Optional.empty(), List.of()));
        await("posted", () -> net.posted.size() == 1);
        await("sent", () -> rig.matrix.chatIn(ROOM).size() == 1);
        assertThat(net.posted).extracting(TestConnector.Posted::body).containsExactly("bonjour");
    }

    @Test
    void statusSaysWhatCrossedWhatWaitsAndTheLastError() throws Exception {
        start(List.of());
        answer("!bridge link discord 777");
        net.permanent = true;
        rig.matrixMessage(ALICE, "refusé");
        await("failure notice", () -> rig.matrix.noticesIn(ROOM).size() == 2);
        String status = answer("!bridge status");
        assertThat(status).contains("Salon Discord 777 — connecté (test)")
                .contains("Dernier message vers Discord : aucun pour l'instant")
                .contains("En attente : 0 vers Discord, 0 vers Matrix")
                .contains("Dernière erreur (").contains(") : Missing Permissions");
    }

    @Test
    void unlinkStopsTheBridgeAndCommandsAreNotBridged() throws Exception {
        start(List.of());
        answer("!bridge link discord 777");
        assertThat(answer("!bridge unlink")).isEqualTo("Salon délié de Discord : plus rien ne passe.");
        rig.matrixMessage(ALICE, "plus transmis");
        assertThat(answer("!bridge status")).isEqualTo("Ce salon n'est pas relié à Discord.");
        Rig.settle();
        assertThat(net.posted).isEmpty();
    }

    @Test
    void commandsComptoirKnowsStayOnMatrixWhileOtherMessagesStartingWithThePrefixCross() throws Exception {
        start(List.of(new BridgeSettings.StaticLink("#cafe:coop.example", new RemoteChannelId("777"))));
        rig.router.forInstance("shifts").register(coop.comptoir.api.command.Command.of("creneaux", "Créneaux", "Shifts",
                inv -> inv.reply("3 créneaux libres")).withAliases("shifts"));
        rig.matrixMessage(ALICE, "!shifts");
        rig.matrixMessage(ALICE, "!Creneaux demain");
        rig.matrixMessage(ALICE, "!aide");
        rig.matrixMessage(ALICE, "!important : livraison à 9 h");
        rig.matrixMessage(ALICE, "!!! plus de lait");
        rig.matrixMessage(ALICE, "on en parle demain");
        await("posted", () -> net.posted.size() == 3);
        Rig.settle();
        assertThat(net.posted).extracting(p -> p.message().content().body())
                .containsExactly("!important : livraison à 9 h", "!!! plus de lait", "on en parle demain");
        assertThat(rig.matrix.noticesIn(ROOM)).anyMatch(n -> n.body().equals("3 créneaux libres"));
    }

    @Test
    void staticLinksAreResolvedAtStartAndCannotBeUnlinkedByCommand() throws Exception {
        start(List.of(new BridgeSettings.StaticLink("#cafe:coop.example", new RemoteChannelId("777"))));
        assertThat(rig.engine.channelOf(ROOM)).contains(new RemoteChannelId("777"));
        assertThat(answer("!bridge unlink")).startsWith("Ce lien est écrit dans le fichier de configuration");
        assertThat(answer("!bridge")).startsWith("Utilisation : !bridge link");
    }

    @Test
    void twoBridgesOfOneRuntimeShareTheCommandWhichOutlivesTheFirstOne() throws Exception {
        start(List.of());
        TestConnector.Plain rocket = new TestConnector.Plain();
        rocket.channels.put(new RemoteChannelId("R1"), new RemoteChannel(new RemoteChannelId("R1"), "caisse", ""));
        coop.comptoir.api.plugin.Plugin second = rig.secondBridge("rocketchat", rocket);
        second.start();

        assertThat(answer("!bridge link discord 777")).isEqualTo("Salon relié à #general sur Discord.");
        assertThat(answer("!bridge link discord 778")).as("one channel per bridge in a room")
                .startsWith("Ce salon est déjà relié à Discord (salon 777)");
        assertThat(answer("!bridge link rocketchat R1")).as("several bridges in one room (three-way)").contains("caisse");
        assertThat(answer("!bridge status rocketchat")).contains("R1");
        assertThat(answer("!bridge status discord")).contains("777");
        assertThat(answer("!bridge unlink discord")).isEqualTo("Salon délié de Discord : plus rien ne passe.");
        String status = answer("!bridge status");
        assertThat(status).contains("R1").doesNotContain("777");

        // The first bridge fails to start and the runtime drops that instance's commands:
        // !bridge belongs to the bridges, so the second one still answers it.
        rig.router.unregisterAll("discord");
        rig.plugin.close();
        assertThat(answer("!bridge status")).contains("R1");
        assertThat(answer("!bridge link discord 777")).startsWith("Réseau inconnu « discord ». Disponible(s) : rocketchat");
    }
}
