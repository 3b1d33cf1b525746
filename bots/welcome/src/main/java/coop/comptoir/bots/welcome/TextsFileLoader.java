package coop.comptoir.bots.welcome;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.bots.welcome.WelcomeConfig.TextsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Reads and checks a texts file ({@code texts_file}): all of it is right, or nothing is taken. */
final class TextsFileLoader {
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Why a texts file was refused; the message lists every problem, one per line. */
    static final class BadTextsException extends Exception {
        BadTextsException(String message) {
            super(message);
        }
    }

    private TextsFileLoader() {}

    /** Reads {@code file}; may block on the disk. */
    static Texts load(Path file, Set<String> configured, Wording wording) throws BadTextsException {
        String name = file.getFileName().toString();
        TextsFile raw;
        try {
            raw = YAML.readValue(Files.readString(file), TextsFile.class);
        } catch (NoSuchFileException e) {
            throw new BadTextsException(file + ": no such file");
        } catch (UnrecognizedPropertyException e) {
            throw new BadTextsException(name + ": " + where(e) + ": unknown key (allowed: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")");
        } catch (JsonMappingException e) {
            throw new BadTextsException(name + ": " + where(e) + ": " + e.getOriginalMessage().lines().findFirst().orElse("unreadable"));
        } catch (JsonProcessingException e) {
            throw new BadTextsException(name + ": not valid YAML (line " + (e.getLocation() == null ? "?" : e.getLocation().getLineNr())
                    + "): " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new BadTextsException(file + ": cannot be read (" + e.getMessage() + ")");
        }
        if (raw == null) {
            raw = new TextsFile(null, null, null);
        }
        List<ConfigException> errors = new ArrayList<>();
        Texts texts = Texts.compile(raw.greeting(), raw.directMessage(), raw.faq() == null ? List.of() : raw.faq(),
                "", configured, errors, wording);
        if (!errors.isEmpty()) {
            throw new BadTextsException(errors.stream().map(e -> name + ": " + e.getMessage()).collect(Collectors.joining("\n")));
        }
        return texts;
    }

    private static String where(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "(top)" : path.toString();
    }
}
