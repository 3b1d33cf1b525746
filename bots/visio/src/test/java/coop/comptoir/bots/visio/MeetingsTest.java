package coop.comptoir.bots.visio;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.testing.TestDatabase;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Meeting names on PostgreSQL too: two Comptoir processes on one database agree on every name. */
class MeetingsTest {
    private static final RoomId ROOM = RoomId.of("!equipe:coop.example");

    @Test
    void twoProcessesOnOnePostgresGetTheSameSaltAndNames() throws Exception {
        try (TestDatabase.PostgresSchema schema = TestDatabase.postgresSchema();
             TestDatabase one = schema.open(); TestDatabase two = schema.open()) {
            Meetings a = new Meetings(one, "visio", new SecureRandom());
            Meetings b = new Meetings(two, "visio", new SecureRandom());
            a.migrate();
            b.migrate();

            String first = b.nameFor(ROOM, "Équipe", null);
            assertThat(a.nameFor(ROOM, "Équipe renommée", null)).isEqualTo(first);
            assertThat(a.nameFor(ROOM, null, "AG de juin")).isEqualTo(b.nameFor(ROOM, null, "ag  de JUIN"))
                    .startsWith("ag-de-juin-");
            assertThat(new Meetings(one, "visio-bureau", new SecureRandom()).nameFor(ROOM, "Équipe", null))
                    .as("another instance, another salt").isNotEqualTo(first);
        }
    }

    @Test
    void namesAreReadableAndBounded() {
        byte[] salt = new byte[32];
        String name = Meetings.derive(salt, ROOM, "Les Fourmis — Épicerie « coopérative » de quartier", "");
        assertThat(name).matches("les-fourmis-epicerie-coo-[a-z2-7]{12}");
        assertThat(Meetings.derive(salt, ROOM, "🎉🎉", "")).matches("visio-[a-z2-7]{12}");
        assertThat(Meetings.derive(salt, ROOM, "x", "")).isNotEqualTo(Meetings.derive(new byte[] {1}, ROOM, "x", ""));
    }
}
