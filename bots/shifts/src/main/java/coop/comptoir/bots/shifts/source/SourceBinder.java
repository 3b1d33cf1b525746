package coop.comptoir.bots.shifts.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import coop.comptoir.api.plugin.ConfigException;
import java.util.stream.Collectors;

/**
 * Binds the {@code source:} sub-tree of a shifts section to the record of its type, with the
 * runtime's rules: snake_case keys, unknown keys refused, every error naming its key path
 * ({@code plugins[0].source.url: missing}). The {@code type} key is dropped first.
 */
public final class SourceBinder {
    static final ObjectMapper MAPPER = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new JavaTimeModule())
            .build();

    private SourceBinder() {}

    /**
     * @param tree the {@code source:} mapping (with or without its {@code type})
     * @param path its key path, e.g. {@code plugins[0].source}
     * @throws ConfigException naming the key path and the reason
     */
    public static <T> T bind(JsonNode tree, String path, Class<T> type) {
        if (tree == null || !tree.isObject()) {
            throw new ConfigException(path, "expected a mapping");
        }
        ObjectNode settings = ((ObjectNode) tree).deepCopy();
        settings.remove("type");
        try {
            return MAPPER.treeToValue(settings, type);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : " (known keys: " + e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")";
            throw new ConfigException(path + where(e), "unknown key" + known);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new ConfigException(path + where(e), cause.getMessage());
        } catch (JsonMappingException e) {
            throw new ConfigException(path + where(e), "wrong value: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ConfigException(path, e.getOriginalMessage());
        }
    }

    private static String where(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append('.').append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
