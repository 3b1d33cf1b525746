package coop.comptoir.testing.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.testing.spec.OpenApiDocs.Located;
import coop.comptoir.testing.spec.OpenApiDocs.Operation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker on small descriptions written here, so it runs without {@code ../shared}. */
class SchemaCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private OpenApiDocs docs;
    private Located topic;

    @BeforeEach
    void write() throws Exception {
        Files.writeString(dir.resolve("user.yaml"), """
                type: object
                required: [id, username]
                additionalProperties: false
                properties:
                  id: {type: integer}
                  username: {type: string, pattern: '^[a-z0-9_]+$'}
                  avatar_template: {type: [string, "null"]}
                """);
        Files.writeString(dir.resolve("api.yaml"), """
                openapi: 3.1.0
                servers: [{url: 'https://{host}{basePath}', variables: {basePath: {default: /api}}}]
                paths:
                  /t/{id}.json:
                    get:
                      responses:
                        '200': {content: {application/json: {schema: {$ref: '#/components/schemas/Topic'}}}}
                  /t/{id}/posts.json:
                    get: {responses: {}}
                  /t/latest/posts.json:
                    get: {responses: {}}
                components:
                  schemas:
                    Topic:
                      type: object
                      required: [id, title, tags]
                      properties:
                        id: {type: integer}
                        title: {type: string}
                        archetype: {type: string, enum: [regular, private_message]}
                        created_by: {$ref: 'user.yaml'}
                        tags:
                          type: array
                          items: {type: object, required: [name], properties: {name: {type: string}}}
                        details:
                          allOf:
                            - {type: object, properties: {notifications: {type: integer}}}
                            - {type: object, required: [links], properties: {links: {type: array}}}
                        body:
                          oneOf:
                            - {type: string}
                            - {type: object, required: [html], properties: {html: {type: string}}}
                        extra:
                          type: object
                          additionalProperties: {type: boolean}
                """);
        docs = OpenApiDocs.of(dir.resolve("api.yaml"));
        topic = docs.at(dir.resolve("api.yaml"), "/components/schemas/Topic");
    }

    private List<String> problems(String json) throws Exception {
        return docs.check(JSON.readTree(json), topic, "topic");
    }

    @Test
    void aValueOfTheRightShapePasses() throws Exception {
        assertThat(problems("""
                {"id": 1, "title": "Pain", "archetype": "regular", "tags": [{"name": "vrac"}],
                 "created_by": {"id": 3, "username": "alice", "avatar_template": null},
                 "details": {"notifications": 2, "links": []}, "body": {"html": "<p>x</p>"},
                 "extra": {"a": true}, "not_declared_here": 5}""")).isEmpty();
    }

    @Test
    void aWrongFieldDeepInsideIsCaughtWithItsPath() throws Exception {
        assertThat(problems("""
                {"id": 1, "title": "Pain", "tags": [{"name": "vrac"}, {"label": 5}],
                 "created_by": {"id": "3", "username": "Alice!", "avatar": "x"},
                 "details": {"notifications": "2"}, "body": {"text": "x"}, "archetype": "other",
                 "extra": {"a": "yes"}}""")).containsExactlyInAnyOrder(
                "topic: $.tags[1] lacks required property name",
                "topic: $.created_by.id should be integer, is \"3\"",
                "topic: $.created_by.username does not match the pattern ^[a-z0-9_]+$: \"Alice!\"",
                "topic: $.created_by.avatar is not a declared property (additionalProperties: false)",
                "topic: $.details lacks required property links",
                "topic: $.details.notifications should be integer, is \"2\"",
                "topic: $.body matches none of the oneOf schemas: {\"text\":\"x\"} (closest: topic: $.body should be string, is {\"text\":\"x\"})",
                "topic: $.archetype is not one of [\"regular\",\"private_message\"]: \"other\"",
                "topic: $.extra.a should be boolean, is \"yes\"");
    }

    @Test
    void aMissingRequiredPropertyAndAWrongTopLevelTypeAreCaught() throws Exception {
        assertThat(problems("{\"id\": 1}")).containsExactlyInAnyOrder(
                "topic: $ lacks required property title", "topic: $ lacks required property tags");
        assertThat(problems("[]")).containsExactly("topic: $ should be object, is []");
    }

    @Test
    void theSmallestValueOfASchemaPassesIt() {
        JsonNode minimal = new SchemaCheck(docs).minimal(topic);
        assertThat(minimal.toString()).isEqualTo("{\"id\":0,\"title\":\"\",\"tags\":[]}");
        assertThat(docs.check(minimal, topic, "minimal")).isEmpty();
    }

    @Test
    void pathsMeetTheirTemplateLiteralSegmentsFirst() {
        assertThat(docs.match("GET", List.of("api", "t", "12.json"))).extracting(Operation::template)
                .containsExactly("/api/t/{id}.json");
        assertThat(docs.match("GET", List.of("api", "t", "latest", "posts.json"))).extracting(Operation::template)
                .containsExactly("/api/t/latest/posts.json");
        assertThat(docs.match("GET", List.of("api", "t", "12", "posts.json"))).extracting(Operation::template)
                .containsExactly("/api/t/{id}/posts.json");
        assertThat(docs.match("GET", List.of("api", "t", "12.xml"))).isEmpty();
        Operation op = docs.match("GET", List.of("api", "t", "1.json")).get(0);
        assertThat(docs.resolve(op.responseSchema(docs, 200)).node()).isEqualTo(topic.node());
    }
}
