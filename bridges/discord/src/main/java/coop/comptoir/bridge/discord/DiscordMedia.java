package coop.comptoir.bridge.discord;

import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.RemoteChannelId;
import java.io.IOException;
import java.net.URI;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;
import okhttp3.Request;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSource;

/** Files: Discord attachments downloaded for Matrix, and how large an upload Discord takes in a channel. May block. */
final class DiscordMedia {
    static final long DEFAULT_UPLOAD_LIMIT = 10L * 1024 * 1024;

    private final DiscordSession session;

    DiscordMedia(DiscordSession session) {
        this.session = session;
    }

    /**
     * A Discord file (from its CDN, or the configured one). Reads at most {@code maxBytes} (and a read buffer) whatever size Discord
     * announces: a larger {@code Content-Length} stops before the body, a body growing past the limit
     * stops there, and the connection is dropped rather than drained.
     */
    byte[] download(URI url, long maxBytes) throws BridgeException {
        URI source = session.cdn(url);
        Request request = new Request.Builder().url(source.toString()).get().build();
        okhttp3.Call call = session.http.newCall(request);
        try (Response response = call.execute()) {
            if (response.code() == 404 || response.code() == 403 || response.code() == 410) {
                throw BridgeException.permanent("the Discord file is gone (HTTP " + response.code() + ")", null);
            }
            if (!response.isSuccessful()) {
                throw BridgeException.retryable("the Discord file could not be fetched (HTTP " + response.code() + ")", null, null);
            }
            long declared = response.body().contentLength();
            if (declared > maxBytes) {
                call.cancel(); // closing the unread body would drain it for a while
                throw BridgeException.permanent("the Discord file is " + session.megabytes(declared) + ", more than "
                        + session.megabytes(maxBytes), null);
            }
            BufferedSource in = response.body().source();
            Buffer buffer = new Buffer();
            while (in.read(buffer, 16 * 1024) != -1) {
                if (buffer.size() > maxBytes) {
                    call.cancel();
                    throw BridgeException.permanent("the Discord file is more than " + session.megabytes(maxBytes), null);
                }
            }
            return buffer.readByteArray();
        } catch (IOException e) {
            throw BridgeException.retryable("the Discord file could not be fetched (" + e.getClass().getSimpleName() + ")", null, null);
        }
    }

    long maxUploadBytes(RemoteChannelId channel) {
        JDA j = session.jdaOrNull();
        GuildChannel c = j == null ? null : j.getGuildChannelById(channel.value());
        if (c == null) {
            return DEFAULT_UPLOAD_LIMIT;
        }
        return Math.max(DEFAULT_UPLOAD_LIMIT, c.getGuild().getMaxFileSize());
    }
}
