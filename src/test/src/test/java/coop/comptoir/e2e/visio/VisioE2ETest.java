package coop.comptoir.e2e.visio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Names;
import coop.comptoir.e2e.rig.Rig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The visio plugin through a real Synapse: {@code !visio} in a room brings the room's Jitsi link,
 * the same after a restart; a second instance on a BigBlueButton server (a fake one on this machine,
 * checking the API's checksum) creates the meeting and posts a signed join link.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class VisioE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final String SECRET = "e2e-bbb-shared-secret-0123456789";
    private static final Pattern JITSI = Pattern.compile("https://meet\\.jit\\.si/[a-z0-9-]+");

    private static Rig rig;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static String bot;
    private static HttpServer bbb;
    private static final List<URI> bbbCalls = new CopyOnWriteArrayList<>();

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        alice = rig.newUser("alice");
        alice.setDisplayName("Alice Martin");
        bbb = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        bbb.createContext("/bigbluebutton/api/create", exchange -> {
            URI uri = exchange.getRequestURI();
            bbbCalls.add(uri);
            String code = signed("create", uri.getRawQuery()) ? "SUCCESS" : "FAILED";
            byte[] body = ("<response><returncode>" + code + "</returncode></response>").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        bbb.start();
        comptoir = rig.comptoir("visio", config -> {
            ArrayNode plugins = (ArrayNode) config.get("plugins");
            plugins.addObject().put("type", "visio").putObject("jitsi").put("url", "https://meet.jit.si");
            ObjectNode second = plugins.addObject().put("type", "visio").put("id", "visio-bbb").put("language", "en");
            second.putObject("bigbluebutton").put("url", "http://127.0.0.1:" + bbb.getAddress().getPort() + "/bigbluebutton")
                    .put("secret", "${E2E_BBB_SECRET}");
            second.putArray("commands").add("bbb");
        }).withEnvironment("E2E_BBB_SECRET", SECRET).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (comptoir != null) {
            comptoir.stop();
        }
        if (bbb != null) {
            bbb.stop(0);
        }
    }

    /** The API's rule: hex SHA-256 of call name + query (without the checksum) + shared secret. */
    private static boolean signed(String call, String rawQuery) {
        int at = rawQuery.lastIndexOf("&checksum=");
        if (at < 0) {
            return false;
        }
        try {
            String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest((call + rawQuery.substring(0, at) + SECRET).getBytes(StandardCharsets.UTF_8)));
            return expected.equals(rawQuery.substring(at + "&checksum=".length()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String room(String name) {
        ObjectNode body = Http.object().put("preset", "private_chat").put("name", name);
        body.putArray("invite").add(bot);
        String room = alice.createRoom(body);
        alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
        return room;
    }

    private static String link(JsonNode answer) {
        Matcher m = JITSI.matcher(answer.path("content").path("body").asText());
        assertThat(m.find()).as("a Jitsi link in %s", answer).isTrue();
        return m.group();
    }

    private static JsonNode ask(String room, String text) {
        String command = alice.sendText(room, text);
        return alice.awaitEvent(room, Events.messageFrom(bot).and(Events.repliesTo(command)), WAIT);
    }

    @Test
    void visioInARoomBringsItsLinkTheSameAfterARestart() throws Exception {
        String name = "Équipe " + Names.unique("v");
        String team = room(name);
        String other = room("Bureau " + Names.unique("v"));

        JsonNode answer = ask(team, "!visio");
        String link = link(answer);

        assertThat(answer.path("content").path("body").asText()).startsWith("🎥 Visio de la salle " + name + " : ");
        assertThat(answer.path("content").path("msgtype").asText()).isEqualTo("m.notice");
        assertThat(link).startsWith("https://meet.jit.si/equipe-");
        assertThat(link(ask(other, "!visio"))).as("another room, another meeting").isNotEqualTo(link);
        assertThat(link(ask(team, "!visio AG de juin"))).as("a topic, a meeting of its own").isNotEqualTo(link)
                .contains("-ag-de-juin-");

        comptoir.restart();
        assertThat(link(ask(team, "!video"))).as("after a restart, through the alias").isEqualTo(link);
    }

    @Test
    void aBigBlueButtonInstanceCreatesTheMeetingAndPostsASignedJoinLink() {
        String room = room("Board " + Names.unique("v"));

        JsonNode answer = ask(room, "!bbb");
        String body = answer.path("content").path("body").asText();

        assertThat(bbbCalls).isNotEmpty().allMatch(u -> signed("create", u.getRawQuery()));
        Matcher join = Pattern.compile("http://127\\.0\\.0\\.1:\\d+/bigbluebutton/api/join\\?(\\S+)").matcher(body);
        assertThat(join.find()).as("a join link in %s", body).isTrue();
        assertThat(signed("join", join.group(1))).as("the join link's checksum").isTrue();
        assertThat(join.group(1)).contains("fullName=Alice+Martin");
        assertThat(body).startsWith("🎥 Video call for Board").contains("Personal link for Alice Martin");
        assertThat(comptoir.logText()).doesNotContain(SECRET);
    }
}
