package coop.comptoir.bridge.discord.format;

import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.UserId;
import java.util.Map;
import java.util.Optional;

/** The directory the tests convert against; see the header of format-corpus.txt. */
final class Fixtures {
    private Fixtures() {}

    static final DiscordGhosts GHOSTS = new DiscordGhosts("example.org");
    static final UserId ALICE = GHOSTS.ghost("111");
    static final UserId ZOE = GHOSTS.ghost("333");
    static final UserId BOB = UserId.of("@bob:example.org");
    static final UserId CAROL = UserId.of("@carol:example.org");
    static final MxcUri PARTY = MxcUri.parse("mxc://example.org/party");

    private static final Map<UserId, String> NAMES = Map.of(ALICE, "Alice", ZOE, "Zoé", BOB, "Bob", CAROL, "Carole");

    static final MentionResolver MATRIX_SIDE = new MentionResolver() {
        @Override
        public Optional<String> discordUserId(UserId user) {
            return GHOSTS.discordUserId(user);
        }

        @Override
        public Optional<String> displayName(UserId user) {
            return Optional.ofNullable(NAMES.get(user));
        }

        @Override
        public Optional<String> discordChannelId(String roomIdOrAlias) {
            return switch (roomIdOrAlias) {
                case "#general:example.org" -> Optional.of("500");
                case "!portal:example.org" -> Optional.of("502");
                default -> Optional.empty();
            };
        }

        @Override
        public Optional<CustomEmoji> discordEmoji(MxcUri mxc) {
            return mxc.equals(PARTY) ? Optional.of(new CustomEmoji("party", "900", false)) : Optional.empty();
        }
    };

    static final DiscordResolver DISCORD_SIDE = new DiscordResolver() {
        @Override
        public Optional<MatrixUser> user(String id) {
            return switch (id) {
                case "111" -> Optional.of(new MatrixUser(ALICE, "Alice"));
                case "333" -> Optional.of(new MatrixUser(ZOE, "Zoé"));
                case "222" -> Optional.of(new MatrixUser(BOB, "Bob"));
                default -> Optional.empty();
            };
        }

        @Override
        public Optional<Channel> channel(String id) {
            return switch (id) {
                case "500" -> Optional.of(new Channel("général", "#general:example.org"));
                case "501" -> Optional.of(new Channel("random", null));
                case "502" -> Optional.of(new Channel("annonces", "!portal:example.org"));
                default -> Optional.empty();
            };
        }

        @Override
        public Optional<String> roleName(String id) {
            return id.equals("700") ? Optional.of("Bénévoles") : Optional.empty();
        }

        @Override
        public Optional<MxcUri> emojiMxc(CustomEmoji emoji) {
            return emoji.id().equals("900") ? Optional.of(PARTY) : Optional.empty();
        }
    };

    static final MatrixToDiscord TO_DISCORD = new MatrixToDiscord(MATRIX_SIDE);
    static final DiscordToMatrix TO_MATRIX = new DiscordToMatrix(DISCORD_SIDE);
}
