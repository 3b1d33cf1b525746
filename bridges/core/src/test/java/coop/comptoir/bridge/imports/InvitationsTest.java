package coop.comptoir.bridge.imports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.text.Catalogue;
import coop.comptoir.api.text.TextSettings;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteStructure;
import coop.comptoir.testing.FakePluginContext;
import coop.comptoir.testing.PluginConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code !migration invite}: the message posted on the old side, once per channel per period, tu or vous as the coop says. */
class InvitationsTest {
    static final RoomId GENERAL_ROOM = RoomId.of("!general:coop.test");
    static final RoomId PLANNING_ROOM = RoomId.of("!planning:coop.test");
    static final String ELEMENT = "https://element.macoop.fr";

    @TempDir
    Path dir;
    FakePluginContext ctx;
    FakeBridge bridge;
    Invitations invitations;
    Catalogue vous;
    Catalogue tu;
    Catalogue en;

    @BeforeEach
    void setUp() {
        ctx = FakePluginContext.builder("migration", "migration", dir).serverName("coop.test").build();
        bridge = new FakeBridge(new RemoteStructure("900", "Coop", List.of(), List.of(
                new RemoteStructure.Channel(new RemoteChannelId("1"), "general", "", Optional.empty(), true),
                new RemoteStructure.Channel(new RemoteChannelId("2"), "planning", "", Optional.empty(), true)), List.of()));
        bridge.link(GENERAL_ROOM, new RemoteChannelId("1"), UserId.of("@lea:coop.test"));
        bridge.link(PLANNING_ROOM, new RemoteChannelId("2"), UserId.of("@lea:coop.test"));
        invitations = new Invitations(ctx.matrix(), new MigrationTables(ctx.database()), "coop.test", ctx.clock(),
                LoggerFactory.getLogger("test"));
        vous = Catalogue.load("migration", Invitations.class, TextSettings.DEFAULT);
        tu = Catalogue.load("migration", Invitations.class, TextSettings.DEFAULT.withAddress("tu"));
        en = vous.in("en");
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private String invite(String channel, Catalogue posting) {
        return invitations.invite(Invitations.select(Invitations.targets(List.of(bridge)), channel), Duration.ofDays(14), ELEMENT,
                posting, vous);
    }

    @Test
    void eachBridgedChannelGetsTheLinkOfItsRoomAndTheCoopsElement() {
        String answer = invite(null, vous);

        assertThat(bridge.notices).hasSize(2);
        FakeBridge.Notice general = bridge.notices.get(0);
        assertThat(general.channel().value()).isEqualTo("1");
        assertThat(general.text()).startsWith("Bonjour à toutes et tous")
                .contains("https://matrix.to/#/!general:coop.test?via=coop.test")
                .contains(ELEMENT).contains("ouvrez");
        assertThat(bridge.notices.get(1).text()).contains("https://matrix.to/#/!planning:coop.test?via=coop.test");
        assertThat(answer).contains("Invitation postée dans 2 salons : #general, #planning");
    }

    @Test
    void aRoomWithAnAliasIsLinkedByItsAlias() {
        ctx.recordingMatrix().sendState(GENERAL_ROOM, "m.room.canonical_alias", "",
                JsonNodeFactory.instance.objectNode().put("alias", "#general:coop.test"));
        invite("general", vous);
        assertThat(bridge.notices).singleElement().extracting(FakeBridge.Notice::text).asString()
                .contains("https://matrix.to/#/#general:coop.test");
    }

    @Test
    void aChannelIsInvitedAtMostOncePerPeriod() {
        invite("#general", vous);
        ctx.fakeClock().advance(Duration.ofDays(13));

        String again = invite("general", vous);
        assertThat(bridge.notices).hasSize(1);
        assertThat(again).contains("Déjà invité il y a moins de 14 jours").contains("#general (prochaine possible le");

        String other = invite(null, vous);
        assertThat(bridge.notices).hasSize(2);
        assertThat(bridge.notices.get(1).channel().value()).isEqualTo("2");
        assertThat(other).contains("#planning").contains("Déjà invité");

        ctx.fakeClock().advance(Duration.ofDays(1));
        invite("general", vous);
        assertThat(bridge.notices).hasSize(3);
    }

    @Test
    void theMessageSpeaksAsTheCoopChooses() {
        invite("general", tu);
        assertThat(bridge.notices.get(0).text()).contains("ouvre ").contains("suis le lien").doesNotContain("ouvrez");
        invite("planning", en);
        assertThat(bridge.notices.get(1).text()).startsWith("Hello everyone").contains(ELEMENT);
    }

    @Test
    void anUnknownChannelIsNotInvited() {
        assertThat(Invitations.select(Invitations.targets(List.of(bridge)), "cuisine")).isEmpty();
        assertThat(Invitations.select(Invitations.targets(List.of(bridge)), "2")).singleElement()
                .extracting(Invitations.Target::name).isEqualTo("planning");
    }

    @Test
    void elementUrlAndInviteEveryAreChecked() {
        var bad = PluginConfigs.of("migration", "plugins[1]", JsonNodeFactory.instance.objectNode()
                .put("element_url", "element.macoop.fr").put("invite_every", "0d"), "coop.test");
        assertThat(PluginConfigs.check(new MigrationFactory(), bad).list()).extracting(Object::toString)
                .anySatisfy(p -> assertThat(p).contains("plugins[1].element_url"))
                .anySatisfy(p -> assertThat(p).contains("plugins[1].invite_every"));
        var fine = PluginConfigs.of("migration", "plugins[1]", JsonNodeFactory.instance.objectNode()
                .put("element_url", ELEMENT).put("invite_every", "7d"), "coop.test");
        assertThat(PluginConfigs.check(new MigrationFactory(), fine).list()).isEmpty();
        assertThat(PluginConfigs.bind(new MigrationFactory(), fine).inviteEveryOrDefault()).isEqualTo(Duration.ofDays(7));
        var none = PluginConfigs.of("migration", "plugins[1]", JsonNodeFactory.instance.objectNode(), "coop.test");
        assertThat(PluginConfigs.bind(new MigrationFactory(), none).inviteEveryOrDefault()).isEqualTo(Duration.ofDays(14));
    }
}
