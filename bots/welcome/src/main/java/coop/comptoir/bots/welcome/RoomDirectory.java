package coop.comptoir.bots.welcome;

import coop.comptoir.api.matrix.Html;
import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.matrix.MatrixClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The coop's public rooms, for {@code !salons}: the public rooms of its space (space hierarchy)
 * when a space is configured, else the homeserver's public room directory.
 */
final class RoomDirectory {
    /** At most this many rooms are listed: a message must stay readable. */
    static final int MAX_ROOMS = 50;
    private static final int MAX_PAGES = 5;

    record PublicRoom(String roomId, String alias, String name, String topic, long members) {
        /** What a link to the room should point at: its alias when it has one. */
        String address() {
            return alias != null ? alias : roomId;
        }

        String label() {
            return name != null && !name.isBlank() ? name : address();
        }
    }

    private RoomDirectory() {}

    /** Fetches the list; blocks on the homeserver; throws {@link coop.comptoir.api.matrix.MatrixException}. */
    static List<PublicRoom> fetch(MatrixClient matrix, RoomId space) {
        List<PublicRoom> rooms = new ArrayList<>();
        String from = null;
        for (int page = 0; page < MAX_PAGES && rooms.size() < MAX_ROOMS; page++) {
            JsonNode answer;
            if (space != null) {
                answer = matrix.request("GET", "/_matrix/client/v1/rooms/" + encode(space.value())
                        + "/hierarchy?limit=50" + (from == null ? "" : "&from=" + encode(from)), null);
                rooms.addAll(fromHierarchy(answer, space));
            } else {
                answer = matrix.request("GET", "/_matrix/client/v3/publicRooms?limit=50"
                        + (from == null ? "" : "&since=" + encode(from)), null);
                rooms.addAll(fromDirectory(answer));
            }
            JsonNode next = answer.path("next_batch");
            if (!next.isTextual() || next.asText().isEmpty()) {
                break;
            }
            from = next.asText();
        }
        rooms.sort(Comparator.comparing((PublicRoom r) -> r.label().toLowerCase(java.util.Locale.ROOT)));
        return rooms.size() > MAX_ROOMS ? List.copyOf(rooms.subList(0, MAX_ROOMS)) : List.copyOf(rooms);
    }

    /** The public rooms of a hierarchy answer, without the space itself nor sub-spaces. */
    static List<PublicRoom> fromHierarchy(JsonNode answer, RoomId space) {
        List<PublicRoom> out = new ArrayList<>();
        for (JsonNode r : answer.path("rooms")) {
            if (space.value().equals(r.path("room_id").asText()) || "m.space".equals(r.path("room_type").asText(null))) {
                continue;
            }
            if (!"public".equals(r.path("join_rule").asText("public"))) {
                continue;
            }
            out.add(room(r));
        }
        return out;
    }

    /** The rooms of a {@code /publicRooms} answer. */
    static List<PublicRoom> fromDirectory(JsonNode answer) {
        List<PublicRoom> out = new ArrayList<>();
        for (JsonNode r : answer.path("chunk")) {
            if ("m.space".equals(r.path("room_type").asText(null))) {
                continue;
            }
            out.add(room(r));
        }
        return out;
    }

    private static PublicRoom room(JsonNode r) {
        return new PublicRoom(r.path("room_id").asText(), text(r, "canonical_alias"), text(r, "name"), text(r, "topic"),
                r.path("num_joined_members").asLong(0));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }

    /** The list as a message: one line per room, its name linked, then its topic. */
    static Template.Rendered render(List<PublicRoom> rooms, Wording wording) {
        if (rooms.isEmpty()) {
            String none = wording.text("rooms.none");
            return new Template.Rendered(none, Html.escape(none));
        }
        String title = wording.text("rooms.title");
        StringBuilder plain = new StringBuilder(title);
        StringBuilder html = new StringBuilder("<p>").append(Html.escape(title)).append("</p><ul>");
        for (PublicRoom r : rooms) {
            String link = Html.matrixTo(r.address());
            plain.append("\n• ").append(r.label()).append(" — ").append(link);
            html.append("<li>").append(Html.link(link, r.label()));
            if (r.topic() != null) {
                plain.append(" : ").append(oneLine(r.topic()));
                html.append(" — ").append(Html.escape(oneLine(r.topic())));
            }
            html.append("</li>");
        }
        html.append("</ul>");
        return new Template.Rendered(plain.toString(), html.toString());
    }

    private static String oneLine(String s) {
        String line = s.replaceAll("\\s+", " ").strip();
        return line.length() > 200 ? line.substring(0, 199) + "…" : line;
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
