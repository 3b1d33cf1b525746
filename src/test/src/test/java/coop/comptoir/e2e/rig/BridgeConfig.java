package coop.comptoir.e2e.rig;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.testing.discord.FakeDiscord;
import coop.comptoir.testing.rocketchat.FakeRocketChat;

/**
 * The bridge plugin entries of a Comptoir config, pointed at the fakes: what every bridge
 * end-to-end class writes the same way. A class adds its own keys (links, retry delays, language)
 * to the returned entry.
 */
public final class BridgeConfig {
    private BridgeConfig() {}

    /**
     * Adds to {@code plugins} a Discord bridge with ID {@code discord} on {@code guildId}, logged in
     * with {@code token}, whose REST, gateway and CDN addresses are the fake's.
     *
     * @return the new entry
     */
    public static ObjectNode discord(ArrayNode plugins, FakeDiscord discord, String token, String guildId) {
        return plugins.addObject().put("type", "discord").put("id", "discord").put("token", token).put("guild_id", guildId)
                .put("api_base_url", discord.restBaseUrl()).put("gateway_url", discord.gatewayUrl())
                .put("cdn_url", discord.cdnBaseUrl());
    }

    /**
     * Adds to {@code plugins} a Rocket.Chat bridge with ID {@code rocketchat} on the fake's server,
     * logged in as the fake's bot with {@code token}.
     *
     * @return the new entry
     */
    public static ObjectNode rocketChat(ArrayNode plugins, FakeRocketChat rc, String token) {
        return plugins.addObject().put("type", "rocketchat").put("id", "rocketchat").put("server_url", rc.url())
                .put("user_id", rc.bot().id()).put("token", token);
    }

    /** The Matrix ID of the Discord user's ghost on the rig's server. */
    public static String discordGhost(String discordUserId) {
        return "@_discord_" + discordUserId + ":" + Rig.SERVER_NAME;
    }

    /**
     * The Matrix ID of the Rocket.Chat user's ghost on the rig's server: an upper-case letter of the
     * Rocket.Chat ID (they are case-sensitive, Matrix localparts are not) becomes {@code _} and the
     * letter in lower case.
     */
    public static String rocketChatGhost(String rocketChatUserId) {
        StringBuilder sb = new StringBuilder("@_rocketchat_");
        for (char c : rocketChatUserId.toCharArray()) {
            sb.append(Character.isUpperCase(c) ? "_" + Character.toLowerCase(c) : String.valueOf(c));
        }
        return sb.append(':').append(Rig.SERVER_NAME).toString();
    }
}
