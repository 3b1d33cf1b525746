package coop.comptoir.api.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One request to a plugin route: the raw body bytes (as sent, so that signatures over them can be
 * checked) and the headers, whose names are lower case.
 */
public record RouteRequest(String method, String path, Map<String, List<String>> headers, byte[] body) {
    public RouteRequest {
        headers = Map.copyOf(headers);
        body = body.clone();
    }

    /** The first value of a header, by case-insensitive name. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
