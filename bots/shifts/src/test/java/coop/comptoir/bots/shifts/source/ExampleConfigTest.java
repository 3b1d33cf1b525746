package coop.comptoir.bots.shifts.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The example configs bind to the records (snake_case keys, unknown keys refused) without a problem. */
class ExampleConfigTest {
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static JsonNode source(String file) throws Exception {
        return YAML.readTree(Path.of("../../config", file).toFile()).path("plugins").path(0).path("source");
    }

    private static <T> T bind(JsonNode source, Class<T> type) {
        com.fasterxml.jackson.databind.node.ObjectNode settings = (com.fasterxml.jackson.databind.node.ObjectNode) source.deepCopy();
        return type.cast(Sections.of("plugins[0]", settings).bind(settings, "plugins[0].source", SourceConfig.class));
    }

    @Test
    void theIcalExampleIsComplete() throws Exception {
        IcalSourceConfig c = bind(source("shifts-ical.example.yaml"), IcalSourceConfig.class);

        assertThat(c.problems("plugins[0].source")).isEmpty();
        assertThat(c.auth().password().reveal()).isEqualTo("${ICAL_PASSWORD}");
        assertThat(c.toString()).doesNotContain("ICAL_PASSWORD");
        assertThat(c.members().emails()).containsEntry("bruno@example.coop", "@bruno:example.coop");
    }

    @Test
    void theOdooExampleIsComplete() throws Exception {
        OdooSourceConfig c = bind(source("shifts-odoo.example.yaml"), OdooSourceConfig.class);

        assertThat(c.problems("plugins[0].source")).isEmpty();
        assertThat(c.password().reveal()).isEqualTo("${ODOO_PASSWORD}");
        assertThat(c.team().from()).isEqualTo("week");
        assertThat(c.registrationStates()).containsExactly("open", "done");
    }
}
