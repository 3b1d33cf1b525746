package coop.comptoir.bridge.engine;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.RemoteUserId;
import org.junit.jupiter.api.Test;

class GhostIdsTest {
    private final GhostIds ids = new GhostIds("_discord_", "coop.example");

    @Test
    void discordIdsMapToReadableGhostsAndBack() {
        UserId ghost = ids.ghostOf(new RemoteUserId("80351110224678912"));
        assertThat(ghost.value()).isEqualTo("@_discord_80351110224678912:coop.example");
        assertThat(ids.remoteUserOf(ghost)).contains(new RemoteUserId("80351110224678912"));
    }

    @Test
    void anyIdIsEscapedIntoAModernLocalpartAndBack() {
        for (String id : new String[]{"Rocket_User", "jean.dupont", "é@x:y", "A-B/C"}) {
            UserId ghost = ids.ghostOf(new RemoteUserId(id));
            assertThat(ghost.hasModernLocalpart()).as(ghost.value()).isTrue();
            assertThat(ids.remoteUserOf(ghost)).as(id).contains(new RemoteUserId(id));
        }
    }

    @Test
    void otherUsersAreNotGhosts() {
        assertThat(ids.remoteUserOf(UserId.of("@alice:coop.example"))).isEmpty();
        assertThat(ids.remoteUserOf(UserId.of("@_discord_1:other.example"))).isEmpty();
        assertThat(ids.isGhost(UserId.of("@_discord_1:coop.example"))).isTrue();
    }
}
