package coop.comptoir.bridge.rocketchat;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Rocket.Chat users looked up by username or by ID ({@code users.info}), remembered ten minutes so a
 * renamed user shows under the new name soon enough. Thread-safe; a look-up may block.
 */
final class Users {
    private static final long KEEP_MS = 10 * 60_000L;

    /** A user: {@code name} is the display name, {@code username} the handle. */
    record Who(String id, String username, String name) {
        /** The name people see: the display name, else the username. */
        String shown() {
            return name.isBlank() ? username : name;
        }
    }

    private record Kept(Who who, long at) {
    }

    private final RocketRest rest;
    private final Logger log;
    private final Map<String, Kept> byUsername = new ConcurrentHashMap<>();
    private final Map<String, Kept> byId = new ConcurrentHashMap<>();

    Users(RocketRest rest, Logger log) {
        this.rest = rest;
        this.log = log;
    }

    Optional<Who> byUsername(String username) {
        return find(byUsername, "username", username);
    }

    Optional<Who> byId(String id) {
        return find(byId, "userId", id);
    }

    private Optional<Who> find(Map<String, Kept> cache, String param, String value) {
        Kept kept = cache.get(value);
        long now = System.currentTimeMillis();
        if (kept != null && now - kept.at() < KEEP_MS) {
            return Optional.of(kept.who());
        }
        try {
            var user = rest.get("/api/v1/users.info", param, value).path("user");
            String id = user.path("_id").asText("");
            String username = user.path("username").asText("");
            if (id.isEmpty() || username.isEmpty()) {
                return Optional.empty();
            }
            Who who = new Who(id, username, user.path("name").asText(""));
            byUsername.put(username, new Kept(who, now));
            byId.put(id, new Kept(who, now));
            return Optional.of(who);
        } catch (RocketRest.Failure f) {
            log.debug("Rocket.Chat user {} not found: {}", value, f.getMessage());
            return kept == null ? Optional.empty() : Optional.of(kept.who());
        }
    }
}
