package coop.comptoir.bots.visio;

import coop.comptoir.api.http.Addresses;
import coop.comptoir.api.plugin.ConfigException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One visio instance's config section, the only place where its keys are read. Exactly one of
 * {@code jitsi} and {@code bigbluebutton} is set. Keys are snake_case in YAML.
 *
 * @param jitsi         a Jitsi Meet server: the link is {@code {url}/{meeting}}
 * @param bigbluebutton a BigBlueButton server: the meeting is created through its API and the link
 *                      is a join URL signed with the shared secret
 * @param language      {@code fr} (default) or {@code en}
 * @param commands      the command name, then its aliases (default {@code [visio, video]})
 */
public record VisioConfig(Jitsi jitsi, BigBlueButton bigbluebutton, String language, List<String> commands) {
    /** The checksum algorithms BigBlueButton accepts ({@code supportedChecksumAlgorithms}). */
    static final List<String> CHECKSUMS = List.of("sha1", "sha256", "sha384", "sha512");

    public VisioConfig {
        language = language == null ? "fr" : language;
        commands = commands == null ? List.of("visio", "video") : List.copyOf(commands);
    }

    /**
     * A Jitsi Meet server. No default: the coop chooses its instance (its own, or a public one such
     * as {@code https://meet.jit.si}).
     *
     * @param url the server's address, e.g. {@code https://meet.jit.si}
     */
    public record Jitsi(String url) {}

    /**
     * A BigBlueButton server.
     *
     * @param url      the server's address, e.g. {@code https://bbb.example.coop/bigbluebutton} (the
     *                 API is under {@code /api})
     * @param secret   the shared secret ({@code bbb-conf --secret}); write {@code ${BBB_SECRET}}
     * @param checksum {@code sha1}, {@code sha256} (default), {@code sha384} or {@code sha512}: one the
     *                 server accepts
     * @param role     {@code moderator} (default: everyone of the room may manage the call) or
     *                 {@code viewer}
     */
    public record BigBlueButton(String url, String secret, String checksum, String role) {
        public BigBlueButton {
            checksum = checksum == null ? "sha256" : checksum.toLowerCase(Locale.ROOT);
            role = role == null ? "moderator" : role.toLowerCase(Locale.ROOT);
        }

        /** The API's base, {@code …/bigbluebutton/api}, without a trailing slash. */
        String api() {
            String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            return base.endsWith("/api") ? base : base + "/api";
        }
    }

    /** The command name (the first of {@link #commands}). */
    String command() {
        return commands.get(0);
    }

    /** The base of Jitsi links, without a trailing slash. */
    String jitsiBase() {
        String url = jitsi.url();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /**
     * Every problem of the section, each naming its key path under {@code path}. The shared secret
     * is never quoted.
     */
    List<ConfigException> problems(String path) {
        List<ConfigException> out = new ArrayList<>();
        if (jitsi == null && bigbluebutton == null) {
            out.add(new ConfigException(path, "choose a video service: jitsi (url) or bigbluebutton (url and secret)"));
        } else if (jitsi != null && bigbluebutton != null) {
            out.add(new ConfigException(path, "jitsi and bigbluebutton are both set: keep one"));
        }
        if (jitsi != null) {
            address(jitsi.url(), path + ".jitsi.url", "https://meet.jit.si", out);
        }
        if (bigbluebutton != null) {
            String at = path + ".bigbluebutton";
            address(bigbluebutton.url(), at + ".url", "https://bbb.example.coop/bigbluebutton", out);
            if (bigbluebutton.secret() == null || bigbluebutton.secret().isBlank()) {
                out.add(new ConfigException(at + ".secret", "missing (the server's shared secret: bbb-conf --secret; "
                        + "write ${BBB_SECRET} and set it in the environment)"));
            } else if (bigbluebutton.secret().length() < 12) {
                out.add(new ConfigException(at + ".secret", "shorter than 12 characters: is it the server's shared secret?"));
            }
            if (!CHECKSUMS.contains(bigbluebutton.checksum())) {
                out.add(new ConfigException(at + ".checksum", "one of " + String.join(", ", CHECKSUMS)));
            }
            if (!List.of("moderator", "viewer").contains(bigbluebutton.role())) {
                out.add(new ConfigException(at + ".role", "moderator or viewer"));
            }
        }
        if (!language.equals("fr") && !language.equals("en")) {
            out.add(new ConfigException(path + ".language", "fr or en"));
        }
        if (commands.isEmpty()) {
            out.add(new ConfigException(path + ".commands", "give at least the command's name"));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < commands.size(); i++) {
            String name = commands.get(i);
            String at = path + ".commands[" + i + "]";
            if (name == null || !name.matches("[a-z0-9][a-z0-9_-]*")) {
                out.add(new ConfigException(at, "lower-case letters, digits, - or _"));
            } else if (!seen.add(name)) {
                out.add(new ConfigException(at, name + " is listed twice"));
            }
        }
        return out;
    }

    private static void address(String url, String path, String example, List<ConfigException> out) {
        if (url == null || url.isBlank()) {
            out.add(new ConfigException(path, "missing (e.g. " + example + ")"));
            return;
        }
        try {
            URI u = URI.create(url);
            if (u.getHost() == null || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
                out.add(new ConfigException(path, "must be an https address, e.g. " + example));
            } else if (!Addresses.credentialsSafeTo(u)) {
                out.add(new ConfigException(path, "must be an https address (http is accepted for this machine only)"));
            } else if (u.getRawQuery() != null || u.getRawFragment() != null) {
                out.add(new ConfigException(path, "the server's address only, without ?… or #…"));
            }
        } catch (IllegalArgumentException e) {
            out.add(new ConfigException(path, "not a valid address"));
        }
    }
}
