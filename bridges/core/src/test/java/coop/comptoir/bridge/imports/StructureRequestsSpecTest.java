package coop.comptoir.bridge.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.testing.RecordingMatrixClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The requests the mirroring makes, checked against the official Matrix description read in place
 * ({@code <comptoir.shared.dir>/spec/matrix}): the {@code POST /createRoom} body and the contents of
 * {@code m.room.join_rules}, {@code m.space.parent} and {@code m.space.child}. Checked: every key is
 * declared, required keys are there, enums and patterns hold, down into arrays and objects.
 */
class StructureRequestsSpecTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    static final RoomId SPACE = RoomId.of("!space:coop.test");
    static final RoomId SUB = RoomId.of("!sub:coop.test");

    private static Path spec() {
        String dir = System.getProperty("comptoir.shared.dir");
        Path p = dir == null ? null : Path.of(dir, "spec", "matrix", "data");
        boolean present = p != null && Files.isDirectory(p);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but the Matrix API description is missing: " + p);
        }
        assumeTrue(present, "skipped: Matrix API description not found (" + p + "); set comptoir.shared.dir");
        return p;
    }

    private static JsonNode yaml(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }

    private final StructureMirror mirror = new StructureMirror(new RecordingMatrixClient(UserId.of("@comptoir:coop.test")), null,
            "coop.test", java.time.Clock.systemUTC(), LoggerFactory.getLogger("test"));

    private ObjectNode request(String kind, boolean open, RoomId parent, RoomId top) {
        return mirror.createRequest(new StructurePlan.Item(kind, "1", "planning", "Les créneaux", "9", open,
                StructurePlan.Status.NEW, Optional.empty()), parent, top, UserId.of("@lea:coop.test"), "10");
    }

    @Test
    void createRoomBodiesFollowTheDescription() throws IOException {
        JsonNode op = yaml(spec().resolve("api/client-server/create_room.yaml")).path("paths").path("/createRoom").path("post");
        JsonNode schema = op.path("requestBody").path("content").path("application/json").path("schema");
        List<ObjectNode> bodies = List.of(request(StructurePlan.SERVER, false, null, null),
                request(StructurePlan.CATEGORY, true, SPACE, SPACE), request(StructurePlan.CHANNEL, true, SUB, SPACE),
                request(StructurePlan.CHANNEL, false, SUB, SPACE));
        for (ObjectNode body : bodies) {
            assertThat(problems(body, schema, "createRoom")).isEmpty();
        }
        assertThat(bodies.get(0).path("creation_content").path("type").asText()).isEqualTo("m.space");
    }

    @Test
    void stateContentsFollowTheirEventSchemas() throws IOException {
        Path events = spec().resolve("event-schemas/schema");
        for (ObjectNode body : List.of(request(StructurePlan.CHANNEL, true, SUB, SPACE), request(StructurePlan.CATEGORY, false, SPACE, SPACE))) {
            for (JsonNode state : body.path("initial_state")) {
                JsonNode schema = yaml(events.resolve(state.path("type").asText() + ".yaml")).path("properties").path("content");
                assertThat(problems(state.path("content"), schema, state.path("type").asText())).isEmpty();
            }
        }
        ObjectNode child = JsonNodeFactory.instance.objectNode();
        child.putArray("via").add("coop.test");
        child.put("order", "0002");
        assertThat(problems(child, yaml(events.resolve("m.space.child.yaml")).path("properties").path("content"), "m.space.child"))
                .isEmpty();
    }

    /** What in {@code value} the schema does not allow (a subset of JSON Schema: the keywords these schemas use). */
    static List<String> problems(JsonNode value, JsonNode schema, String at) {
        List<String> out = new ArrayList<>();
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.path("enum")) {
                found |= e.equals(value);
            }
            if (!found) {
                out.add(at + ": " + value + " not in " + schema.path("enum"));
            }
        }
        if (schema.has("pattern") && value.isTextual() && !java.util.regex.Pattern.compile(schema.path("pattern").asText())
                .matcher(value.asText()).find()) {
            out.add(at + ": " + value + " does not match " + schema.path("pattern"));
        }
        String type = schema.path("type").asText("");
        if (type.equals("object") && !value.isObject() || type.equals("array") && !value.isArray()
                || type.equals("string") && !value.isTextual() || type.equals("boolean") && !value.isBoolean()) {
            out.add(at + ": expected " + type + ", got " + value.getNodeType());
            return out;
        }
        if (value.isObject() && schema.has("properties")) {
            for (JsonNode r : schema.path("required")) {
                if (!value.has(r.asText())) {
                    out.add(at + "." + r.asText() + ": required");
                }
            }
            for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                JsonNode sub = schema.path("properties").path(key);
                if (sub.isMissingNode()) {
                    out.add(at + "." + key + ": not declared");
                } else {
                    out.addAll(problems(value.path(key), sub, at + "." + key));
                }
            }
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                out.addAll(problems(value.get(i), schema.path("items"), at + "[" + i + "]"));
            }
        }
        return out;
    }
}
