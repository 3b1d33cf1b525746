package coop.comptoir.bridge.engine;

import static coop.comptoir.bridge.engine.Rig.ALICE;
import static coop.comptoir.bridge.engine.Rig.ROOM;
import static coop.comptoir.bridge.engine.Rig.await;
import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.http.RouteRequest;
import coop.comptoir.api.http.RouteResponse;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.testing.MatrixCall;
import coop.comptoir.bridge.api.BridgeSettings;
import coop.comptoir.testing.TestDatabase;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Matrix senders' avatars reach the remote network through the bridge's signed avatar route. */
class AvatarTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0};

    @TempDir
    Path dir;
    TestConnector net = new TestConnector();
    Rig rig;

    private void start(Optional<URI> publicAddress) throws Exception {
        start(publicAddress, PNG);
    }

    private void start(Optional<URI> publicAddress, byte[] alicesAvatar) throws Exception {
        BridgeSettings base = Rig.settings(List.of());
        BridgeSettings settings = new BridgeSettings(base.ghostPrefix(), base.ghostNameTemplate(), base.links(),
                base.maxRetryDelay(), base.language(), publicAddress);
        rig = new Rig(() -> TestDatabase.open("jdbc:sqlite:" + dir.resolve("t.db"), 2), net, settings, 3);
        MxcUri avatar = rig.matrix.media().put(alicesAvatar, "image/png", "alice.png");
        rig.matrix.memberProfile(ROOM, ALICE, "Alice", avatar);
        rig.link();
        rig.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
    }

    @Test
    void theSendersAvatarIsServedAtASignedPublicAddress() throws Exception {
        start(Optional.of(URI.create("https://comptoir.example.coop/")));

        rig.matrixMessage(ALICE, "Coucou");
        await("posted", () -> net.posted.size() == 1);

        URI avatar = net.posted.get(0).message().sender().avatar().orElseThrow();
        assertThat(avatar.toString()).startsWith("https://comptoir.example.coop/_comptoir/plugins/discord/avatar/");
        RouteResponse served = get(avatar.getPath());
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.contentType()).isEqualTo("image/png");
        assertThat(served.body()).isEqualTo(PNG);

        String tampered = avatar.getPath().replaceFirst("/avatar/.", "/avatar/x");
        assertThat(get(tampered.equals(avatar.getPath()) ? avatar.getPath().replaceFirst("/avatar/.", "/avatar/y") : tampered)
                .status()).isEqualTo(404);
        assertThat(get(avatar.getPath().replaceAll("/[^/]+$", "/other-media")).status()).isEqualTo(404);
    }

    @Test
    void anAvatarAskedTwiceIsDownloadedOnce() throws Exception {
        URI avatar = avatarOfAlice(PNG);

        assertThat(get(avatar.getPath()).body()).isEqualTo(PNG);
        assertThat(get(avatar.getPath()).body()).isEqualTo(PNG);
        assertThat(rig.matrix.media().downloads()).hasSize(1);
    }

    @Test
    void anAvatarTooLargeIsRefusedOnceAndNotDownloadedAgain() throws Exception {
        byte[] huge = Arrays.copyOf(PNG, AvatarProxy.MAX_BYTES + 1);
        URI avatar = avatarOfAlice(huge);

        assertThat(get(avatar.getPath()).status()).isEqualTo(404);
        assertThat(get(avatar.getPath()).status()).isEqualTo(404);
        assertThat(get(avatar.getPath()).status()).isEqualTo(404);
        assertThat(rig.matrix.media().downloads()).singleElement()
                .satisfies(d -> assertThat(d.maxBytes()).isEqualTo(AvatarProxy.MAX_BYTES));
    }

    @Test
    void onlyImagesAreServed() throws Exception {
        URI avatar = avatarOfAlice("<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8));

        assertThat(get(avatar.getPath()).status()).isEqualTo(404);
        assertThat(get(avatar.getPath()).status()).isEqualTo(404);
        assertThat(rig.matrix.media().downloads()).hasSize(1);
    }

    @Test
    void aHomeserverOutageIsNotRememberedAsARefusal() throws Exception {
        URI avatar = avatarOfAlice(PNG);
        rig.matrix.failNext(1, new MatrixException(503, "M_UNKNOWN", "the media store is down"), MatrixCall.DOWNLOAD);

        assertThat(get(avatar.getPath()).status()).isEqualTo(502);
        assertThat(get(avatar.getPath()).body()).isEqualTo(PNG);
        assertThat(rig.matrix.media().downloads()).hasSize(2);
    }

    @Test
    void anAvatarGoneFromTheHomeserverIsRefusedOnce() throws Exception {
        URI avatar = avatarOfAlice(PNG);
        rig.matrix.media().purge();

        assertThat(get(avatar.getPath()).status()).isEqualTo(404);
        assertThat(get(avatar.getPath()).status()).isEqualTo(404);
        assertThat(rig.matrix.media().downloads()).hasSize(1);
    }

    @Test
    void requestsAtTheSameTimeShareOneDownload() throws Exception {
        URI avatar = avatarOfAlice(PNG);
        rig.matrix.media().hold();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<RouteResponse>> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(pool.submit(() -> get(avatar.getPath())));
            }
            await("the first download started", () -> !rig.matrix.media().downloads().isEmpty());
            Thread.sleep(200); // the others arrive meanwhile
            rig.matrix.media().release();
            for (Future<RouteResponse> a : answers) {
                assertThat(a.get(10, TimeUnit.SECONDS).body()).isEqualTo(PNG);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(rig.matrix.media().downloads()).hasSize(1);
    }

    /** Starts the bridge with Alice's avatar, lets her speak and returns the avatar address handed to the remote side. */
    private URI avatarOfAlice(byte[] image) throws Exception {
        start(Optional.of(URI.create("https://comptoir.example.coop/")), image);
        rig.matrixMessage(ALICE, "Coucou");
        await("posted", () -> net.posted.size() == 1);
        return net.posted.get(0).message().sender().avatar().orElseThrow();
    }

    @Test
    void withoutAPublicAddressSendersHaveNoAvatarAndNothingIsServed() throws Exception {
        start(Optional.empty());

        rig.matrixMessage(ALICE, "Coucou");
        await("posted", () -> net.posted.size() == 1);

        assertThat(net.posted.get(0).message().sender().avatar()).isEmpty();
        assertThat(rig.ctx.registeredRoutes()).isEmpty();
    }

    private RouteResponse get(String path) {
        return rig.get(path);
    }
}
