package coop.comptoir.api.plugin;

/** A config error: names the key path ({@code plugins[0].rooms[2]}) and the reason. */
public class ConfigException extends RuntimeException {
    private final String path;

    public ConfigException(String path, String reason) {
        super(path + ": " + reason);
        this.path = path;
    }

    public String path() {
        return path;
    }
}
