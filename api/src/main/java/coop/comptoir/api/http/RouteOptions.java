package coop.comptoir.api.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the runtime checks for a route before its handler runs, so that a caller who should not be
 * there costs almost nothing: the largest body accepted, and what the headers must show. The
 * header checks run as soon as the headers have arrived, before any byte of the body is read: a
 * request they refuse is answered {@code 401} and its body is never read nor kept.
 *
 * <p>Immutable; start from {@link #defaults()}:
 * {@code RouteOptions.defaults().withRequiredHeader("X-Discourse-Event-Signature")}.
 */
public final class RouteOptions {
    /** The body limit of a route that does not choose one: 1 MiB, plenty for a webhook. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    /** The largest limit a route may choose: 16 MiB. Plugin routes are for webhooks, not uploads. */
    public static final long MAX_BODY_BYTES_CEILING = 16 * 1024 * 1024;

    private static final RouteOptions DEFAULTS = new RouteOptions(DEFAULT_MAX_BODY_BYTES, List.of(), null);

    private final long maxBodyBytes;
    private final List<String> requiredHeaders;
    private final HeaderCheck headerCheck;

    private RouteOptions(long maxBodyBytes, List<String> requiredHeaders, HeaderCheck headerCheck) {
        this.maxBodyBytes = maxBodyBytes;
        this.requiredHeaders = requiredHeaders;
        this.headerCheck = headerCheck;
    }

    /** A body limit of {@link #DEFAULT_MAX_BODY_BYTES}, no header required. */
    public static RouteOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Bodies longer than {@code bytes} are answered {@code 413}: at once when the declared length
     * says so, else as soon as the bytes received pass the limit (chunked bodies too).
     *
     * @throws IllegalArgumentException unless {@code 1 <= bytes <= }{@link #MAX_BODY_BYTES_CEILING}
     */
    public RouteOptions withMaxBodyBytes(long bytes) {
        if (bytes < 1 || bytes > MAX_BODY_BYTES_CEILING) {
            throw new IllegalArgumentException("max body bytes must be between 1 and " + MAX_BODY_BYTES_CEILING + ": " + bytes);
        }
        return new RouteOptions(bytes, requiredHeaders, headerCheck);
    }

    /**
     * Requests without this header (or with it empty) are answered {@code 401} before their body is
     * read. For a webhook whose body is signed: the signature header must at least be there.
     *
     * @throws IllegalArgumentException if the name is not a header name
     */
    public RouteOptions withRequiredHeader(String name) {
        if (name == null || !name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
            throw new IllegalArgumentException("not a header name: " + name);
        }
        List<String> names = new ArrayList<>(requiredHeaders);
        names.add(name);
        return new RouteOptions(maxBodyBytes, List.copyOf(names), headerCheck);
    }

    /**
     * Requests whose headers {@code check} does not accept are answered {@code 401} before their
     * body is read. Replaces an earlier check; required headers are checked first.
     */
    public RouteOptions withHeaderCheck(HeaderCheck check) {
        return new RouteOptions(maxBodyBytes, requiredHeaders, Objects.requireNonNull(check, "check"));
    }

    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    /** The headers that must be present, as given. */
    public List<String> requiredHeaders() {
        return requiredHeaders;
    }

    /**
     * Why a request with these headers may not go on to its body, or empty when it may. Called by
     * the runtime on a network thread; never throws (a check that throws refuses).
     *
     * @param headers by lower-case name, as in {@link RouteRequest#headers()}
     * @return a short reason for the caller ("Missing X-Signature"), holding no header value
     */
    public Optional<String> refusal(Map<String, List<String>> headers) {
        for (String name : requiredHeaders) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            if (values == null || values.isEmpty() || values.get(0).isBlank()) {
                return Optional.of("Missing " + name);
            }
        }
        boolean accepted;
        try {
            accepted = headerCheck == null || headerCheck.accepts(headers);
        } catch (RuntimeException e) {
            accepted = false;
        }
        return accepted ? Optional.empty() : Optional.of("Refused on its headers");
    }

    @Override
    public String toString() {
        return "RouteOptions[maxBodyBytes=" + maxBodyBytes + ", requiredHeaders=" + requiredHeaders
                + (headerCheck == null ? "" : ", headerCheck") + "]";
    }

    /** A judgement on the headers alone, made before the body is read. */
    @FunctionalInterface
    public interface HeaderCheck {
        /**
         * Called on a network thread as soon as the headers are in: must be quick and must not block
         * (no I/O). A throw counts as a refusal.
         *
         * @param headers by lower-case name
         * @return true to go on and read the body, false to answer {@code 401}
         */
        boolean accepts(Map<String, List<String>> headers);
    }
}
