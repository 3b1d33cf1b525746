package coop.comptoir.bridge.engine;

import static coop.comptoir.bridge.engine.Rig.ADMIN;
import static coop.comptoir.bridge.engine.Rig.ALICE;
import static coop.comptoir.bridge.engine.Rig.BOB;
import static coop.comptoir.bridge.engine.Rig.CHANNEL;
import static coop.comptoir.bridge.engine.Rig.ROOM;
import static coop.comptoir.bridge.engine.Rig.ROOM_ADMIN;
import static coop.comptoir.bridge.engine.Rig.await;
import static coop.comptoir.bridge.engine.Rig.settle;
import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.UserId;
import coop.comptoir.api.text.TextSettings;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.NoticeCapable;
import coop.comptoir.bridge.api.RemoteAttachment;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.RemoteUser;
import coop.comptoir.bridge.api.RemoteUserId;
import coop.comptoir.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code !bridge retire}: the import offered first, the final notice, the one-way grace period, the end, a restart, a cancel. */
class RetirementTest {
    /** A network where the bot posts in its own name, recording what it posted. */
    static class NoticeConnector extends TestConnector implements NoticeCapable {
        record Notice(RemoteChannelId channel, RemoteMessageId replyTo, String text) {}

        final List<Notice> notices = new CopyOnWriteArrayList<>();
        private final AtomicInteger noticeIds = new AtomicInteger(5000);

        @Override
        public RemoteMessageId postNotice(RemoteChannelId channel, String text) {
            notices.add(new Notice(channel, null, text));
            return new RemoteMessageId(String.valueOf(noticeIds.incrementAndGet()));
        }

        @Override
        public RemoteMessageId replyNotice(RemoteChannelId channel, RemoteMessageId replyTo, String text) {
            notices.add(new Notice(channel, replyTo, text));
            return new RemoteMessageId(String.valueOf(noticeIds.incrementAndGet()));
        }

        List<Notice> replies() {
            return notices.stream().filter(n -> n.replyTo() != null).toList();
        }
    }

    static final RemoteUser CAROLE = new RemoteUser(new RemoteUserId("43"), "Carole", Optional.empty());
    static final String LINK = "https://matrix.to/#/" + ROOM.value() + "?via=" + Rig.SERVER;

    @TempDir
    Path dir;
    final NoticeConnector net = new NoticeConnector();
    Rig rig;
    private final AtomicInteger remoteIds = new AtomicInteger(100);

    /** The database of the engine; null for SQLite in a temporary folder (overridden to run the same on PostgreSQL). */
    String databaseUrl() {
        return null;
    }

    @BeforeEach
    void startEngine() throws Exception {
        net.channels.put(CHANNEL, new RemoteChannel(CHANNEL, "general", ""));
        String url = databaseUrl() == null ? "jdbc:sqlite:" + dir.resolve("t.db") : databaseUrl();
        rig = new Rig(() -> TestDatabase.open(url, 2), net,
                Rig.settings(List.of()).withRetireGrace(Duration.ofDays(7)), 3);
        rig.link();
        rig.start();
    }

    @AfterEach
    void stopEngine() throws Exception {
        if (rig != null) {
            rig.close();
            rig = null;
        }
    }

    private String answer(UserId who, String command) throws Exception {
        int before = rig.matrix.noticesIn(ROOM).size();
        rig.matrixMessage(who, command);
        await("answer to " + command, () -> rig.matrix.noticesIn(ROOM).size() > before);
        return rig.matrix.noticesIn(ROOM).get(before).body();
    }

    /** A message written on the old side now (live). */
    private RemoteEvent.Message says(RemoteUser who, String body) {
        RemoteEvent.Message m = new RemoteEvent.Message(CHANNEL, new RemoteMessageId(String.valueOf(remoteIds.incrementAndGet())), who,
                rig.clock.instant(), MatrixContent.text(body), Optional.empty(), Optional.empty(), List.<RemoteAttachment>of());
        rig.remote(m);
        return m;
    }

    private boolean arrivedOnMatrix(String body) {
        return rig.matrix.chatIn(ROOM).stream().anyMatch(s -> s.body().contains(body));
    }

    private void retired() throws Exception {
        assertThat(answer(ADMIN, "!bridge retire confirm")).startsWith("Fermeture engagée : l'annonce est postée sur Discord.");
    }

    @Test
    void itIsForComptoirsAdministratorsAndOffersTheHistoryImportFirst() throws Exception {
        assertThat(answer(ROOM_ADMIN, "!bridge retire confirm")).isEqualTo(CommandsTest.FOR_ADMINS);
        assertThat(answer(ADMIN, "!bridge retire")).startsWith("Avant de fermer le pont : l'historique du salon Discord n'a pas"
                + " encore été copié ici.").contains("!bridge import").contains("!bridge retire confirm");
        assertThat(net.notices).isEmpty();
        assertThat(rig.engine.retirement.of(ROOM)).isEmpty();

        retired();
        assertThat(net.notices).singleElement().satisfies(n -> {
            assertThat(n.channel()).isEqualTo(CHANNEL);
            assertThat(n.text()).startsWith("C'est le grand départ").contains(LINK).contains("suivez le lien");
        });
        assertThat(answer(ADMIN, "!bridge retire")).startsWith("Ce salon est déjà en fermeture : le pont sera fermé le");
        assertThat(net.notices).hasSize(1);
        assertThat(answer(ADMIN, "!bridge status")).contains("Fermeture en cours : plus rien n'arrive de Discord, le pont sera fermé le "
                + rig.engine.texts.time(rig.clock.instant().plus(Duration.ofDays(7)).toEpochMilli()).substring(0, 10));
    }

    @Test
    void anImportFromAnExportFileIntoTheRoomCountsAsTheHistoryImport() throws Exception {
        coop.comptoir.bridge.imports.ImportRuns.record(rig.engine.ctx.database(), ROOM, "RUNNING");
        assertThat(answer(ADMIN, "!bridge retire")).isEqualTo(rig.engine.texts.retireImportRunning());
        assertThat(net.notices).isEmpty();

        coop.comptoir.bridge.imports.ImportRuns.record(rig.engine.ctx.database(), ROOM, "DONE");
        assertThat(answer(ADMIN, "!bridge retire")).startsWith("Fermeture engagée : l'annonce est postée sur Discord.");
        assertThat(net.notices).singleElement().satisfies(n -> assertThat(n.text()).contains(LINK));
    }

    @Test
    void duringTheGracePeriodTheOldSideIsToldOncePerPersonAndMatrixStillReachesIt() throws Exception {
        says(BOB, "avant la fermeture");
        await("before: carried", () -> arrivedOnMatrix("avant la fermeture"));
        retired();

        RemoteEvent.Message first = says(BOB, "encore là ?");
        says(BOB, "ohé ?");
        RemoteEvent.Message carole = says(CAROLE, "moi aussi");
        await("two replies", () -> net.replies().size() == 2);
        settle();
        assertThat(arrivedOnMatrix("encore là")).isFalse();
        assertThat(arrivedOnMatrix("ohé")).isFalse();
        assertThat(arrivedOnMatrix("moi aussi")).isFalse();
        assertThat(net.replies()).hasSize(2);
        // replies are posted off the receiving thread, in any order: one to Bob's first message, one to Carole's
        assertThat(net.replies()).extracting(NoticeConnector.Notice::replyTo).containsExactlyInAnyOrder(first.id(), carole.id());
        assertThat(net.replies()).allSatisfy(r -> assertThat(r.text()).startsWith("Ce salon a déménagé sur Matrix : votre message")
                .contains(LINK));

        rig.matrixMessage(ALICE, "on est ici maintenant");
        await("Matrix → remote still flows", () -> net.posted.stream().anyMatch(p -> p.body().contains("on est ici maintenant")));

        rig.advance(Duration.ofHours(25));
        says(BOB, "le lendemain");
        await("told again the next day", () -> net.replies().size() == 3);
    }

    @Test
    void whenTheGracePeriodEndsThePortalIsUnlinkedAndTheRoomTold() throws Exception {
        retired();
        rig.advance(Duration.ofDays(6));
        assertThat(rig.scheduler.runDue()).isZero();
        assertThat(rig.engine.portals.byRoom(ROOM)).isPresent();

        rig.advance(Duration.ofDays(1).plusSeconds(1));
        assertThat(rig.scheduler.runDue()).isEqualTo(1);
        assertThat(rig.engine.portals.byRoom(ROOM)).isEmpty();
        assertThat(rig.engine.retirement.of(ROOM)).isEmpty();
        assertThat(rig.matrix.noticesIn(ROOM).get(rig.matrix.noticesIn(ROOM).size() - 1).body())
                .isEqualTo("Le pont avec #general sur Discord est fermé : la conversation continue ici. Merci à toutes et tous d'avoir"
                        + " fait le voyage !");
        assertThat(answer(ADMIN, "!bridge status")).isEqualTo("Ce salon n'est pas relié à Discord.");
    }

    @Test
    void aRestartDuringTheGracePeriodKeepsTheStateAndTheEnd() throws Exception {
        retired();
        rig.restart();
        assertThat(answer(ADMIN, "!bridge status")).contains("Fermeture en cours");
        says(BOB, "après le redémarrage");
        await("the moved reply", () -> net.replies().size() == 1);
        settle();
        assertThat(arrivedOnMatrix("après le redémarrage")).isFalse();
        assertThat(net.notices.stream().filter(n -> n.replyTo() == null)).hasSize(1);

        rig.advance(Duration.ofDays(7).plusSeconds(1));
        assertThat(rig.scheduler.runDue()).isEqualTo(1);
        assertThat(rig.engine.portals.byRoom(ROOM)).isEmpty();
    }

    @Test
    void cancelMakesThePortalTwoWayAgain() throws Exception {
        assertThat(answer(ADMIN, "!bridge retire cancel")).isEqualTo("Ce salon n'est pas en fermeture.");
        retired();
        assertThat(answer(ADMIN, "!bridge retire annuler")).isEqualTo("Fermeture annulée : les messages passent de nouveau dans les"
                + " deux sens.");
        says(BOB, "de retour");
        await("carried again", () -> arrivedOnMatrix("de retour"));
        rig.advance(Duration.ofDays(8));
        assertThat(rig.scheduler.runDue()).isZero();
        assertThat(rig.engine.portals.byRoom(ROOM)).isPresent();
        assertThat(net.replies()).isEmpty();
        assertThat(answer(ADMIN, "!bridge status")).doesNotContain("Fermeture");
    }

    @Test
    void theNoticesFollowTheCoopsAddressAndLanguage() {
        ZoneId zone = ZoneId.of("UTC");
        assertThat(new Texts(TextSettings.DEFAULT.withAddress("tu"), "discord", zone).retireNotice("L", "E"))
                .contains("suis le lien").contains("tu verras").contains("L").contains("E");
        assertThat(new Texts(TextSettings.DEFAULT.withAddress("tu"), "discord", zone).retireMoved("L"))
                .startsWith("Ce salon a déménagé sur Matrix : ton message");
        assertThat(new Texts(TextSettings.DEFAULT.withLanguage("en"), "discord", zone).retireNotice("L", "E"))
                .startsWith("Time to move").contains("follow the link");
    }
}
