package coop.comptoir.bots.visio;

import static coop.comptoir.bots.visio.VisioPluginTest.ALICE;
import static coop.comptoir.bots.visio.VisioPluginTest.TEAM;
import static coop.comptoir.bots.visio.VisioPluginTest.ask;
import static coop.comptoir.bots.visio.VisioPluginTest.context;
import static coop.comptoir.bots.visio.VisioPluginTest.name;
import static coop.comptoir.bots.visio.VisioPluginTest.start;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import coop.comptoir.testing.FakePluginContext;
import coop.comptoir.testing.RecordingMatrixClient.Sent;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code !visio} with BigBlueButton: a server on this machine checks every call's checksum by the
 * API's rule (the hex SHA of call name + query string + shared secret), computed here apart from
 * the plugin's code.
 */
class BigBlueButtonTest {
    private static final String SECRET = "8cd8ef52e8e101574e400365b55e11a6";
    private static final Pattern LINK = Pattern.compile("http://127\\.0\\.0\\.1:\\d+/bigbluebutton/api/join\\?\\S+");

    @TempDir
    java.nio.file.Path dir;

    private HttpServer server;
    private final List<URI> calls = new CopyOnWriteArrayList<>();
    private volatile boolean up = true;

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/bigbluebutton/api/", exchange -> {
            URI uri = exchange.getRequestURI();
            calls.add(uri);
            String call = uri.getPath().substring("/bigbluebutton/api/".length());
            boolean signed = validChecksum("sha256", call, uri.getRawQuery());
            String xml = !up ? "<response><returncode>FAILED</returncode><messageKey>overloaded</messageKey></response>"
                    : signed ? "<response><returncode>SUCCESS</returncode><meetingID>x</meetingID></response>"
                    : "<response><returncode>FAILED</returncode><messageKey>checksumError</messageKey></response>";
            byte[] body = xml.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(up ? 200 : 503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private ObjectNode settings() {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.putObject("bigbluebutton").put("url", "http://127.0.0.1:" + server.getAddress().getPort() + "/bigbluebutton/")
                .put("secret", SECRET);
        return s;
    }

    /** The rule, written out: hex(SHA(call + query without its checksum + secret)) equals the checksum sent. */
    static boolean validChecksum(String algorithm, String call, String rawQuery) {
        int at = rawQuery.lastIndexOf("&checksum=");
        if (at < 0) {
            return false;
        }
        String query = rawQuery.substring(0, at);
        String sent = rawQuery.substring(at + "&checksum=".length());
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm.replace("sha", "SHA-"));
            String expected = HexFormat.of().formatHex(md.digest((call + query + SECRET).getBytes(StandardCharsets.UTF_8)));
            return expected.equals(sent);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static Map<String, String> params(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void checksumsMatchValuesComputedByHandFromTheRule() {
        // printf '%s' 'createname=Test&meetingID=abcs3cr3t-s3cr3t' | sha1sum
        assertThat(BigBlueButtonApi.checksum("sha1", "create", "name=Test&meetingID=abc", "s3cr3t-s3cr3t"))
                .isEqualTo("fe39a1764c3df631901fda174eac3e0e22fb786b");
        // printf '%s' 'joinfullName=Jill+Smith&meetingID=abc&role=MODERATOR&redirect=trueTHESECRETVALUE' | sha256sum
        assertThat(BigBlueButtonApi.checksum("sha256", "join", "fullName=Jill+Smith&meetingID=abc&role=MODERATOR&redirect=true",
                "THESECRETVALUE")).isEqualTo("8a1d01912eeaab3495feb32e98e90f42dfb83d9dc4d812f6e264b2eab032944a");
    }

    @Test
    void theMeetingIsCreatedThenASignedJoinLinkIsPostedForTheAsker() throws Exception {
        try (FakePluginContext ctx = context(dir, settings())) {
            start(ctx);
            name(ctx, TEAM, "Équipe du samedi");
            ctx.recordingMatrix().sendState(TEAM, "m.room.member", ALICE.value(),
                    JsonNodeFactory.instance.objectNode().put("membership", "join").put("displayname", "Alice Dupont"));

            Sent answer = ask(ctx, TEAM, "!visio");

            assertThat(calls).hasSize(1);
            URI create = calls.get(0);
            assertThat(create.getPath()).isEqualTo("/bigbluebutton/api/create");
            assertThat(validChecksum("sha256", "create", create.getRawQuery())).as("checksum of %s", create).isTrue();
            Map<String, String> created = params(create.getRawQuery());
            assertThat(created.get("name")).isEqualTo("Équipe du samedi");
            assertThat(created.get("meetingID")).matches("equipe-du-samedi-[a-z2-7]{12}");

            Matcher link = LINK.matcher(answer.body());
            assertThat(link.find()).as("a join link in %s", answer.body()).isTrue();
            URI join = URI.create(link.group());
            assertThat(validChecksum("sha256", "join", join.getRawQuery())).as("checksum of %s", join).isTrue();
            assertThat(params(join.getRawQuery())).containsEntry("meetingID", created.get("meetingID"))
                    .containsEntry("fullName", "Alice Dupont").containsEntry("role", "MODERATOR");
            assertThat(answer.body()).startsWith("🎥 Visio de la salle Équipe du samedi : http://127.0.0.1:")
                    .contains("Lien personnel pour Alice Dupont : chacun·e peut taper !visio pour avoir le sien.")
                    .doesNotContain(SECRET);

            ask(ctx, TEAM, "!visio");
            assertThat(params(calls.get(1).getRawQuery())).as("the same meeting again")
                    .containsEntry("meetingID", created.get("meetingID"));
        }
    }

    @Test
    void aServerThatRefusesGetsAPoliteAnswerAndNoLink() throws Exception {
        up = false;
        try (FakePluginContext ctx = context(dir, settings())) {
            start(ctx);
            Sent answer = ask(ctx, TEAM, "!visio");
            assertThat(answer.body()).isEqualTo("Le serveur de visio ne répond pas pour l’instant, réessayez dans un moment.");
        }
    }

    @Test
    void aWrongSecretIsSeenAsARefusal() throws Exception {
        ObjectNode s = settings();
        ((ObjectNode) s.get("bigbluebutton")).put("secret", "not-the-server-secret");
        try (FakePluginContext ctx = context(dir, s)) {
            start(ctx);
            assertThat(ask(ctx, TEAM, "!visio").body()).startsWith("Le serveur de visio ne répond pas");
        }
    }
}
