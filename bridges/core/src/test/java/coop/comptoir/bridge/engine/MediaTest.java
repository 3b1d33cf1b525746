package coop.comptoir.bridge.engine;

import static coop.comptoir.bridge.engine.Rig.ALICE;
import static coop.comptoir.bridge.engine.Rig.BOB;
import static coop.comptoir.bridge.engine.Rig.CHANNEL;
import static coop.comptoir.bridge.engine.Rig.ROOM;
import static coop.comptoir.bridge.engine.Rig.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.RemoteAttachment;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.RemoteUser;
import coop.comptoir.bridge.api.RemoteUserId;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Files both ways; the remote side takes 100 bytes, the homeserver 1000 (see the fakes). */
class MediaTest extends LinkedEngineTest {
    private ObjectNode image(String name, int size) {
        return image(name, size, size);
    }

    /** An image of {@code size} bytes whose event claims {@code claimed} bytes. */
    private ObjectNode image(String name, int size, int claimed) {
        MxcUri uri = rig.matrix.media().put(new byte[size], "image/png", name);
        ObjectNode c = Rig.JSON.objectNode().put("msgtype", "m.image").put("body", name).put("url", uri.toString());
        c.putObject("info").put("mimetype", "image/png").put("size", claimed);
        return c;
    }

    @Test
    void aMatrixImageIsUploadedToTheRemoteSide() throws Exception {
        rig.deliver(rig.event("m.room.message", ALICE, image("photo.png", 60)));
        await("posted", () -> net.posted.size() == 1);
        var att = net.posted.get(0).message().attachments();
        assertThat(att).hasSize(1);
        assertThat(att.get(0).fileName()).isEqualTo("photo.png");
        assertThat(att.get(0).contentType()).isEqualTo("image/png");
        assertThat(att.get(0).data()).hasSize(60);
    }

    @Test
    void aMatrixFileTooLargeForTheRemoteSideIsNamedThereAndTheRoomIsTold() throws Exception {
        rig.deliver(rig.event("m.room.message", ALICE, image("plan.png", 150)));
        await("posted", () -> net.posted.size() == 1);
        await("notice", () -> rig.matrix.noticesIn(ROOM).size() == 1);
        assertThat(net.posted.get(0).message().attachments()).isEmpty();
        assertThat(net.posted.get(0).body()).contains("plan.png").contains("trop lourd");
        assertThat(rig.matrix.noticesIn(ROOM).get(0).body())
                .isEqualTo("Le fichier « plan.png » (1 Ko) est trop lourd pour Discord (1 Ko au plus) : seul son nom y a été transmis.");
    }

    @Test
    void aFileClaimingToBeSmallIsStillNamedNotCarriedAndNeverReadWhole() throws Exception {
        rig.deliver(rig.event("m.room.message", ALICE, image("plan.png", 5000, 10)));
        await("posted", () -> net.posted.size() == 1);
        await("notice", () -> rig.matrix.noticesIn(ROOM).size() == 1);

        assertThat(net.posted.get(0).message().attachments()).isEmpty();
        assertThat(net.posted.get(0).body()).isEqualTo("📎 plan.png (5 Ko, trop lourd pour être copié depuis Matrix)");
        assertThat(rig.matrix.noticesIn(ROOM).get(0).body())
                .isEqualTo("Le fichier « plan.png » (5 Ko) est trop lourd pour Discord (1 Ko au plus) : seul son nom y a été transmis.");
        assertThat(rig.matrix.media().downloads()).singleElement().satisfies(d -> assertThat(d.maxBytes()).isEqualTo(100));
        assertThat(rig.matrix.media().bytesRead()).isZero();
    }

    @Test
    void aFileOfUnannouncedSizeIsReadOnlyUpToTheLimit() throws Exception {
        rig.matrix.media().declaresLength(false);
        ObjectNode file = image("plan.png", 5000, 10);
        ((ObjectNode) file.get("info")).remove("size");
        rig.deliver(rig.event("m.room.message", ALICE, file));
        await("notice", () -> rig.matrix.noticesIn(ROOM).size() == 1);

        assertThat(net.posted.get(0).body()).isEqualTo("📎 plan.png (trop lourd pour être copié depuis Matrix)");
        assertThat(rig.matrix.noticesIn(ROOM).get(0).body())
                .isEqualTo("Le fichier « plan.png » est trop lourd pour Discord (1 Ko au plus) : seul son nom y a été transmis.");
        assertThat(rig.matrix.media().bytesRead()).isLessThanOrEqualTo(101);
    }

    @Test
    void aFileTheHomeserverCannotGiveIsNotCalledTooLarge() throws Exception {
        ObjectNode c = Rig.JSON.objectNode().put("msgtype", "m.file").put("body", "perdu.pdf")
                .put("url", "mxc://coop.example/gone");
        c.putObject("info").put("size", 10);
        rig.deliver(rig.event("m.room.message", ALICE, c));
        await("notice", () -> rig.matrix.noticesIn(ROOM).size() == 1);

        assertThat(rig.matrix.noticesIn(ROOM).get(0).body()).startsWith("Ce message n'a pas pu être transmis sur Discord")
                .doesNotContain("trop lourd");
        assertThat(net.posted).isEmpty();
    }

    @Test
    void aRemoteAvatarRefusedForGoodIsNotFetchedAgainForEachMessage() {
        URI avatar = URI.create("https://cdn.example/avatars/42/huge.png");
        net.files.put(avatar, new byte[(int) Ghosts.MAX_AVATAR_BYTES + 1]);
        RemoteUser carl = new RemoteUser(new RemoteUserId("43"), "Carl", Optional.of(avatar));
        for (int i = 1; i <= 3; i++) {
            rig.remote(new RemoteEvent.Message(CHANNEL, new RemoteMessageId("c" + i), carl, Instant.now(),
                    MatrixContent.text("message " + i), Optional.empty(), Optional.empty(), List.of()));
        }
        await("three messages", () -> rig.matrix.chatIn(ROOM).size() == 3);

        assertThat(net.downloads).containsExactly(avatar);
    }

    @Test
    void aRemoteAttachmentIsReuploadedAndSentByTheGhost() {
        URI url = URI.create("https://cdn.example/a/chat.jpg");
        net.files.put(url, new byte[]{(byte) 0xff, (byte) 0xd8, 1, 2});
        rig.remote(new RemoteEvent.Message(CHANNEL, new RemoteMessageId("1"), BOB, Instant.now(), MatrixContent.text("regardez"),
                Optional.empty(), Optional.empty(), List.of(new RemoteAttachment("chat.jpg", "image/jpeg", 4, url))));
        await("two parts", () -> rig.matrix.chatIn(ROOM).size() == 2);
        var parts = rig.matrix.chatIn(ROOM);
        assertThat(parts.get(0).body()).isEqualTo("regardez");
        assertThat(parts.get(1).msgtype()).isEqualTo("m.image");
        assertThat(parts.get(1).body()).isEqualTo("chat.jpg");
        assertThat(rig.matrix.download(MxcUri.parse(parts.get(1).content().path("url").asText()), 4)).hasSize(4);
        assertThat(parts.get(1).content().path("m.mentions").has("room")).isFalse();
    }

    @Test
    void aRemoteAttachmentTooLargeForTheHomeserverBecomesALink() {
        URI url = URI.create("https://cdn.example/a/video.mp4");
        net.files.put(url, new byte[5000]);
        rig.remote(new RemoteEvent.Message(CHANNEL, new RemoteMessageId("1"), BOB, Instant.now(), MatrixContent.text(""),
                Optional.empty(), Optional.empty(), List.of(new RemoteAttachment("video.mp4", "video/mp4", 5000, url))));
        await("sent", () -> rig.matrix.chatIn(ROOM).size() == 1);
        assertThat(rig.matrix.chatIn(ROOM).get(0).body())
                .isEqualTo("📎 video.mp4 (5 Ko), trop lourd pour être copié ici : https://cdn.example/a/video.mp4");
    }

    @Test
    void aRemoteFileWithACaptionIsOneMatrixFileWithThatCaption() {
        URI url = URI.create("https://cdn.example/a/menu.pdf");
        net.files.put(url, new byte[]{1, 2, 3});
        MatrixContent caption = new MatrixContent("m.text", "Le *menu* de la semaine", Optional.of("Le <em>menu</em> de la semaine"),
                java.util.Set.of(ALICE));
        rig.remote(new RemoteEvent.Message(CHANNEL, new RemoteMessageId("1"), BOB, Instant.now(), MatrixContent.text(""),
                Optional.empty(), Optional.empty(), List.of(new RemoteAttachment("menu.pdf", "application/pdf", 3, url,
                        Optional.of(caption)))));
        await("sent", () -> rig.matrix.chatIn(ROOM).size() == 1);
        var file = rig.matrix.chatIn(ROOM).get(0);
        assertThat(file.msgtype()).isEqualTo("m.file");
        assertThat(file.body()).isEqualTo("Le *menu* de la semaine");
        assertThat(file.content().path("filename").asText()).isEqualTo("menu.pdf");
        assertThat(file.content().path("format").asText()).isEqualTo("org.matrix.custom.html");
        assertThat(file.content().path("formatted_body").asText()).isEqualTo("Le <em>menu</em> de la semaine");
        assertThat(file.content().path("m.mentions").path("user_ids").get(0).asText()).isEqualTo(ALICE.value());

        URI gone = URI.create("https://cdn.example/a/huge.mp4");
        net.files.put(gone, new byte[5000]);
        rig.remote(new RemoteEvent.Message(CHANNEL, new RemoteMessageId("2"), BOB, Instant.now(), MatrixContent.text(""),
                Optional.empty(), Optional.empty(), List.of(new RemoteAttachment("huge.mp4", "video/mp4", 5000, gone,
                        Optional.of(MatrixContent.text("la vidéo de l'AG"))))));
        await("sent", () -> rig.matrix.chatIn(ROOM).size() == 2);
        assertThat(rig.matrix.chatIn(ROOM).get(1).body()).startsWith("la vidéo de l'AG\n📎 huge.mp4");
    }

    @Test
    void anEditedRemoteFileKeepsItsFileAndChangesItsCaption() {
        URI url = URI.create("https://cdn.example/a/plan.png");
        net.files.put(url, new byte[]{7, 8});
        rig.remote(new RemoteEvent.Message(CHANNEL, new RemoteMessageId("1"), BOB, Instant.now(), MatrixContent.text(""),
                Optional.empty(), Optional.empty(), List.of(new RemoteAttachment("plan.png", "image/png", 2, url))));
        await("sent", () -> rig.matrix.chatIn(ROOM).size() == 1);
        var file = rig.matrix.chatIn(ROOM).get(0);
        rig.remote(new RemoteEvent.Edit(CHANNEL, new RemoteMessageId("1"), BOB, Instant.now(),
                new MatrixContent("m.text", "Plan du magasin", Optional.of("Plan du <strong>magasin</strong>"), java.util.Set.of())));
        await("edited", () -> rig.matrix.eventsIn(ROOM).stream().anyMatch(x -> x.content().has("m.new_content")));
        var edit = rig.matrix.eventsIn(ROOM).stream().filter(x -> x.content().has("m.new_content")).findFirst().orElseThrow().content();
        assertThat(edit.path("m.relates_to").path("rel_type").asText()).isEqualTo("m.replace");
        assertThat(edit.path("m.relates_to").path("event_id").asText()).isEqualTo(file.eventId().value());
        var now = edit.path("m.new_content");
        assertThat(now.path("msgtype").asText()).isEqualTo("m.image");
        assertThat(now.path("url").asText()).isEqualTo(file.content().path("url").asText());
        assertThat(now.path("filename").asText()).isEqualTo("plan.png");
        assertThat(now.path("body").asText()).isEqualTo("Plan du magasin");
        assertThat(now.path("formatted_body").asText()).isEqualTo("Plan du <strong>magasin</strong>");
        assertThat(edit.path("body").asText()).isEqualTo("* Plan du magasin");
    }
}
