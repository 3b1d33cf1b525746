package coop.comptoir.bots.shifts.source;

import coop.comptoir.api.id.UserId;
import com.fasterxml.jackson.annotation.JsonCreator;
import coop.comptoir.api.config.Problems;
import coop.comptoir.api.config.Secret;
import coop.comptoir.api.plugin.ConfigException;
import java.time.Duration;
import java.net.URI;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where an iCalendar feed is and how its events read as shifts. Keys are snake_case in YAML
 * ({@code seats_property}); bind it with {@code PluginConfig.bind} (or as a nested record of the
 * plugin's config) and check {@link #check(Problems)} before building an {@link IcalShiftSource}.
 *
 * @param url            an http(s) address of the feed; exactly one of {@code url} and {@code file}
 * @param file           a local {@code .ics} file, re-read when it changes
 * @param auth           credentials sent with {@code url} (optional)
 * @param zone           the zone of "floating" times (no TZID, no Z); default: the coop's zone
 * @param team           where an event's team is read (default: its first CATEGORIES value)
 * @param seatsProperty  the property holding the number of seats, default {@code X-COMPTOIR-SEATS};
 *                       empty: seats unknown
 * @param members        how attendees are recognised as Matrix users
 * @param timeoutSeconds     the former spelling of {@code timeout}, in seconds: still read, with a warning
 * @param timeout            how long one read or call may take (default {@code 30s})
 */
public record IcalSourceConfig(String url, String file, Auth auth, String zone, Team team, String seatsProperty,
                               Members members, @Deprecated Integer timeoutSeconds, Duration timeout) implements SourceConfig {

    @JsonCreator
    public IcalSourceConfig {
        team = team == null ? new Team(null, null, null) : team;
        seatsProperty = seatsProperty == null ? "X-COMPTOIR-SEATS" : seatsProperty.trim().toUpperCase(Locale.ROOT);
        members = members == null ? new Members(null) : members;
        if (timeout == null) {
            timeout = Duration.ofSeconds(timeoutSeconds == null ? 30 : timeoutSeconds);
        }
    }

    /**
     * Credentials for the feed, never logged: HTTP basic ({@code username} and {@code password}), or a
     * {@code token} sent as {@code Authorization: Bearer <token>}, or as the raw value of {@code header}
     * when one is named (e.g. {@code X-Api-Key}).
     */
    public record Auth(String username, Secret password, Secret token, String header) {
        /** The values as written (a blank one counts as absent), e.g. in tests. */
        public Auth(String username, String password, String token, String header) {
            this(username, secret(password), secret(token), header);
        }

        @JsonCreator
        public Auth {}

        /** Never the password or the token. */
        @Override
        public String toString() {
            return "Auth[username=" + username + ", password=" + (password == null ? null : Safe.MASK)
                    + ", token=" + (token == null ? null : Safe.MASK) + ", header=" + header + "]";
        }
    }

    /**
     * Where the team of an event is read.
     *
     * @param from      {@code categories} (first value; the default), {@code summary} (the part of SUMMARY
     *                  before {@code separator}, the rest being the title), {@code property} (the value of
     *                  {@code property}), or {@code none}
     * @param property  the property for {@code from: property}, default {@code X-COMPTOIR-TEAM}
     * @param separator for {@code from: summary}, default {@code " - "} ("A - Samedi matin")
     */
    public record Team(String from, String property, String separator) {
        public Team {
            from = from == null ? "categories" : from.trim().toLowerCase(Locale.ROOT);
            property = property == null ? "X-COMPTOIR-TEAM" : property.trim().toUpperCase(Locale.ROOT);
            separator = separator == null || separator.isEmpty() ? " - " : separator;
        }
    }

    /**
     * How an ATTENDEE becomes a member with a Matrix ID. {@code matrix:u/alice:example.org} and
     * {@code https://matrix.to/#/@alice:example.org} attendees carry their ID; {@code mailto:}
     * attendees are looked up in {@code emails} (case-insensitive). CN is the name shown.
     *
     * @param emails e-mail address → Matrix user ID
     */
    public record Members(Map<String, String> emails) {
        public Members {
            Map<String, String> lower = new LinkedHashMap<>();
            if (emails != null) {
                emails.forEach((k, v) -> lower.put(k == null ? null : k.trim().toLowerCase(Locale.ROOT), v));
            }
            emails = java.util.Collections.unmodifiableMap(lower);
        }
    }

    /** The keys without {@code timeout} (as older configs and tests write them). */
    public IcalSourceConfig(String url, String file, Auth auth, String zone, Team team, String seatsProperty,
            Members members, Integer timeoutSeconds) {
        this(url, file, auth, zone, team, seatsProperty, members, timeoutSeconds, null);
    }

    /** Every problem, each with its key path under {@code path}; never a credential's value. */
    public List<ConfigException> problems(String path) {
        Problems p = Problems.root(path);
        check(p);
        return p.list();
    }

    /** Adds every problem to {@code p} (at the {@code source:} path), and a warning for {@code timeout_seconds}. */
    @SuppressWarnings("deprecation")
    public void check(Problems p) {
        String path = p.path();
        List<ConfigException> out = new ArrayList<>();
        boolean hasUrl = url != null && !url.isBlank();
        boolean hasFile = file != null && !file.isBlank();
        if (hasUrl == hasFile) {
            out.add(new ConfigException(path, hasUrl
                    ? "give either url or file, not both"
                    : "missing url or file (the feed's address, or a local .ics file)"));
        }
        if (hasUrl) {
            try {
                URI u = URI.create(url.trim());
                if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
                    out.add(new ConfigException(path + ".url", "must be an http(s) address"));
                } else if (u.getRawUserInfo() != null) {
                    out.add(new ConfigException(path + ".url", "put credentials in auth, not in the address"));
                } else if (auth != null && Safe.plainHttpToRemote(u)) {
                    out.add(new ConfigException(path + ".auth", "credentials are sent over https only: "
                            + "url is an http:// address (use the feed's https:// address)"));
                }
            } catch (IllegalArgumentException e) {
                out.add(new ConfigException(path + ".url", "not a valid address"));
            }
        }
        if (auth != null) {
            String ap = path + ".auth";
            if (!hasUrl) {
                out.add(new ConfigException(ap, "only for a url"));
            }
            boolean basic = auth.username() != null || auth.password() != null;
            boolean token = auth.token() != null;
            if (basic == token) {
                out.add(new ConfigException(ap, "give username and password, or a token"));
            } else if (basic && (blank(auth.username()) || auth.password() == null)) {
                out.add(new ConfigException(ap, "basic authentication needs both username and password"));
            } else if (token && !headerSafe(auth.token().reveal())) {
                // Never the value: OkHttp would quote it in its error, hence this check before any request.
                out.add(new ConfigException(ap + ".token", "has a space, a line break, a control or a non-ASCII character, "
                        + "not allowed in an HTTP header (check the value or the variable it comes from)"));
            }
            if (auth.header() != null && (basic || !auth.header().matches("[A-Za-z0-9-]+"))) {
                out.add(new ConfigException(ap + ".header", basic ? "only with a token" : "not a header name"));
            }
        }
        if (zone != null) {
            try {
                ZoneId.of(zone);
            } catch (DateTimeException e) {
                out.add(new ConfigException(path + ".zone", "unknown time zone \"" + zone + "\" (e.g. Europe/Paris)"));
            }
        }
        if (!List.of("categories", "summary", "property", "none").contains(team.from())) {
            out.add(new ConfigException(path + ".team.from", "categories, summary, property or none"));
        }
        if (!team.property().matches("[A-Z0-9-]+")) {
            out.add(new ConfigException(path + ".team.property", "not a property name (e.g. X-COMPTOIR-TEAM)"));
        }
        if (!seatsProperty.isEmpty() && !seatsProperty.matches("[A-Z0-9-]+")) {
            out.add(new ConfigException(path + ".seats_property", "not a property name (e.g. X-COMPTOIR-SEATS)"));
        }
        members.emails().forEach((email, id) -> {
            String kp = path + ".members.emails." + email;
            if (email == null || !email.matches("[^@\\s]+@[^@\\s]+")) {
                out.add(new ConfigException(kp, "not an e-mail address"));
            } else if (!validUserId(id)) {
                out.add(new ConfigException(kp, "expected a Matrix user ID (@name:server)"));
            }
        });
        if (timeoutSeconds != null) {
            p.deprecated("timeout_seconds", "timeout", "timeout: " + timeoutSeconds + "s");
        }
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
            p.add(timeoutSeconds != null ? "timeout_seconds" : "timeout", "must be at least 1s");
        }
        out.forEach(p::addAll);
    }

    /** The zone of floating times: {@code zone}, else the coop's. */
    ZoneId floatingZone(ZoneId coopZone) {
        return zone == null ? coopZone : ZoneId.of(zone);
    }

    static boolean validUserId(String id) {
        if (id == null) {
            return false;
        }
        try {
            UserId.of(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Visible ASCII only: what a token may hold in an HTTP header. */
    private static boolean headerSafe(String s) {
        return s.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** A secret written as text: null when absent or blank. */
    static Secret secret(String value) {
        return value == null || value.isBlank() ? null : Secret.of(value);
    }
}
