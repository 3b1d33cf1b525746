package coop.comptoir.bridge.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.BridgeHost;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteUserId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The engine's directory: a connector gets ghost pills and portal links from remote IDs alone. */
class HostDirectoryTest {
    private static final UserId GHOST = UserId.of("@_rc_marie:example.org");
    private static final RoomId PORTAL = RoomId.of("!portal:example.org");

    private final BridgeHost host = mock(BridgeHost.class);
    private final HostDirectory directory;

    HostDirectoryTest() {
        when(host.ghostOf(new RemoteUserId("marie"))).thenReturn(GHOST);
        when(host.remoteUserOf(GHOST)).thenReturn(Optional.of(new RemoteUserId("marie")));
        when(host.roomOf(new RemoteChannelId("GENERAL"))).thenReturn(Optional.of(PORTAL));
        when(host.channelOf(PORTAL)).thenReturn(Optional.of(new RemoteChannelId("GENERAL")));
        directory = new HostDirectory(host, id -> Optional.ofNullable(Map.of("marie", "Marie").get(id)),
                id -> Optional.ofNullable(Map.of("GENERAL", "general", "RANDOM", "random").get(id)));
    }

    @Test
    void remoteMentionsBecomePillsAndMentions() {
        RichText tree = RichText.of(new RichNode.Text("merci "), RichNode.UserMention.remote("marie"),
                new RichNode.Text(" et "), RichNode.UserMention.remote("paul"), new RichNode.Text(" sur "),
                RichNode.RoomMention.remote("GENERAL"), new RichNode.Text(" "), RichNode.RoomMention.remote("RANDOM"));

        MatrixContent content = new MatrixHtmlWriter(directory).write(tree).toContent("m.text");

        assertThat(content.body()).isEqualTo("merci Marie et @paul sur #general #random");
        assertThat(content.html()).contains("merci <a href=\"https://matrix.to/#/@_rc_marie:example.org\">Marie</a> et @paul sur "
                + "<a href=\"https://matrix.to/#/!portal:example.org\">#general</a> #random");
        assertThat(content.mentions()).containsExactly(GHOST);
    }

    @Test
    void pillsToGhostsAndPortalsCarryTheirRemoteIds() {
        MatrixContent content = new MatrixContent("m.text", "x", Optional.of(
                "<a href=\"https://matrix.to/#/@_rc_marie:example.org\">Marie</a> "
                        + "<a href=\"https://matrix.to/#/!portal:example.org\">#general</a>"), Set.of(GHOST));

        assertThat(RichTrees.canonical(new MatrixHtmlReader(directory).readContent(content)).nodes()).containsExactly(
                new RichNode.UserMention(GHOST, "marie", "Marie"), new RichNode.Text(" "),
                new RichNode.RoomMention("!portal:example.org", "GENERAL", "#general"));
    }

    @Test
    void aMessageWithoutHtmlIsReadLiterally() {
        MatrixContent content = new MatrixContent("m.text", "*pas gras*", Optional.of(" \n"), Set.of());

        assertThat(new MatrixHtmlReader(directory).readContent(content).nodes()).containsExactly(new RichNode.Text("*pas gras*"));
        assertThat(new MatrixHtmlReader(directory).readContent(MatrixContent.text("a\nb")).nodes())
                .isEqualTo(List.of(new RichNode.Text("a"), new RichNode.LineBreak(), new RichNode.Text("b")));
    }
}
