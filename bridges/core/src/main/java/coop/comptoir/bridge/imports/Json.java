package coop.comptoir.bridge.imports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;

/** Shared JSON reading for the readers: clear errors with the file name, line and key path. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static JsonNode parse(String file, InputStream in) throws ExportFormatException {
        try {
            JsonNode n = MAPPER.readTree(in);
            if (n == null || n.isMissingNode()) {
                throw new ExportFormatException(file, "the file is empty");
            }
            return n;
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            throw new ExportFormatException(file, "not valid JSON (cut short or damaged?) near line " + line
                    + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ExportFormatException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    static String text(JsonNode n, String field, String file, String path) throws ExportFormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || !v.isValueNode() || v.asText().isEmpty()) {
            throw new ExportFormatException(file, path + "." + field + " is missing");
        }
        return v.asText();
    }

    static JsonNode array(JsonNode n, String field, String file, String path) throws ExportFormatException {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) {
            throw new ExportFormatException(file, path + "." + field + " is missing or not a list");
        }
        return v;
    }

    static String contentType(String fileName) {
        String t = URLConnection.guessContentTypeFromName(fileName);
        return t == null ? "application/octet-stream" : t;
    }
}
