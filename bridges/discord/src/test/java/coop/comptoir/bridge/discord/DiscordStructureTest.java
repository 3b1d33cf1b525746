package coop.comptoir.bridge.discord;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteStructure;
import coop.comptoir.bridge.testing.RecordingHost;
import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import coop.comptoir.testing.discord.FakeMessage;
import java.time.Duration;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server's layout as JDA reads it from the fake Discord: categories, text channels with their
 * topic and category, who may see each (the {@code @everyone} overwrite), and what cannot be
 * mirrored; and the bot's own notices, which are never bridged back.
 */
@Timeout(60)
class DiscordStructureTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private FakeDiscord discord;
    private RecordingHost host;
    private JdaDiscordConnector connector;
    private FakeChannel general;
    private FakeChannel benevoles;
    private FakeChannel planning;
    private FakeChannel bureau;
    private FakeChannel coffre;

    @BeforeEach
    void start() throws Exception {
        discord = FakeDiscord.builder().guild("Coop du Marché", "general").user("alice", "Alice").start();
        SpecCheck.require(discord);
        general = discord.channel("general");
        String guild = general.guildId();
        benevoles = discord.addCategory(guild, "Bénévoles");
        planning = discord.addTextChannel(guild, "planning", benevoles.id(), "Les créneaux de la semaine");
        bureau = discord.addTextChannel(guild, "bureau", benevoles.id(), null);
        discord.makePrivate(bureau.id(), true);
        coffre = discord.addTextChannel(guild, "coffre", null, null);
        discord.makePrivate(coffre.id(), false);
        discord.addVoiceChannel(guild, "Salon vocal");
        host = new RecordingHost("discord").link(general.id());
        connector = ConnectorOnFake.start(discord, guild, "fr", new OkHttpClient(), ThreadPlaces.inMemory(10), host);
    }

    @AfterEach
    void stop() {
        ConnectorOnFake.stop(connector, discord, false);
    }

    @Test
    void categoriesChannelsTopicsAndPrivateChannelsAreRead() throws Exception {
        RemoteStructure s = connector.structure();

        assertThat(s.id()).isEqualTo(general.guildId());
        assertThat(s.name()).isEqualTo("Coop du Marché");
        assertThat(s.categories()).containsExactly(new RemoteStructure.Category(benevoles.id(), "Bénévoles", true));
        assertThat(s.channels()).containsExactly(
                new RemoteStructure.Channel(new RemoteChannelId(general.id()), "general", "", Optional.empty(), true),
                new RemoteStructure.Channel(new RemoteChannelId(planning.id()), "planning", "Les créneaux de la semaine",
                        Optional.of(benevoles.id()), true),
                new RemoteStructure.Channel(new RemoteChannelId(bureau.id()), "bureau", "", Optional.of(benevoles.id()), false));
        assertThat(s.skipped()).extracting(RemoteStructure.Skipped::name, RemoteStructure.Skipped::reason).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("coffre", RemoteStructure.Reason.NO_ACCESS),
                org.assertj.core.groups.Tuple.tuple("Salon vocal", RemoteStructure.Reason.NOT_TEXT));
    }

    @Test
    void aChannelOpenedAfterStartIsSeen() throws Exception {
        FakeChannel nouveau = discord.addTextChannel(general.guildId(), "nouveau", benevoles.id(), null);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (connector.structure().channels().stream().noneMatch(c -> c.id().value().equals(nouveau.id()))) {
            assertThat(System.nanoTime()).as("the new channel is seen").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void everyoneMayViewUnlessDeniedOrLackingTheRight() {
        long view = DiscordStructure.VIEW_CHANNEL;
        assertThat(DiscordStructure.openToEveryone(view, 0, 0)).isTrue();
        assertThat(DiscordStructure.openToEveryone(view, 0, view)).isFalse();
        assertThat(DiscordStructure.openToEveryone(0, 0, 0)).isFalse();
        assertThat(DiscordStructure.openToEveryone(0, view, 0)).isTrue();
        assertThat(DiscordStructure.openToEveryone(DiscordStructure.ADMINISTRATOR, 0, view)).isTrue();
    }

    @Test
    void aNoticeIsPostedByTheBotPingingNoOneAndNotBridgedBack() throws Exception {
        var id = connector.postNotice(new RemoteChannelId(general.id()), "Bonjour @everyone, on passe sur Matrix : https://matrix.to/#/!a:b");

        FakeMessage posted = discord.findMessage(id.value()).orElseThrow();
        assertThat(posted.authorId()).isEqualTo(discord.bot().id());
        assertThat(posted.content()).contains("https://matrix.to/#/!a:b");
        assertThat(discord.requests("POST", "/channels/\\d+/messages").get(0).json().path("allowed_mentions").path("parse"))
                .isEmpty();
        FakeMessage after = discord.userSays(general.id(), discord.user("alice").id(), "vu !");
        host.await(RemoteEvent.Message.class, e -> e.id().value().equals(after.id()), WAIT);
        assertThat(host.all(RemoteEvent.Message.class)).extracting(e -> e.id().value()).doesNotContain(id.value());
    }

    @Test
    void renamedAndDeletedChannelsAreToldToTheHost() throws Exception {
        discord.editChannel(planning.id(), "planning-semaine", "Créneaux et remplacements");
        discord.editChannel(benevoles.id(), "Bénévoles actifs", null);
        discord.deleteChannel(coffre.id());
        long deadline = System.nanoTime() + WAIT.toNanos();
        RemoteChannel renamed = new RemoteChannel(new RemoteChannelId(planning.id()), "planning-semaine", "Créneaux et remplacements");
        RemoteChannel category = new RemoteChannel(new RemoteChannelId(benevoles.id()), "Bénévoles actifs", "");
        while (!host.changedChannels.containsAll(java.util.List.of(renamed, category)) || host.deletedChannels.isEmpty()) {
            assertThat(System.nanoTime()).as("the changes are told").isLessThan(deadline);
            RecordingHost.sleep(50);
        }
        // JDA tells of a name and a topic changed at once as two changes: the host reads the channel again
        assertThat(host.changedChannels).extracting(RemoteChannel::id)
                .containsOnly(renamed.id(), category.id());
        assertThat(host.changedChannels.get(host.changedChannels.size() - 1)).isIn(renamed, category);
        assertThat(connector.channel(renamed.id())).map(RemoteChannel::description).contains("Créneaux et remplacements");
        assertThat(host.deletedChannels).containsExactly(new RemoteChannel(new RemoteChannelId(coffre.id()), "coffre", ""));
        assertThat(connector.structure().channels()).extracting(RemoteStructure.Channel::name)
                .contains("planning-semaine").doesNotContain("coffre");
    }
}
