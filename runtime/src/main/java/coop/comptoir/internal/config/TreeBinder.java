package coop.comptoir.internal.config;

import coop.comptoir.api.plugin.ConfigException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import coop.comptoir.api.config.ConfigDurations;
import coop.comptoir.api.config.RoomRef;
import coop.comptoir.api.config.Secret;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Binds a config tree to a record, for the core config and for plugin sections alike.
 *
 * <p>Two passes. The first walks the tree along the target type (records, lists, maps, scalars)
 * and collects every error with its key path: unknown keys (with the allowed ones), wrong types,
 * missing required values ({@code @JsonProperty(required = true)}). It also normalizes scalars
 * ({@code "8080"} from an environment variable becomes a number). The second pass is Jackson's own
 * binding; its errors (types the walker leaves to Jackson, such as {@code Duration} or enums, and
 * exceptions thrown by record constructors) go through the same translation to key paths.
 */
final class TreeBinder {
    /** Snake-case keys, unknown keys refused, java.time types understood. */
    static final ObjectMapper MAPPER = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .addModule(new JavaTimeModule())
            .build();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TreeBinder() {}

    /**
     * Binds {@code node} to {@code type}; on errors adds them all to {@code errors} and returns null.
     *
     * @param path key path of {@code node}, prefixed to every error ("" for the root)
     */
    static <T> T bind(JsonNode node, Class<T> type, String path, List<ConfigException> errors) {
        int before = errors.size();
        JsonNode normalized = check(node, MAPPER.constructType(type), path, KeyPaths.isSecretPath(path), errors);
        if (errors.size() > before) {
            return null;
        }
        try {
            return MAPPER.treeToValue(normalized, type);
        } catch (JsonMappingException e) {
            errors.add(translate(e, path, node));
            return null;
        } catch (JsonProcessingException e) {
            errors.add(new ConfigException(pathOrRoot(path), "cannot be read as " + type.getSimpleName()));
            return null;
        }
    }

    /** The keys a record accepts, in declaration order. */
    static List<String> keys(Class<?> recordType) {
        return Shape.of(MAPPER.constructType(recordType)).allowed();
    }

    // ---- first pass: walk along the type -------------------------------------------------------

    private static JsonNode check(JsonNode node, JavaType type, String path, boolean secret, List<ConfigException> errors) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return NullNode.getInstance();
        }
        Class<?> raw = type.getRawClass();
        if (JsonNode.class.isAssignableFrom(raw)) {
            if (ObjectNode.class.isAssignableFrom(raw) && !node.isObject()) {
                return mismatch("a mapping", node, path, secret, errors);
            }
            if (ArrayNode.class.isAssignableFrom(raw) && !node.isArray()) {
                return mismatch("a list", node, path, secret, errors);
            }
            return node;
        }
        if (raw == String.class || raw == CharSequence.class) {
            return node.isValueNode() ? (node.isTextual() ? node : TextNode.valueOf(node.asText()))
                    : mismatch("a string", node, path, secret, errors);
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return checkBoolean(node, path, secret, errors);
        }
        Integral integral = Integral.of(raw);
        if (integral != null) {
            return checkIntegral(node, integral, path, secret, errors);
        }
        if (raw == Double.class || raw == double.class || raw == Float.class || raw == float.class || raw == BigDecimal.class) {
            return checkDecimal(node, path, secret, errors);
        }
        if (type.isCollectionLikeType() || type.isArrayType()) {
            return checkList(node, type.getContentType(), path, secret, errors);
        }
        if (type.isMapLikeType() && (type.getKeyType().getRawClass() == String.class || type.getKeyType().getRawClass() == Object.class)) {
            return checkMap(node, type.getContentType(), path, secret, errors);
        }
        if (raw == Duration.class) {
            return checkText(node, "a duration (" + ConfigDurations.HOW + ")", path, secret, errors,
                    t -> ConfigDurations.parse(t).toString());
        }
        if (ZoneId.class.isAssignableFrom(raw)) {
            return checkText(node, "a time zone such as Europe/Paris", path, secret, errors, TreeBinder::zone);
        }
        if (raw == RoomRef.class) {
            return checkText(node, RoomRef.HOW, path, secret, errors, t -> RoomRef.of(t).value());
        }
        if (raw == Secret.class) {
            // Secret.of's messages never hold the value: shown as they are.
            return checkText(node, "a string", path, false, errors, t -> Secret.of(t).reveal());
        }
        Polymorphic poly = Polymorphic.of(raw);
        if (poly != null) {
            return checkPolymorphic(node, poly, path, secret, errors);
        }
        if (raw.isRecord()) {
            return checkRecord(node, type, path, secret, errors);
        }
        return node; // enums, java.time, classes: Jackson's binding decides
    }

    /**
     * A scalar read from its text by {@code parse}, which throws {@link IllegalArgumentException}
     * with the reason (and how to write it); the normalized text goes on to Jackson.
     */
    private static JsonNode checkText(JsonNode node, String expected, String path, boolean secret,
                                      List<ConfigException> errors, java.util.function.UnaryOperator<String> parse) {
        if (!node.isValueNode()) {
            return mismatch(expected, node, path, secret, errors);
        }
        boolean hidden = secret || node instanceof EnvSubstitution.EnvTextNode;
        try {
            return TextNode.valueOf(parse.apply(node.asText()));
        } catch (IllegalArgumentException e) {
            errors.add(new ConfigException(pathOrRoot(path), hidden ? "expected " + expected + ", got "
                    + KeyPaths.describe(node, true) : e.getMessage()));
            return null;
        }
    }

    private static String zone(String text) {
        try {
            return ZoneId.of(text.strip()).getId();
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("\"" + text.strip() + "\" is not a time zone: write a region such as Europe/Paris"
                    + " or America/Montreal");
        }
    }

    /**
     * A mapping whose record depends on a key: an interface or abstract type annotated
     * {@code @JsonTypeInfo(use = NAME, property = "type")} with its {@code @JsonSubTypes}.
     */
    private record Polymorphic(String property, Map<String, Class<?>> byName) {
        static Polymorphic of(Class<?> raw) {
            com.fasterxml.jackson.annotation.JsonTypeInfo info = raw.getAnnotation(com.fasterxml.jackson.annotation.JsonTypeInfo.class);
            com.fasterxml.jackson.annotation.JsonSubTypes subs = raw.getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class);
            if (info == null || subs == null || info.use() != com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME) {
                return null;
            }
            Map<String, Class<?>> byName = new LinkedHashMap<>();
            for (var sub : subs.value()) {
                byName.put(sub.name(), sub.value());
            }
            String property = info.property().isEmpty() ? "@type" : info.property();
            return new Polymorphic(property, byName);
        }
    }

    private static JsonNode checkPolymorphic(JsonNode node, Polymorphic poly, String path, boolean secret, List<ConfigException> errors) {
        if (!node.isObject()) {
            return mismatch("a mapping with " + poly.property() + ": " + String.join(", ", poly.byName().keySet()), node, path, secret, errors);
        }
        String names = String.join(", ", poly.byName().keySet());
        JsonNode typeNode = node.get(poly.property());
        String at = KeyPaths.child(path, poly.property());
        if (typeNode == null || typeNode.isNull()) {
            errors.add(new ConfigException(at, "missing: one of " + names));
            return null;
        }
        Class<?> subtype = poly.byName().get(typeNode.asText());
        if (subtype == null) {
            errors.add(new ConfigException(at, KeyPaths.describe(typeNode, false) + " is not one of " + names));
            return null;
        }
        ObjectNode rest = ((ObjectNode) node).deepCopy();
        rest.remove(poly.property());
        JsonNode checked = check(rest, MAPPER.constructType(subtype), path, secret, errors);
        if (checked instanceof ObjectNode out) {
            ObjectNode withType = NODES.objectNode();
            withType.set(poly.property(), typeNode);
            withType.setAll(out);
            return withType;
        }
        return checked;
    }

    private static JsonNode checkBoolean(JsonNode node, String path, boolean secret, List<ConfigException> errors) {
        if (node.isBoolean()) {
            return node;
        }
        if (node.isTextual()) {
            String s = node.asText().trim().toLowerCase(Locale.ROOT);
            if (s.equals("true") || s.equals("false")) {
                return BooleanNode.valueOf(s.equals("true"));
            }
        }
        return mismatch("true or false", node, path, secret, errors);
    }

    private enum Integral {
        BYTE(Byte.MIN_VALUE, Byte.MAX_VALUE), SHORT(Short.MIN_VALUE, Short.MAX_VALUE),
        INT(Integer.MIN_VALUE, Integer.MAX_VALUE), LONG(Long.MIN_VALUE, Long.MAX_VALUE), BIG(0, 0);

        final long min;
        final long max;

        Integral(long min, long max) {
            this.min = min;
            this.max = max;
        }

        static Integral of(Class<?> raw) {
            if (raw == int.class || raw == Integer.class) return INT;
            if (raw == long.class || raw == Long.class) return LONG;
            if (raw == short.class || raw == Short.class) return SHORT;
            if (raw == byte.class || raw == Byte.class) return BYTE;
            if (raw == BigInteger.class) return BIG;
            return null;
        }
    }

    private static JsonNode checkIntegral(JsonNode node, Integral kind, String path, boolean secret, List<ConfigException> errors) {
        BigDecimal value = numberOf(node);
        if (value == null) {
            return infinite(node) ? outOfRange(path, " (" + kind.min + " to " + kind.max + ")", errors)
                    : mismatch("a number", node, path, secret, errors);
        }
        // 1e999999999 would take ages to write out in full: no whole number the config takes has that many digits
        if (value.precision() - value.scale() > (kind == Integral.BIG ? 1_000 : 40)) {
            return outOfRange(path, kind == Integral.BIG ? "" : " (" + kind.min + " to " + kind.max + ")", errors);
        }
        BigInteger whole;
        try {
            whole = value.toBigIntegerExact();
        } catch (ArithmeticException e) {
            return mismatch("a whole number", node, path, secret, errors);
        }
        if (kind == Integral.BIG) {
            return NODES.numberNode(whole);
        }
        if (whole.compareTo(BigInteger.valueOf(kind.min)) < 0 || whole.compareTo(BigInteger.valueOf(kind.max)) > 0) {
            errors.add(new ConfigException(pathOrRoot(path), "number out of range (" + kind.min + " to " + kind.max + ")"));
            return null;
        }
        return LongNode.valueOf(whole.longValue());
    }

    private static JsonNode checkDecimal(JsonNode node, String path, boolean secret, List<ConfigException> errors) {
        BigDecimal value = numberOf(node);
        if (value == null) {
            return infinite(node) ? outOfRange(path, "", errors) : mismatch("a number", node, path, secret, errors);
        }
        return DecimalNode.valueOf(value);
    }

    private static JsonNode outOfRange(String path, String range, List<ConfigException> errors) {
        errors.add(new ConfigException(pathOrRoot(path), "number out of range" + range));
        return null;
    }

    /** A number YAML reads as an infinite (or not-a-number) double, such as {@code 1e400}. */
    private static boolean infinite(JsonNode node) {
        return node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue());
    }

    /** A number node, or a string holding a number (as environment variables give); else null. */
    private static BigDecimal numberOf(JsonNode node) {
        if (node.isNumber()) {
            return infinite(node) ? null : node.decimalValue();
        }
        if (node.isTextual()) {
            try {
                return new BigDecimal(node.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static JsonNode checkList(JsonNode node, JavaType element, String path, boolean secret, List<ConfigException> errors) {
        if (!node.isArray()) {
            return mismatch("a list", node, path, secret, errors);
        }
        ArrayNode out = NODES.arrayNode(node.size());
        for (int i = 0; i < node.size(); i++) {
            out.add(check(node.get(i), element, KeyPaths.index(path, i), secret, errors));
        }
        return out;
    }

    private static JsonNode checkMap(JsonNode node, JavaType value, String path, boolean secret, List<ConfigException> errors) {
        if (!node.isObject()) {
            return mismatch("a mapping", node, path, secret, errors);
        }
        ObjectNode out = NODES.objectNode();
        for (var field : node.properties()) {
            String childPath = KeyPaths.child(path, field.getKey());
            out.set(field.getKey(), check(field.getValue(), value, childPath, secret || KeyPaths.isSecretKey(field.getKey()), errors));
        }
        return out;
    }

    private static JsonNode checkRecord(JsonNode node, JavaType type, String path, boolean secret, List<ConfigException> errors) {
        if (!node.isObject()) {
            return mismatch("a mapping", node, path, secret, errors);
        }
        Shape shape = Shape.of(type);
        ObjectNode out = NODES.objectNode();
        for (var field : node.properties()) {
            String key = field.getKey();
            String childPath = KeyPaths.child(path, key);
            BeanPropertyDefinition property = shape.byKey.get(key);
            if (property == null) {
                if (!shape.ignoresUnknown) {
                    errors.add(new ConfigException(childPath, unknownKey(shape.allowed)));
                }
                continue;
            }
            out.set(key, check(field.getValue(), property.getPrimaryType(), childPath, secret || KeyPaths.isSecretKey(key), errors));
        }
        for (BeanPropertyDefinition property : shape.required) {
            JsonNode value = node.get(property.getName());
            if (value == null || value.isNull()) {
                errors.add(new ConfigException(KeyPaths.child(path, property.getName()), "missing"));
            }
        }
        return out;
    }

    /** The keys a record accepts, as Jackson sees them (naming strategy, {@code @JsonProperty}, aliases). */
    private record Shape(Map<String, BeanPropertyDefinition> byKey, List<String> allowed,
                         List<BeanPropertyDefinition> required, boolean ignoresUnknown) {
        static Shape of(JavaType type) {
            DeserializationConfig config = MAPPER.getDeserializationConfig();
            BeanDescription description = config.introspect(type);
            Map<String, BeanPropertyDefinition> byKey = new LinkedHashMap<>();
            List<String> allowed = new ArrayList<>();
            List<BeanPropertyDefinition> required = new ArrayList<>();
            for (BeanPropertyDefinition property : description.findProperties()) {
                if (!property.couldDeserialize()) {
                    continue;
                }
                byKey.put(property.getName(), property);
                allowed.add(property.getName());
                property.findAliases().forEach(alias -> byKey.put(alias.getSimpleName(), property));
                if (property.isRequired()) {
                    required.add(property);
                }
            }
            boolean ignoresUnknown = description.findAnySetterAccessor() != null
                    || config.getDefaultPropertyIgnorals(type.getRawClass(), description.getClassInfo()).getIgnoreUnknown();
            return new Shape(byKey, allowed, required, ignoresUnknown);
        }
    }

    private static JsonNode mismatch(String expected, JsonNode node, String path, boolean secret, List<ConfigException> errors) {
        errors.add(new ConfigException(pathOrRoot(path), "expected " + expected + ", got " + KeyPaths.describe(node, secret)));
        return null;
    }

    static String unknownKey(List<String> allowed) {
        return allowed.isEmpty() ? "unknown key (no keys allowed here)" : "unknown key (allowed: " + String.join(", ", allowed) + ")";
    }

    private static String pathOrRoot(String path) {
        return path.isEmpty() ? "(top level)" : path;
    }

    // ---- second pass: Jackson's errors in the same words ---------------------------------------

    /**
     * Turns a Jackson binding error into a {@link ConfigException} naming the full key path.
     *
     * @param basePath key path of {@code root} in the file
     * @param root the tree that was bound, to find the offending value and whether it is hidden
     */
    static ConfigException translate(JsonMappingException e, String basePath, JsonNode root) {
        String path = basePath;
        JsonNode node = root;
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path = KeyPaths.child(path, ref.getFieldName());
                node = node == null ? null : node.get(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path = KeyPaths.index(path, ref.getIndex());
                node = node == null ? null : node.get(ref.getIndex());
            }
        }
        String at = pathOrRoot(path);
        boolean hidden = KeyPaths.isSecretPath(path);
        if (e instanceof UnrecognizedPropertyException u) {
            List<String> allowed = u.getKnownPropertyIds() == null ? List.of()
                    : u.getKnownPropertyIds().stream().map(String::valueOf).toList();
            return new ConfigException(at, unknownKey(allowed));
        }
        if (e instanceof ValueInstantiationException) {
            Throwable cause = e.getCause();
            String reason = cause == null || cause.getMessage() == null ? "invalid value" : cause.getMessage();
            return new ConfigException(at, reason);
        }
        if (e instanceof InvalidDefinitionException) {
            // A mistake in the target type, not in the file.
            throw new IllegalStateException("cannot bind " + at + ": " + e.getOriginalMessage(), e);
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            if (node == null || node.isMissingNode()) {
                return new ConfigException(at, "missing");
            }
            return new ConfigException(at, "expected " + expected(m.getTargetType()) + ", got " + KeyPaths.describe(node, hidden));
        }
        return new ConfigException(at, "invalid value");
    }

    /** How a user would call the expected kind of value. */
    private static String expected(Class<?> type) {
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants())
                    .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
        }
        if (type == Duration.class) return "a duration (" + ConfigDurations.HOW + ")";
        if (type == RoomRef.class) return RoomRef.HOW;
        if (type == LocalTime.class) return "a time such as 08:30";
        if (type == LocalDate.class) return "a date such as 2025-01-31";
        if (ZoneId.class.isAssignableFrom(type)) return "a time zone such as Europe/Paris";
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) return "a number";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (type == String.class) return "a string";
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) return "a list";
        if (Map.class.isAssignableFrom(type) || type.isRecord()) return "a mapping";
        return "a " + type.getSimpleName();
    }
}
