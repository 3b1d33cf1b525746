package coop.comptoir.bots.visio;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The two calls of BigBlueButton's API that a room's meeting needs, signed by its rule: each call
 * carries {@code checksum}, the hex digest of the call's name, its query string (as sent, without
 * the checksum) and the shared secret, concatenated. Creating a meeting that runs already is harmless
 * (the server answers with the running one), so {@link #create} is called before every link.
 */
final class BigBlueButtonApi {
    private final VisioConfig.BigBlueButton server;
    private final OkHttpClient http;

    /** @param http the shared client; a derived one with short timeouts is used */
    BigBlueButtonApi(VisioConfig.BigBlueButton server, OkHttpClient http) {
        this.server = server;
        this.http = http.newBuilder().callTimeout(15, TimeUnit.SECONDS).build();
    }

    /**
     * Creates the meeting {@code meetingId} if it does not run. Blocks on the network.
     *
     * @throws IOException when the server cannot be reached or refuses (its message, never the secret)
     */
    void create(String meetingId, String title) throws IOException {
        String url = signedUrl("create", "name=" + encode(title) + "&meetingID=" + encode(meetingId));
        try (Response response = http.newCall(new Request.Builder().url(url).get().build()).execute()) {
            String body = response.body() == null ? "" : response.body().string();
            if (!response.isSuccessful() || !body.contains("<returncode>SUCCESS</returncode>")) {
                throw new IOException("BigBlueButton refused create (HTTP " + response.code() + "): " + messageKey(body));
            }
        }
    }

    /** The join URL of {@code meetingId} for {@code fullName}, signed; opens the meeting in a browser. */
    String joinUrl(String meetingId, String fullName) {
        return signedUrl("join", "fullName=" + encode(fullName) + "&meetingID=" + encode(meetingId)
                + "&role=" + server.role().toUpperCase(Locale.ROOT) + "&redirect=true");
    }

    /** {@code {api}/{call}?{query}&checksum=…}. */
    String signedUrl(String call, String query) {
        return server.api() + "/" + call + "?" + query + "&checksum=" + checksum(server.checksum(), call, query, server.secret());
    }

    /** The hex digest by {@code algorithm} (sha1, sha256, …) of {@code call + query + secret}. */
    static String checksum(String algorithm, String call, String query, String secret) {
        String jca = switch (algorithm) {
            case "sha1" -> "SHA-1";
            case "sha256" -> "SHA-256";
            case "sha384" -> "SHA-384";
            case "sha512" -> "SHA-512";
            default -> throw new IllegalArgumentException("unknown checksum algorithm " + algorithm);
        };
        try {
            byte[] digest = MessageDigest.getInstance(jca).digest((call + query + secret).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jca + " is part of every JDK", e);
        }
    }

    /** A query value as BigBlueButton reads it (form encoding, UTF-8). */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String messageKey(String xml) {
        int start = xml.indexOf("<messageKey>");
        int end = xml.indexOf("</messageKey>");
        if (start < 0 || end < start) {
            return "no messageKey in the answer";
        }
        String key = xml.substring(start + "<messageKey>".length(), end);
        return key.replaceAll("[^A-Za-z0-9_.-]", "");
    }
}
