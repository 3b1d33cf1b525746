package coop.comptoir.bridge.engine;

import static coop.comptoir.bridge.engine.Rig.ALICE;
import static coop.comptoir.bridge.engine.Rig.ROOM;
import static coop.comptoir.bridge.engine.Rig.await;
import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.http.RouteRequest;
import coop.comptoir.api.http.RouteResponse;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.bridge.api.BridgeSettings;
import coop.comptoir.internal.store.JdbcDatabase;
import java.net.URI;
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
        BridgeSettings base = Rig.settings(List.of());
        BridgeSettings settings = new BridgeSettings(base.ghostPrefix(), base.ghostNameTemplate(), base.links(),
                base.maxRetryDelay(), base.language(), publicAddress);
        rig = new Rig(() -> JdbcDatabase.open("jdbc:sqlite:" + dir.resolve("t.db"), null, null, "normal", 2), net, settings, 3);
        MxcUri avatar = rig.matrix.upload(PNG, "image/png", "alice.png");
        rig.matrix.state.roomAvatars.put(ROOM + " " + ALICE.value(), avatar.toString());
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
    void withoutAPublicAddressSendersHaveNoAvatarAndNothingIsServed() throws Exception {
        start(Optional.empty());

        rig.matrixMessage(ALICE, "Coucou");
        await("posted", () -> net.posted.size() == 1);

        assertThat(net.posted.get(0).message().sender().avatar()).isEmpty();
        assertThat(rig.getRoutes).isEmpty();
    }

    private RouteResponse get(String path) throws Exception {
        for (Map.Entry<String, coop.comptoir.api.http.HttpRoutes.RouteHandler> e : rig.getRoutes.entrySet()) {
            if (path.startsWith(e.getKey())) {
                return e.getValue().handle(new RouteRequest("GET", path, Map.of(), new byte[0]));
            }
        }
        return RouteResponse.error(404, "no route");
    }
}
