package coop.comptoir.bridge.discord;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.BridgeHost;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteUserId;
import coop.comptoir.bridge.discord.format.DiscordResolver;
import coop.comptoir.bridge.discord.format.DiscordSplitter;
import coop.comptoir.bridge.discord.format.DiscordText;
import coop.comptoir.bridge.discord.format.DiscordToMatrix;
import coop.comptoir.bridge.discord.format.MatrixText;
import coop.comptoir.bridge.discord.format.MatrixToDiscord;
import coop.comptoir.bridge.discord.format.MentionResolver;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@link TextConverter} over the {@code format} package: resolvers read the host's pure lookups
 * (ghosts, portals) and JDA's cache (channel and role names), never the network.
 */
final class FormatTextConverter implements TextConverter {
    /** What the converter may ask JDA's cache; each returns empty when unknown. */
    interface DiscordNames {
        Optional<String> channelName(String channelId);

        Optional<String> roleName(String roleId);
    }

    private final BridgeHost host;
    private final DiscordNames discord;
    private final ZoneId zone;
    private final Locale locale;
    private final MatrixToDiscord toDiscord;

    FormatTextConverter(BridgeHost host, DiscordNames discord, String language) {
        this.host = host;
        this.discord = discord;
        this.zone = ZoneId.of(DiscordToMatrix.DEFAULT_ZONE);
        this.locale = "en".equals(language) ? Locale.ENGLISH : Locale.FRENCH;
        this.toDiscord = new MatrixToDiscord(new MentionResolver() {
            @Override
            public Optional<String> discordUserId(UserId user) {
                return host.remoteUserOf(user).map(RemoteUserId::value);
            }

            @Override
            public Optional<String> displayName(UserId user) {
                return Optional.empty(); // a lookup may block: the pill's own text is used
            }

            @Override
            public Optional<String> discordChannelId(String roomIdOrAlias) {
                if (!roomIdOrAlias.startsWith("!")) {
                    return Optional.empty();
                }
                try {
                    return host.channelOf(RoomId.of(roomIdOrAlias)).map(RemoteChannelId::value);
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        });
    }

    @Override
    public MatrixContent toMatrix(String markdown, Map<String, String> names) {
        Function<String, Optional<DiscordResolver.MatrixUser>> user = id -> {
            try {
                return Optional.of(new DiscordResolver.MatrixUser(host.ghostOf(new RemoteUserId(id)), names.get(id)));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        };
        DiscordResolver resolver = new DiscordResolver() {
            @Override
            public Optional<MatrixUser> user(String discordUserId) {
                return names.containsKey(discordUserId) ? user.apply(discordUserId) : Optional.empty();
            }

            @Override
            public Optional<Channel> channel(String channelId) {
                return discord.channelName(channelId).map(name -> new Channel(name,
                        host.roomOf(new RemoteChannelId(channelId)).map(RoomId::value).orElse(null)));
            }

            @Override
            public Optional<String> roleName(String roleId) {
                return discord.roleName(roleId);
            }
        };
        MatrixText t = new DiscordToMatrix(resolver, zone, locale).convert(markdown);
        return new MatrixContent("m.text", t.body(), Optional.ofNullable(t.formattedBody()), t.mentions());
    }

    @Override
    public Outgoing toDiscord(MatrixContent content, int max) {
        MatrixText in = new MatrixText(content.body(), content.html().orElse(null), content.mentions());
        DiscordText out = toDiscord.convert(in);
        String text = out.content();
        if ("m.emote".equals(content.msgtype()) && !text.isBlank()) {
            text = "_" + text + "_";
        }
        List<String> pieces = DiscordSplitter.split(text, Math.max(DiscordSplitter.MIN_LIMIT, Math.min(max, DISCORD_MAX)));
        Set<String> pinged = new LinkedHashSet<>(out.userIds());
        return new Outgoing(pieces.isEmpty() ? List.of("") : pieces, pinged);
    }
}
