package coop.comptoir.api.plugin;

import java.util.List;

/**
 * A config error: names the key path ({@code plugins[0].rooms[2]}) and the reason. One exception
 * may carry several problems ({@link coop.comptoir.api.config.Problems#throwIfAny()}): its message
 * then lists them all, one per line, and {@link #problems()} gives each.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final String reason;
    private final transient List<ConfigException> problems;

    /** One problem: {@code path: reason}. */
    public ConfigException(String path, String reason) {
        super(path + ": " + reason);
        this.path = path;
        this.reason = reason;
        this.problems = List.of(this);
    }

    /**
     * Several problems in one exception; {@link #path()} and {@link #reason()} are those of the first.
     *
     * @param problems at least one, each a single problem
     * @throws IllegalArgumentException when {@code problems} is empty
     */
    public ConfigException(List<ConfigException> problems) {
        super(message(problems));
        ConfigException first = problems.get(0).problems().get(0);
        this.path = first.path;
        this.reason = first.reason;
        this.problems = problems.stream().flatMap(p -> p.problems().stream()).toList();
    }

    private static String message(List<ConfigException> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("no problems");
        }
        List<ConfigException> all = problems.stream().flatMap(p -> p.problems().stream()).toList();
        if (all.size() == 1) {
            return all.get(0).getMessage();
        }
        StringBuilder sb = new StringBuilder(all.size() + " configuration problems:");
        all.forEach(p -> sb.append("\n  ").append(p.getMessage()));
        return sb.toString();
    }

    /** The key path of the (first) problem. */
    public String path() {
        return path;
    }

    /** Why the value at {@link #path()} is refused, and how to fix it. */
    public String reason() {
        return reason;
    }

    /** Every single problem this exception carries, in order (itself when it is one problem). */
    public List<ConfigException> problems() {
        return problems;
    }
}
