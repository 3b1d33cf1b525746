package coop.comptoir.e2e.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.hostile.HostileCorpus.Item;
import coop.comptoir.e2e.rig.BridgeTeardown;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import coop.comptoir.testing.discord.FakeMessage;
import coop.comptoir.testing.discord.FakeUser;
import coop.comptoir.testing.discord.RecordedCall;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The hostile-content corpus ({@link HostileCorpus}) through the Discord bridge, both ways, with the
 * real Synapse and the fake Discord (which records every message created and checks each request
 * against Discord's description). Every item is followed by an ordinary message: that one must
 * arrive after it, so an item that jams a queue, or is lost, shows.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileDiscordE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(150);
    private static final String TOKEN = "e2e-discord-hostile-token-0123456789abc";
    /** What fits in a Matrix event beside the rest of it (Synapse takes 65,536 bytes of JSON). */
    private static final int MATRIX_TEXT_BYTES = 60_000;
    private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cc}\\p{Cf}]");
    /** What the bridge says where it cut a message too long for Matrix (in French, the default language). */
    private static final String CUT_MARK = "trop long pour Matrix";
    private static final Pattern USER_MENTION = Pattern.compile("<@(\\d+)>");

    private static Rig rig;
    private static FakeDiscord discord;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static String bot;
    private static FakeChannel channel;
    private static FakeUser dora;
    private static String room;
    private static final Map<Item, FakeUser> discordNamed = new LinkedHashMap<>();
    private static final Map<Item, MatrixTestClient> matrixNamed = new LinkedHashMap<>();
    private static final List<String> findings = new ArrayList<>();

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        FakeDiscord.Builder builder = FakeDiscord.builder().botToken(TOKEN).guild("Comptoir", "hostile").user("dora", "Dora");
        List<Item> names = HostileCorpus.names();
        for (int i = 0; i < names.size(); i++) {
            builder.user("nom" + i, names.get(i).text());
        }
        discord = builder.start();
        channel = discord.channel("hostile");
        dora = discord.user("dora");
        for (int i = 0; i < names.size(); i++) {
            discordNamed.put(names.get(i), discord.user("nom" + i));
        }

        alice = rig.newUser("alice");
        alice.setDisplayName("Alice");
        room = alice.createRoom(bot);
        for (Item name : names) {
            MatrixTestClient who = rig.newUser("nom");
            who.setDisplayName(name.text().length() > 200 ? name.text().substring(0, 200) : name.text());
            alice.invite(room, who.userId());
            who.join(room);
            matrixNamed.put(name, who);
        }
        comptoir = rig.comptoir("hostile-discord", c -> {
            ObjectNode d = ((ArrayNode) c.withArray("plugins")).addObject();
            d.put("type", "discord").put("id", "discord").put("token", TOKEN).put("guild_id", channel.guildId())
                    .put("max_retry_delay", "2s")
                    .put("api_base_url", discord.restBaseUrl()).put("gateway_url", discord.gatewayUrl())
                    .put("cdn_url", discord.cdnBaseUrl());
            d.putArray("links").addObject().put("room", room).put("channel", channel.id());
        }).start();
        alice.awaitEvent(room, Events.membership(bot, "join"), Duration.ofSeconds(60));
        discord.awaitConnectedClients(1, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws Exception {
        findings.forEach(f -> System.out.println("hostile corpus, Discord: " + f));
        BridgeTeardown.stop(comptoir, TOKEN, null, discord, null);
    }

    private static String ghost(FakeUser user) {
        return "@_discord_" + user.id() + ":" + Rig.SERVER_NAME;
    }

    static String marker(Item item) {
        return "hx-" + item.id();
    }

    static String witness(Item item) {
        return "témoin après " + item.id();
    }

    @Test
    @Order(1)
    void everyItemFromDiscordReachesMatrixSafelyAndInOrder() {
        Instant start = Instant.now();
        List<Item> items = HostileCorpus.texts();
        for (Item item : items) {
            discord.userSays(channel.id(), dora.id(), marker(item) + "\n" + item.text());
            discord.userSays(channel.id(), dora.id(), witness(item));
        }
        alice.awaitEvent(room, Events.newMessageFrom(ghost(dora), witness(items.get(items.size() - 1))), WAIT);
        findings.add("Discord → Matrix: " + items.size() + " items and their witnesses in "
                + Duration.between(start, Instant.now()).toSeconds() + " s");

        List<JsonNode> events = alice.roomMessages(room).stream().filter(Events.messageFrom(ghost(dora))).toList();
        Map<String, List<String>> problems = new LinkedHashMap<>();
        int previousWitness = -1;
        for (Item item : items) {
            int at = indexOf(events, e -> body(e).startsWith(marker(item)), previousWitness + 1);
            int witnessAt = indexOf(events, e -> body(e).equals(witness(item)), previousWitness + 1);
            List<String> wrong = new ArrayList<>();
            if (at < 0) {
                wrong.add("lost (no message on Matrix)");
            } else {
                JsonNode event = events.get(at);
                wrong.addAll(MatrixSafety.problems(event));
                wrong.addAll(notCutSilently(item, body(event)));
                findings.add("Discord → Matrix " + item.id() + ": body " + body(event).length() + " chars, event "
                        + event.toString().getBytes(StandardCharsets.UTF_8).length + " bytes"
                        + (body(event).length() < 300 ? ": " + visible(body(event)) : ""));
            }
            if (witnessAt < 0 || witnessAt < at) {
                wrong.add("the message after it is missing or before it");
            }
            if (!wrong.isEmpty()) {
                problems.put(item.id(), wrong);
            }
            previousWitness = Math.max(previousWitness, witnessAt);
        }
        assertThat(problems).as("what a Matrix reader would suffer, per item").isEmpty();
    }

    @Test
    @Order(2)
    void everyItemFromMatrixReachesDiscordWithinItsLimitsAndPingsNobody() throws Exception {
        Instant start = Instant.now();
        List<Item> items = HostileCorpus.texts();
        Map<String, String> sent = new LinkedHashMap<>();
        for (Item item : items) {
            ObjectNode content = matrixContent(item, "@_discord_");
            Http.Answer answer = alice.sendEventRaw(room, "m.room.message", json(content));
            if (answer.status() != 200) {
                findings.add("Matrix → Discord " + item.id() + ": Synapse refused it (" + answer.status() + " "
                        + answer.errcode() + "): this path cannot carry it");
                continue;
            }
            sent.put(item.id(), content.path("formatted_body").asText());
            alice.sendText(room, witness(item));
        }
        String last = items.get(items.size() - 1).id();
        discord.awaitMessageIn(channel.id(), m -> m.isWebhookMessage() && m.content().contains("témoin après " + last), WAIT);
        findings.add("Matrix → Discord: " + items.size() + " items and their witnesses in "
                + Duration.between(start, Instant.now()).toSeconds() + " s");

        List<FakeMessage> posted = discord.webhookMessages(channel.id());
        Map<String, List<String>> problems = new LinkedHashMap<>();
        for (FakeMessage m : posted) {
            List<String> wrong = discordProblems(m);
            if (!wrong.isEmpty()) {
                problems.put("message " + m.id() + " " + shorten(m.content()), wrong);
            }
        }
        for (RecordedCall call : discord.requests("POST", "/webhooks/\\d+/[^/]+")) {
            JsonNode allowed = call.json() == null ? null : call.json().path("allowed_mentions");
            if (allowed == null || !allowed.path("parse").isArray() || !allowed.path("parse").isEmpty()
                    || allowed.path("users").size() > 100 || !allowed.path("roles").isEmpty()) {
                problems.put("request " + call.line(), List.of("allowed_mentions " + allowed));
            }
        }
        int from = 0;
        for (Map.Entry<String, String> item : sent.entrySet()) {
            int at = indexOfMessage(posted, m -> m.content().startsWith("hx-" + item.getKey()), from);
            int witnessAt = indexOfMessage(posted, m -> m.content().equals("témoin après " + item.getKey()), from);
            if (at < 0 || witnessAt < at) {
                problems.put(item.getKey(), List.of("lost, or not before the message after it (at " + at + ", witness " + witnessAt + ")"));
                continue;
            }
            String whole = String.join("\n", posted.subList(at, witnessAt).stream().map(FakeMessage::content).toList());
            findings.add("Matrix → Discord " + item.getKey() + ": " + (witnessAt - at) + " Discord message(s), "
                    + whole.length() + " chars");
            String lastWords = item.getValue().endsWith("au fond") ? "au fond" : item.getValue().endsWith("fin") ? "fin" : "";
            if (!whole.contains(lastWords)) {
                problems.put(item.getKey(), List.of("its end (" + lastWords + ") did not reach Discord"));
            }
            if (item.getKey().equals("huge")) {
                long words = count(Jsoup.parse(item.getValue()).text(), "Lorem");
                assertThat(count(whole, "Lorem")).as("words of the long message on Discord (nothing dropped)").isEqualTo(words);
            }
            from = witnessAt + 1;
        }
        assertThat(problems).as("what a Discord reader would suffer").isEmpty();
    }

    @Test
    @Order(3)
    void namesDoNotPassForSomeoneElse() {
        for (Map.Entry<Item, FakeUser> e : discordNamed.entrySet()) {
            discord.userSays(channel.id(), e.getValue().id(), "bonjour de " + e.getKey().id());
        }
        for (Map.Entry<Item, MatrixTestClient> e : matrixNamed.entrySet()) {
            e.getValue().sendText(room, "salut de " + e.getKey().id());
        }
        discord.userSays(channel.id(), dora.id(), "témoin des noms");
        alice.awaitEvent(room, Events.newMessageFrom(ghost(dora), "témoin des noms"), WAIT);
        Map<String, String> problems = new LinkedHashMap<>();
        for (Map.Entry<Item, FakeUser> e : discordNamed.entrySet()) {
            String id = e.getKey().id();
            String ghost = ghost(e.getValue());
            if (alice.roomMessages(room).stream().noneMatch(Events.newMessageFrom(ghost, "bonjour de " + id))) {
                problems.put("Discord " + id, "message lost");
                continue;
            }
            String shown = alice.displayName(ghost).orElse("");
            findings.add("Discord name " + id + " shown on Matrix as " + visible(shown));
            if (INVISIBLE.matcher(shown).find() || shown.length() > 256 || shown.isBlank()) {
                problems.put("Discord " + id, "ghost named " + visible(shown));
            }
        }
        String lastMatrix = "salut de " + HostileCorpus.names().get(HostileCorpus.names().size() - 1).id();
        discord.awaitMessageIn(channel.id(), m -> m.isWebhookMessage() && m.content().equals(lastMatrix), WAIT);
        for (Map.Entry<Item, MatrixTestClient> e : matrixNamed.entrySet()) {
            String id = e.getKey().id();
            FakeMessage m = discord.awaitMessageIn(channel.id(), x -> x.isWebhookMessage() && x.content().equals("salut de " + id), WAIT);
            findings.add("Matrix name " + id + " shown on Discord as " + visible(m.authorName()));
            boolean looksLikeAlice = e.getKey().text().replaceAll("[\\p{Cf}\\p{Cc}]", "").equalsIgnoreCase("alice");
            if (INVISIBLE.matcher(m.authorName()).find() || (looksLikeAlice && !m.authorName().contains(e.getValue().userId()))
                    || m.authorName().matches("(?i)everyone|here")) {
                problems.put("Matrix " + id, "shown on Discord as " + visible(m.authorName()));
            }
        }
        assertThat(problems).isEmpty();
    }

    /** The item as a Matrix client would send it: HTML and a plain body, both cut to fit Synapse's limit. */
    static ObjectNode matrixContent(Item item, String ghostPrefix) {
        String html = item.text();
        ObjectNode content = Http.object().put("msgtype", "m.text");
        ArrayNode users = content.putObject("m.mentions").putArray("user_ids");
        Matcher m = USER_MENTION.matcher(html);
        StringBuilder pills = new StringBuilder();
        while (m.find()) {
            String user = ghostPrefix + m.group(1) + ":" + Rig.SERVER_NAME;
            users.add(user);
            m.appendReplacement(pills, Matcher.quoteReplacement("<a href=\"https://matrix.to/#/" + user + "\">U" + m.group(1) + "</a>"));
        }
        m.appendTail(pills);
        html = cut(pills.toString(), MATRIX_TEXT_BYTES - 2_000);
        content.put("body", marker(item) + "\n" + cut(item.text(), 1_000));
        content.put("format", "org.matrix.custom.html").put("formatted_body", marker(item) + "<br>" + html);
        return content;
    }

    static String json(JsonNode node) {
        return HostileJson.text(node);
    }

    private static String cut(String s, int maxBytes) {
        if (s.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            return s;
        }
        int end = Math.min(s.length(), maxBytes / 4);
        while (end < s.length() && s.substring(0, end + 1).getBytes(StandardCharsets.UTF_8).length <= maxBytes && end < maxBytes) {
            end += Math.max(1, (maxBytes - s.substring(0, end).getBytes(StandardCharsets.UTF_8).length) / 4);
        }
        if (end > 0 && end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, Math.min(end, s.length()));
    }

    /** What a Discord member would suffer from a message the bridge posted. */
    private static List<String> discordProblems(FakeMessage m) throws Exception {
        List<String> wrong = new ArrayList<>();
        if (m.content().codePointCount(0, m.content().length()) > 2000) {
            wrong.add("content of " + m.content().length() + " characters");
        }
        JsonNode json = Http.JSON.readTree(m.json());
        if (json.path("mention_everyone").asBoolean(false)) {
            wrong.add("pings @everyone");
        }
        if (!json.path("mention_roles").isEmpty()) {
            wrong.add("pings roles " + json.path("mention_roles"));
        }
        if (json.path("mentions").size() > 100) {
            wrong.add("pings " + json.path("mentions").size() + " people");
        }
        if (INVISIBLE.matcher(m.authorName()).find()) {
            wrong.add("author name " + visible(m.authorName()));
        }
        return wrong;
    }

    /** A body shorter than the item must say it was cut: nothing is dropped without a word. */
    private static List<String> notCutSilently(Item item, String body) {
        if (item.text().length() > MATRIX_TEXT_BYTES && !body.contains(CUT_MARK)) {
            return List.of("cut without a word (body of " + body.length() + " characters, ends with "
                    + visible(body.substring(Math.max(0, body.length() - 60))) + ")");
        }
        return List.of();
    }

    private static int indexOf(List<JsonNode> events, java.util.function.Predicate<JsonNode> p, int from) {
        for (int i = Math.max(0, from); i < events.size(); i++) {
            if (p.test(events.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfMessage(List<FakeMessage> messages, java.util.function.Predicate<FakeMessage> p, int from) {
        for (int i = Math.max(0, from); i < messages.size(); i++) {
            if (p.test(messages.get(i))) {
                return i;
            }
        }
        return -1;
    }

    static String body(JsonNode event) {
        return event.path("content").path("body").asText("");
    }

    private static long count(String text, String word) {
        return Pattern.compile(Pattern.quote(word)).matcher(text).results().count();
    }

    private static String shorten(String s) {
        return visible(s.length() > 80 ? s.substring(0, 80) + "…" : s);
    }

    /** The text with invisible characters shown as {@code <U+XXXX>}. */
    static String visible(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (Character.getType(cp) == Character.FORMAT || Character.isISOControl(cp) || Character.isSurrogate((char) cp)) {
                sb.append(String.format("<U+%04X>", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }
}
