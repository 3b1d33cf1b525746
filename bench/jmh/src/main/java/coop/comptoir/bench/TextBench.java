package coop.comptoir.bench;

import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.discord.format.DiscordResolver;
import coop.comptoir.bridge.discord.format.DiscordText;
import coop.comptoir.bridge.discord.format.DiscordToMatrix;
import coop.comptoir.bridge.discord.format.MatrixText;
import coop.comptoir.bridge.discord.format.MatrixToDiscord;
import coop.comptoir.bridge.discord.format.MentionResolver;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Matrix HTML → Discord markdown and back, as the Discord connector converts every message:
 * {@code short} is a one-line chat message; {@code rich} has a mention, bold and italics, a link, a
 * list, inline code and a code block, a spoiler and a channel link (about 600 characters).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dlogback.configurationFile=logback-bench.xml"})
public class TextBench {
    @Param({"short", "rich"})
    String message;

    private static final UserId ALICE = UserId.of("@alice:coop.example");
    private static final UserId GHOST = UserId.of("@_discord_112233445566778899:coop.example");

    private final MatrixToDiscord toDiscord = new MatrixToDiscord(new MentionResolver() {
        @Override
        public Optional<String> discordUserId(UserId user) {
            return user.equals(GHOST) ? Optional.of("112233445566778899") : Optional.empty();
        }

        @Override
        public Optional<String> displayName(UserId user) {
            return user.equals(ALICE) ? Optional.of("Alice") : Optional.empty();
        }

        @Override
        public Optional<String> discordChannelId(String roomIdOrAlias) {
            return roomIdOrAlias.equals("#legumes:coop.example") ? Optional.of("998877665544332211") : Optional.empty();
        }
    });

    private final DiscordToMatrix toMatrix = new DiscordToMatrix(new DiscordResolver() {
        @Override
        public Optional<MatrixUser> user(String discordUserId) {
            return discordUserId.equals("112233445566778899")
                    ? Optional.of(new MatrixUser(GHOST, "Bob")) : Optional.empty();
        }

        @Override
        public Optional<Channel> channel(String channelId) {
            return channelId.equals("998877665544332211")
                    ? Optional.of(new Channel("legumes", "#legumes:coop.example")) : Optional.empty();
        }

        @Override
        public Optional<String> roleName(String roleId) {
            return Optional.of("bénévoles");
        }
    });

    private static final MatrixText SHORT_MATRIX = new MatrixText("Qui peut tenir la caisse samedi matin ?",
            null, Set.of());
    private static final MatrixText RICH_MATRIX = new MatrixText("Bob: rappel pour samedi", """
            <a href="https://matrix.to/#/@_discord_112233445566778899:coop.example">Bob</a> : rappel pour \
            <strong>samedi</strong>, <em>8 h 30</em> à la réception. Le planning est sur \
            <a href="https://wiki.coop.example/planning">le wiki</a>.<br>
            <ul><li>clés : <code>casier 4</code></li><li>caisse : compter le fond</li>\
            <li>voir <a href="https://matrix.to/#/#legumes:coop.example">#legumes</a></li></ul>
            <pre><code class="language-text">ouverture 9:00
            fermeture 13:00
            </code></pre>
            <span data-mx-spoiler>surprise pour les bénévoles</span> et merci à toutes et tous !""",
            Set.of(GHOST));
    private static final String SHORT_DISCORD = "Qui peut tenir la caisse samedi matin ?";
    private static final String RICH_DISCORD = """
            <@112233445566778899> : rappel pour **samedi**, *8 h 30* à la réception. Le planning est sur \
            [le wiki](https://wiki.coop.example/planning).
            - clés : `casier 4`
            - caisse : compter le fond
            - voir <#998877665544332211> et <@&445566>
            ```
            ouverture 9:00
            fermeture 13:00
            ```
            ||surprise pour les bénévoles|| et merci à toutes et tous ! <t:1796000000:F>""";

    @Benchmark
    public DiscordText matrixToDiscord() {
        return toDiscord.convert(message.equals("short") ? SHORT_MATRIX : RICH_MATRIX);
    }

    @Benchmark
    public MatrixText discordToMatrix() {
        return toMatrix.convert(message.equals("short") ? SHORT_DISCORD : RICH_DISCORD);
    }
}
