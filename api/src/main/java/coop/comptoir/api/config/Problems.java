package coop.comptoir.api.config;

import coop.comptoir.api.plugin.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Collects every problem of a config section, each with its full key path, so that one run of
 * {@code check-config} shows them all. A view at a nested key ({@link #at(String)}, {@link #at(int)})
 * adds to the same collection with a longer path:
 *
 * <pre>{@code
 * Problems room = problems.at("rooms").at(2);
 * room.add("greeting", "uses {wiki} but wiki is not set");   // plugins[0].rooms[2].greeting: …
 * }</pre>
 *
 * <p>Warnings ({@link #warn}) are kept apart: they do not refuse the config, the runtime logs them
 * (a deprecated key, for instance). Reasons must never repeat a secret value. Not thread-safe: one
 * collector per check.
 */
public final class Problems {
    private final String path;
    private final List<ConfigException> errors;
    private final List<ConfigException> warnings;

    private Problems(String path, List<ConfigException> errors, List<ConfigException> warnings) {
        this.path = Objects.requireNonNull(path, "path");
        this.errors = errors;
        this.warnings = warnings;
    }

    /** An empty collector for the section at {@code path} ({@code plugins[1]}; "" for the file's top level). */
    public static Problems root(String path) {
        return new Problems(path, new ArrayList<>(), new ArrayList<>());
    }

    /** The key path of this view, e.g. {@code plugins[1].rooms[0]}. */
    public String path() {
        return path;
    }

    /** A view at {@code key} under this path, adding to the same collection. */
    public Problems at(String key) {
        return new Problems(child(path, key), errors, warnings);
    }

    /** A view at list index {@code index} under this path ({@code rooms[2]}), adding to the same collection. */
    public Problems at(int index) {
        return new Problems(path + "[" + index + "]", errors, warnings);
    }

    /** The full key path of {@code key} under this view. */
    public String pathOf(String key) {
        return child(path, key);
    }

    /**
     * Adds a problem at {@code key} under this view (null or "" for this view's own path).
     *
     * @param reason what is wrong and how to write it instead; never the value of a secret
     */
    public Problems add(String key, String reason) {
        errors.add(new ConfigException(key == null || key.isEmpty() ? orTop(path) : child(path, key), reason));
        return this;
    }

    /** Adds the problems an exception carries (their paths are already full). */
    public Problems addAll(ConfigException e) {
        errors.addAll(e.problems());
        return this;
    }

    /** Adds a warning at {@code key} under this view: logged, the config is still accepted. */
    public Problems warn(String key, String reason) {
        warnings.add(new ConfigException(key == null || key.isEmpty() ? orTop(path) : child(path, key), reason));
        return this;
    }

    /**
     * Warns that {@code oldKey} is deprecated in favour of {@code newKey}, saying how to write it.
     *
     * @param example the new spelling with a value, e.g. {@code group_window: 3s}
     */
    public Problems deprecated(String oldKey, String newKey, String example) {
        return warn(oldKey, "deprecated, still read for this release: write " + newKey + " instead (e.g. " + example + ")");
    }

    /** Whether no problem was added (through any view). Warnings do not count. */
    public boolean isEmpty() {
        return errors.isEmpty();
    }

    /** Every problem so far, in the order added, through every view. */
    public List<ConfigException> list() {
        return List.copyOf(errors);
    }

    /** Every warning so far, in the order added. */
    public List<ConfigException> warnings() {
        return List.copyOf(warnings);
    }

    /**
     * Throws one {@link ConfigException} listing every problem, each with its key path, when there is any.
     *
     * @throws ConfigException when at least one problem was added
     */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new ConfigException(List.copyOf(errors));
        }
    }

    private static String child(String path, String key) {
        return path == null || path.isEmpty() ? key : path + "." + key;
    }

    private static String orTop(String path) {
        return path.isEmpty() ? "(top level)" : path;
    }

    @Override
    public String toString() {
        return "Problems[" + orTop(path) + ", " + errors.size() + " problem(s), " + warnings.size() + " warning(s)]";
    }
}
