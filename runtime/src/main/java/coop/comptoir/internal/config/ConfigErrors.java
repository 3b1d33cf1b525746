package coop.comptoir.internal.config;

import coop.comptoir.api.plugin.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * Every error found in a configuration, reported together so that one edit fixes them all. Each
 * message names a key path and the reason, never a secret value.
 */
public final class ConfigErrors extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final transient List<ConfigException> errors;

    /**
     * @param source the file the errors are about, for the heading; null when there is none
     * @param errors at least one
     */
    public ConfigErrors(String source, List<ConfigException> errors) {
        super(message(source, errors), null, false, false);
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("no errors");
        }
        this.source = source;
        this.errors = List.copyOf(errors);
    }

    public static ConfigErrors of(String path, String reason) {
        return new ConfigErrors(null, List.of(new ConfigException(path, reason)));
    }

    /** Throws when {@code errors} is not empty. */
    public static void throwIfAny(String source, List<ConfigException> errors) {
        if (!errors.isEmpty()) {
            throw new ConfigErrors(source, errors);
        }
    }

    /**
     * Every problem a {@link ConfigException} carries ({@link ConfigException#problems()}), and any
     * further ones attached as suppressed exceptions.
     */
    public static List<ConfigException> flatten(ConfigException e) {
        List<ConfigException> all = new ArrayList<>(e.problems());
        for (Throwable t : e.getSuppressed()) {
            if (t instanceof ConfigException c) {
                all.addAll(c.problems());
            }
        }
        return all;
    }

    /** The same errors, now about {@code source}. */
    public ConfigErrors withSource(String source) {
        return new ConfigErrors(source, errors);
    }

    public String source() {
        return source;
    }

    public List<ConfigException> errors() {
        return errors;
    }

    /** One line per error, each {@code key.path: reason}. */
    public List<String> lines() {
        return errors.stream().map(Throwable::getMessage).toList();
    }

    private static String message(String source, List<ConfigException> errors) {
        StringBuilder sb = new StringBuilder();
        sb.append(errors.size() == 1 ? "1 configuration error" : errors.size() + " configuration errors");
        if (source != null) {
            sb.append(" in ").append(source);
        }
        sb.append(':');
        for (ConfigException e : errors) {
            sb.append("\n  ").append(e.getMessage());
        }
        return sb.toString();
    }
}
