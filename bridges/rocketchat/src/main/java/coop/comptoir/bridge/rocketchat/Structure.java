package coop.comptoir.bridge.rocketchat;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteStructure;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;

/**
 * A Rocket.Chat server's layout for {@code !migration structure rocketchat}: public channels
 * ({@code t = c}, open to the space's members), private groups ({@code t = p}, invite-only), teams
 * as categories (a team's rooms carry its {@code teamId}; its main room, {@code teamMain}, gives the
 * team its name and whether it is open, and is a channel of the team too). Discussions (rooms with
 * a {@code prid}) are listed apart: they follow their parent room. Direct conversations and
 * livechat are left out.
 *
 * <p>Read with {@code rooms.adminRooms} (every room of the server; needs
 * {@code view-room-administration}); when that is refused, with {@code rooms.get} (the rooms the
 * bot is in). A private group the bot is not in is listed apart (it cannot be read). Every call may block.
 */
final class Structure {
    private static final int PAGE = 100;
    private static final int MAX = 5_000;

    private final RocketRest rest;
    private final Logger log;

    Structure(RocketRest rest, Logger log) {
        this.rest = rest;
        this.log = log;
    }

    RemoteStructure read() throws RocketRest.Failure {
        Set<String> member = new HashSet<>();
        List<JsonNode> mine = new ArrayList<>();
        for (JsonNode r : rest.get("/api/v1/rooms.get").path("update")) {
            member.add(r.path("_id").asText());
            mine.add(r);
        }
        List<JsonNode> all = admin().orElse(mine);
        String server = rest.server();
        String host = Optional.ofNullable(URI.create(server).getHost()).orElse(server);
        Map<String, RemoteStructure.Category> teams = new LinkedHashMap<>();
        for (JsonNode r : all) {
            if (r.path("teamMain").asBoolean(false) && r.path("teamId").isTextual()) {
                teams.put(r.get("teamId").asText(), new RemoteStructure.Category(r.get("teamId").asText(), shown(r),
                        "c".equals(r.path("t").asText())));
            }
        }
        List<RemoteStructure.Channel> channels = new ArrayList<>();
        List<RemoteStructure.Skipped> skipped = new ArrayList<>();
        for (JsonNode r : all) {
            String type = r.path("t").asText();
            String id = r.path("_id").asText("");
            if (id.isEmpty() || !type.matches("[cp]")) {
                continue; // direct conversations, livechat
            }
            if (r.path("prid").isTextual()) {
                skipped.add(new RemoteStructure.Skipped(id, shown(r), RemoteStructure.Reason.SUB_CHANNEL));
            } else if ("p".equals(type) && !member.contains(id)) {
                skipped.add(new RemoteStructure.Skipped(id, shown(r), RemoteStructure.Reason.NO_ACCESS));
            } else {
                Optional<String> team = Optional.ofNullable(r.path("teamId").textValue()).filter(teams::containsKey);
                channels.add(new RemoteStructure.Channel(new RemoteChannelId(id), shown(r), r.path("topic").asText(""), team,
                        "c".equals(type)));
            }
        }
        return new RemoteStructure(server, host, List.copyOf(teams.values()), channels, skipped);
    }

    /** Every public channel, private group, team and discussion of the server; empty when the bot may not list them. */
    private Optional<List<JsonNode>> admin() throws RocketRest.Failure {
        List<JsonNode> out = new ArrayList<>();
        for (int offset = 0; offset < MAX; offset += PAGE) {
            JsonNode page;
            try {
                page = rest.get("/api/v1/rooms.adminRooms", "types", "c", "types", "p", "types", "teams", "types", "discussions",
                        "count", Integer.toString(PAGE), "offset", Integer.toString(offset));
            } catch (RocketRest.Failure f) {
                if (f.retryable()) {
                    throw f;
                }
                log.info("rooms.adminRooms refused ({}): only the rooms the bot is in are mirrored", f.getMessage());
                return Optional.empty();
            }
            page.path("rooms").forEach(out::add);
            if (page.path("rooms").size() < PAGE || out.size() >= page.path("total").asInt(0)) {
                break;
            }
        }
        return Optional.of(out);
    }

    private static String shown(JsonNode r) {
        String fname = r.path("fname").asText("");
        return fname.isBlank() ? r.path("name").asText(r.path("_id").asText()) : fname;
    }
}
