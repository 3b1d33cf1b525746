package coop.comptoir.bridge.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.text.Catalogue;
import coop.comptoir.api.text.TextSettings;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteStructure;
import coop.comptoir.testing.FakePluginContext;
import coop.comptoir.testing.RecordingMatrixClient;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The mirroring of a server as a space: what each room is created with (type, join rule, parent,
 * who is invited), the space links, the bridge links, and that running it again creates nothing
 * twice, also after a run cut short.
 */
class StructureMirrorTest {
    static final UserId ADMIN = UserId.of("@lea:coop.test");
    static final RemoteStructure.Category BENEVOLES = new RemoteStructure.Category("10", "Bénévoles", true);
    static final RemoteStructure.Channel GENERAL = channel("1", "general", "", null, true);
    static final RemoteStructure.Channel PLANNING = channel("11", "planning", "Les créneaux", "10", true);
    static final RemoteStructure.Channel BUREAU = channel("12", "bureau", "", "10", false);

    @TempDir
    Path dir;
    FakePluginContext ctx;
    RecordingMatrixClient recording;
    /** Every createRoom request, in order. */
    final List<ObjectNode> created = new ArrayList<>();
    /** createRoom throws from this call on (1-based); 0 never. */
    final AtomicInteger failFrom = new AtomicInteger();
    MatrixClient matrix;
    MigrationTables tables;

    static RemoteStructure.Channel channel(String id, String name, String topic, String category, boolean open) {
        return new RemoteStructure.Channel(new RemoteChannelId(id), name, topic, Optional.ofNullable(category), open);
    }

    static RemoteStructure layout(RemoteStructure.Channel... channels) {
        return new RemoteStructure("900", "Coop du Marché", List.of(BENEVOLES), List.of(channels),
                List.of(new RemoteStructure.Skipped("5", "Vocal", RemoteStructure.Reason.NOT_TEXT)));
    }

    /** The database the tables live in; null for the kit's SQLite (overridden to run the same on PostgreSQL). */
    String databaseUrl() {
        return null;
    }

    @BeforeEach
    void setUp() throws Exception {
        var builder = FakePluginContext.builder("migration", "migration", dir).serverName("coop.test");
        if (databaseUrl() != null) {
            builder.databaseUrl(databaseUrl());
        }
        ctx = builder.build();
        recording = ctx.recordingMatrix();
        matrix = (MatrixClient) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MatrixClient.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("createRoom")) {
                        created.add(((ObjectNode) args[0]).deepCopy());
                        if (failFrom.get() > 0 && created.size() >= failFrom.get()) {
                            throw new IllegalStateException("homeserver down");
                        }
                    }
                    try {
                        return method.invoke(recording, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        tables = new MigrationTables(ctx.database());
    }

    @AfterEach
    void tearDown() {
        if (ctx != null) {
            ctx.close();
            ctx = null;
        }
    }

    private StructureMirror mirror() {
        return new StructureMirror(matrix, tables, "coop.test", ctx.clock(), LoggerFactory.getLogger("test"));
    }

    private StructurePlan plan(FakeBridge bridge) {
        Map<RemoteChannelId, RoomId> portals = new HashMap<>();
        bridge.portals().forEach((room, ch) -> portals.put(ch, room));
        return StructurePlan.of(bridge.structure, tables.mirrored("discord"), portals);
    }

    private ObjectNode request(String name) {
        return created.stream().filter(r -> r.path("name").asText().equals(name)).findFirst().orElseThrow();
    }

    private static JsonNode state(ObjectNode request, String type) {
        for (JsonNode s : request.path("initial_state")) {
            if (s.path("type").asText().equals(type)) {
                return s;
            }
        }
        return null;
    }

    @Test
    void theServerBecomesAnInviteOnlySpaceWithRestrictedSubSpacesAndBridgedRooms() {
        FakeBridge bridge = new FakeBridge(layout(GENERAL, PLANNING, BUREAU));
        StructureMirror.Outcome o = mirror().apply(plan(bridge), bridge, ADMIN);

        assertThat(o).isEqualTo(new StructureMirror.Outcome(5, 3, 0));
        ObjectNode space = request("Coop du Marché");
        assertThat(space.path("creation_content").path("type").asText()).isEqualTo("m.space");
        assertThat(state(space, "m.room.join_rules").path("content").path("join_rule").asText()).isEqualTo("invite");
        assertThat(space.path("invite")).extracting(JsonNode::asText).containsExactly(ADMIN.value());
        assertThat(space.path("room_version").asText()).isEqualTo("10");
        assertThat(space.path("power_level_content_override").path("users").path(ADMIN.value()).asInt()).isEqualTo(100);
        RoomId spaceId = bridgeRoomOfSpace(space);

        ObjectNode sub = request("Bénévoles");
        assertThat(sub.path("creation_content").path("type").asText()).isEqualTo("m.space");
        JsonNode subRules = state(sub, "m.room.join_rules").path("content");
        assertThat(subRules.path("join_rule").asText()).isEqualTo("restricted");
        assertThat(subRules.path("allow")).extracting(a -> a.path("type").asText() + " " + a.path("room_id").asText())
                .containsExactly("m.room_membership " + spaceId.value());
        assertThat(state(sub, "m.space.parent").path("state_key").asText()).isEqualTo(spaceId.value());
        assertThat(sub.has("invite")).isFalse();

        RoomId subId = roomMirroring("10");
        ObjectNode planning = request("planning");
        assertThat(planning.has("creation_content")).isFalse();
        assertThat(planning.path("topic").asText()).isEqualTo("Les créneaux");
        assertThat(state(planning, "m.room.join_rules").path("content").path("allow")).extracting(a -> a.path("room_id").asText())
                .containsExactly(subId.value(), spaceId.value());
        assertThat(state(planning, "m.space.parent").path("state_key").asText()).isEqualTo(subId.value());
        assertThat(state(planning, "m.space.parent").path("content").path("via")).extracting(JsonNode::asText).containsExactly("coop.test");

        ObjectNode bureau = request("bureau");
        assertThat(state(bureau, "m.room.join_rules").path("content").path("join_rule").asText()).isEqualTo("invite");
        assertThat(bureau.path("invite")).extracting(JsonNode::asText).containsExactly(ADMIN.value());

        assertThat(bridge.links).containsExactly(GENERAL.id(), PLANNING.id(), BUREAU.id());
        assertThat(bridge.roomOf(PLANNING.id())).contains(roomMirroring("11"));
        List<RecordingMatrixClient.Sent> children = recording.sent().stream().filter(s -> s.type().equals("m.space.child")).toList();
        assertThat(children).extracting(s -> s.room().value() + " → " + s.stateKey()).containsExactlyInAnyOrder(
                spaceId.value() + " → " + subId.value(),
                subId.value() + " → " + roomMirroring("11").value(),
                subId.value() + " → " + roomMirroring("12").value(),
                spaceId.value() + " → " + roomMirroring("1").value());
        assertThat(children).allSatisfy(s -> assertThat(s.content().path("via")).extracting(JsonNode::asText).containsExactly("coop.test"));
    }

    private RoomId roomMirroring(String remoteId) {
        return tables.mirrored("discord").get(remoteId).room();
    }

    private RoomId bridgeRoomOfSpace(ObjectNode space) {
        return roomMirroring("900");
    }

    @Test
    void runningAgainCreatesNothingTwiceAndAddsWhatIsNew() {
        FakeBridge bridge = new FakeBridge(layout(GENERAL, PLANNING));
        mirror().apply(plan(bridge), bridge, ADMIN);
        created.clear();

        assertThat(plan(bridge).toCreate()).isZero();
        assertThat(mirror().apply(plan(bridge), bridge, ADMIN)).isEqualTo(new StructureMirror.Outcome(0, 0, 4));
        assertThat(created).isEmpty();

        bridge.structure = layout(GENERAL, PLANNING, BUREAU);
        assertThat(mirror().apply(plan(bridge), bridge, ADMIN)).isEqualTo(new StructureMirror.Outcome(1, 1, 4));
        assertThat(created).extracting(r -> r.path("name").asText()).containsExactly("bureau");
        assertThat(state(created.get(0), "m.space.parent").path("state_key").asText()).isEqualTo(roomMirroring("10").value());
    }

    @Test
    void aRunCutShortGoesOnWhereItStopped() {
        FakeBridge bridge = new FakeBridge(layout(GENERAL, PLANNING, BUREAU));
        failFrom.set(3);
        assertThatThrownBy(() -> mirror().apply(plan(bridge), bridge, ADMIN)).hasMessageContaining("homeserver down");
        assertThat(tables.mirrored("discord")).containsOnlyKeys("900", "1");
        failFrom.set(0);
        created.clear();

        mirror().apply(plan(bridge), bridge, ADMIN);
        assertThat(created).extracting(r -> r.path("name").asText()).containsExactly("Bénévoles", "planning", "bureau");
        assertThat(bridge.links).containsExactly(GENERAL.id(), PLANNING.id(), BUREAU.id());
    }

    @Test
    void aChannelBridgedBeforeIsAddedToTheSpaceNotCreatedAgain() {
        FakeBridge bridge = new FakeBridge(layout(GENERAL, PLANNING));
        RoomId existing = RoomId.of("!ancien:coop.test");
        bridge.portals.put(existing, GENERAL.id());
        StructurePlan plan = plan(bridge);
        assertThat(plan.items).filteredOn(i -> i.remoteId().equals("1")).singleElement()
                .extracting(StructurePlan.Item::status).isEqualTo(StructurePlan.Status.ADOPTED);

        mirror().apply(plan, bridge, ADMIN);
        assertThat(created).extracting(r -> r.path("name").asText()).doesNotContain("general");
        assertThat(recording.sent()).filteredOn(s -> s.type().equals("m.space.child"))
                .anySatisfy(s -> assertThat(s.stateKey()).isEqualTo(existing.value()));
        assertThat(bridge.links).containsExactly(PLANNING.id());
    }

    @Test
    void theDryRunListsTheTreeWhatIsLeftOutAndWhatToTypeNext() {
        FakeBridge bridge = new FakeBridge(layout(GENERAL, PLANNING, BUREAU));
        Catalogue fr = Catalogue.load("migration", StructurePlan.class, TextSettings.DEFAULT);
        String text = plan(bridge).render(fr, "Discord", "!migration structure discord apply");

        assertThat(text).contains("Espace « Coop du Marché » (sur invitation) — à créer")
                .contains("  • Sous-espace « Bénévoles » (ouvert aux membres de l'espace) — à créer")
                .contains("    • #planning (ouvert aux membres de l'espace, relié au pont) — à créer")
                .contains("    • #bureau (privé : sur invitation, relié au pont) — à créer")
                .contains("  • #general")
                .contains("#Vocal (pas un salon texte)")
                .contains("5 salons ou espaces à créer")
                .contains("!migration structure discord apply");
        assertThat(text.indexOf("#general")).isLessThan(text.indexOf("Bénévoles"));
        assertThat(created).isEmpty();
    }

    @Test
    void theHomeserversDefaultRoomVersionIsKeptOnlyWhenItKnowsRestrictedJoins() {
        assertThat(mirror().roomVersion()).isEqualTo("10"); // capabilities unreadable
    }
}
