package coop.comptoir.bots.shifts.source;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonCreator;
import coop.comptoir.api.config.Problems;
import coop.comptoir.api.config.Secret;
import coop.comptoir.api.plugin.ConfigException;
import java.time.Duration;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How to read shifts from an Odoo database running the {@code coop_shift} module, read-only, over
 * JSON-RPC. Keys are snake_case in YAML; check {@link #check(Problems)} before building an
 * {@link OdooShiftSource}.
 *
 * @param url                the Odoo address, e.g. {@code https://odoo.example.coop}
 * @param database           the database name
 * @param login              the login of a user allowed to read shifts, registrations and partners
 * @param password           its password or, better, an API key ({@code api_key} is accepted as the
 *                           key's name); write {@code ${ODOO_PASSWORD}}: it is never logged
 * @param members            how a registered partner gets a Matrix ID
 * @param team               where a shift's team is read (default: none)
 * @param registrationStates the registration states that count as "registered" (default open, done)
 * @param timeoutSeconds     the former spelling of {@code timeout}, in seconds: still read, with a warning
 * @param timeout            how long one read or call may take (default {@code 30s})
 */
public record OdooSourceConfig(String url, String database, String login, @JsonAlias("api_key") Secret password,
                               Members members, Team team, List<String> registrationStates, @Deprecated Integer timeoutSeconds,
                               Duration timeout) implements SourceConfig {

    @JsonCreator
    public OdooSourceConfig {
        members = members == null ? new Members(null, null, null) : members;
        team = team == null ? new Team(null, null) : team;
        registrationStates = registrationStates == null || registrationStates.isEmpty()
                ? List.of("open", "done") : List.copyOf(registrationStates);
        if (timeout == null) {
            timeout = Duration.ofSeconds(timeoutSeconds == null ? 30 : timeoutSeconds);
        }
    }

    /**
     * Partner → Matrix ID.
     *
     * @param by     {@code email} (the default): the partner's e-mail looked up in {@code emails};
     *               {@code field}: a partner field holding the Matrix ID
     * @param field  for {@code by: field}, e.g. {@code x_matrix_id}
     * @param emails for {@code by: email}: e-mail address → Matrix user ID (case-insensitive)
     */
    public record Members(String by, String field, Map<String, String> emails) {
        public Members {
            by = by == null ? "email" : by.trim().toLowerCase(Locale.ROOT);
            Map<String, String> lower = new LinkedHashMap<>();
            if (emails != null) {
                emails.forEach((k, v) -> lower.put(k == null ? null : k.trim().toLowerCase(Locale.ROOT), v));
            }
            emails = Collections.unmodifiableMap(lower);
        }
    }

    /**
     * A shift's team.
     *
     * @param from  {@code none} (the default), {@code week} (coop_shift's week_number, 1–4 read as
     *              A–D), {@code template} (the shift template's name) or {@code type} (the shift
     *              type's name)
     * @param names optional renaming: value read → team key (e.g. {@code "Samedi - 09:00 - A": samedi-a});
     *              values not listed are kept as read
     */
    public record Team(String from, Map<String, String> names) {
        public Team {
            from = from == null ? "none" : from.trim().toLowerCase(Locale.ROOT);
            names = names == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(names));
        }
    }

    /** The keys without {@code timeout} (as older configs and tests write them). */
    public OdooSourceConfig(String url, String database, String login, String password,
            Members members, Team team, List<String> registrationStates, Integer timeoutSeconds) {
        this(url, database, login, IcalSourceConfig.secret(password), members, team, registrationStates, timeoutSeconds, null);
    }

    /** Every problem, each with its key path under {@code path}; never the password. */
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
        if (url == null || url.isBlank()) {
            out.add(new ConfigException(path + ".url", "missing (the Odoo address, e.g. https://odoo.example.coop)"));
        } else {
            try {
                URI u = URI.create(url.trim());
                if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
                    out.add(new ConfigException(path + ".url", "must be an http(s) address"));
                } else if (u.getRawUserInfo() != null) {
                    out.add(new ConfigException(path + ".url", "put credentials in login and password, not in the address"));
                } else if (Safe.plainHttpToRemote(u)) {
                    out.add(new ConfigException(path + ".url", "must be an https:// address: the password is sent with "
                            + "every call (http:// only to this machine)"));
                }
            } catch (IllegalArgumentException e) {
                out.add(new ConfigException(path + ".url", "not a valid address"));
            }
        }
        if (database == null || database.isBlank()) {
            out.add(new ConfigException(path + ".database", "missing (the Odoo database name)"));
        }
        if (login == null || login.isBlank()) {
            out.add(new ConfigException(path + ".login", "missing (the login of the user Comptoir reads as)"));
        }
        if (password == null) {
            out.add(new ConfigException(path + ".password", "missing (write ${ODOO_PASSWORD}, a password or an API key)"));
        }
        switch (members.by()) {
            case "email" -> {
                if (members.field() != null) {
                    out.add(new ConfigException(path + ".members.field", "only with by: field"));
                }
                members.emails().forEach((email, id) -> {
                    String kp = path + ".members.emails." + email;
                    if (email == null || !email.matches("[^@\\s]+@[^@\\s]+")) {
                        out.add(new ConfigException(kp, "not an e-mail address"));
                    } else if (!IcalSourceConfig.validUserId(id)) {
                        out.add(new ConfigException(kp, "expected a Matrix user ID (@name:server)"));
                    }
                });
            }
            case "field" -> {
                if (members.field() == null || !members.field().matches("[a-z_][a-z0-9_]*")) {
                    out.add(new ConfigException(path + ".members.field", "the partner field holding the Matrix ID, e.g. x_matrix_id"));
                }
                if (!members.emails().isEmpty()) {
                    out.add(new ConfigException(path + ".members.emails", "only with by: email"));
                }
            }
            default -> out.add(new ConfigException(path + ".members.by", "email or field"));
        }
        if (!List.of("none", "week", "template", "type").contains(team.from())) {
            out.add(new ConfigException(path + ".team.from", "none, week, template or type"));
        }
        for (int i = 0; i < registrationStates.size(); i++) {
            String s = registrationStates.get(i);
            if (s == null || !s.matches("[a-z_]+")) {
                out.add(new ConfigException(path + ".registration_states[" + i + "]", "a registration state such as open or done"));
            } else if (s.equals("cancel")) {
                out.add(new ConfigException(path + ".registration_states[" + i + "]", "cancelled registrations are never members"));
            }
        }
        if (timeoutSeconds != null) {
            p.deprecated("timeout_seconds", "timeout", "timeout: " + timeoutSeconds + "s");
        }
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
            p.add(timeoutSeconds != null ? "timeout_seconds" : "timeout", "must be at least 1s");
        }
        out.forEach(p::addAll);
    }

    /** Never the password. */
    @Override
    public String toString() {
        return "OdooSourceConfig[url=" + url + ", database=" + database + ", login=" + login + ", password="
                + (password == null ? null : Safe.MASK) + ", members=" + members + ", team=" + team
                + ", registrationStates=" + registrationStates + ", timeoutSeconds=" + timeoutSeconds + "]";
    }

    /** The base URL without a trailing slash. */
    String base() {
        String u = url.trim();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }
}
