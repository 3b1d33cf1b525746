package coop.comptoir.bridge.discord.format;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.UserId;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Mentions both ways, and the guards against mass pings. */
class MentionsTest {
    private static final String ALICE_PILL = "<a href=\"https://matrix.to/#/@_discord_111:example.org\">Alice</a>";

    private static DiscordText toDiscord(String html, Set<UserId> mentions) {
        return Fixtures.TO_DISCORD.convert(MatrixText.ofContent("x", MatrixText.HTML_FORMAT, html, mentions));
    }

    @Test
    void aGhostPillPingsOnlyWhenIntended() {
        assertThat(toDiscord("hey " + ALICE_PILL, Set.of(Fixtures.ALICE)).userIds()).containsExactly("111");
        assertThat(toDiscord("hey " + ALICE_PILL, Set.of()).userIds()).isEmpty();
        assertThat(toDiscord("hey " + ALICE_PILL, Set.of(Fixtures.BOB)).userIds()).isEmpty();
        assertThat(toDiscord("hey " + ALICE_PILL, null).userIds()).containsExactly("111");
        assertThat(toDiscord("hey " + ALICE_PILL, Set.of()).content()).isEqualTo("hey <@111>");
    }

    @Test
    void aMentionedGhostWithoutPillIsNotAllowed() {
        // m.mentions of a reply names the replied-to sender without a pill: nothing to ping in the text
        assertThat(toDiscord("d'accord", Set.of(Fixtures.ALICE)).userIds()).isEmpty();
    }

    @Test
    void matrixUsersBecomeTextNamesThatCannotPing() {
        DiscordText out = toDiscord("<a href=\"https://matrix.to/#/%40bob%3Aexample.org\">B</a> "
                + "<a href=\"https://matrix.to/#/@nobody:example.org\"></a>", Set.of(Fixtures.BOB));
        assertThat(out.content()).isEqualTo("@Bob @nobody:example.org");
        assertThat(out.userIds()).isEmpty();
    }

    @Test
    void aMassMentionInALinkAddressIsEncodedNotSent() {
        // found by fuzzing: the address of a link with its own label went to Discord as it was
        DiscordText out = toDiscord("<a href=\"https://coop.example/a(&quot;@everyone?x=@Here\">le lien</a>", null);
        assertThat(out.content()).doesNotContainPattern("@(?i)(everyone|here)")
                .isEqualTo("[le lien](https://coop.example/a%28\"%40everyone?x=%40Here)");
    }

    @Test
    void aMentionInCodeRightAfterOtherCodeStaysCode() {
        // found by fuzzing: two code spans side by side ran their backticks together ("`>``` `<@111> ``"),
        // Discord read no code there, and the "<@111>" typed in code was a mention
        DiscordText out = toDiscord("<code>&gt;</code><code>`&lt;@111&gt;</code>", null);

        MatrixText back = Fixtures.TO_MATRIX.convert(out.content());
        assertThat(back.mentions()).as(out.content()).isEmpty();
        assertThat(back.formattedBody()).as(out.content()).contains("<code>&gt;</code>", "<code>`&lt;@111&gt;</code>");
    }

    @Test
    void aMentionInCodeAfterThreeBackticksStaysCode() {
        // found by fuzzing: of "```" in code only the first two backticks were kept apart, and the
        // "``" left closed the code span before the "<@222>" typed in it
        DiscordText out = toDiscord("<code>```&lt;@222&gt;</code>", null);

        assertThat(Fixtures.TO_MATRIX.convert(out.content()).mentions()).as(out.content()).isEmpty();
    }

    @Test
    void aMentionInStyledCodeHoldingTheStyleMarkStaysCode() {
        // found by fuzzing: "*`*<@222>`*" is read as emphasis around "`", and the "<@222>" typed in code pinged
        for (String html : new String[] {"<em><code>*&lt;@222&gt;</code></em>", "<strong>a <code>**&lt;@222&gt;</code></strong>",
                "<del><code>~~&lt;@222&gt;</code></del>", "<u><code>__&lt;@222&gt;</code></u>",
                "<span data-mx-spoiler><em><code>||&lt;@222&gt;</code></em></span>"}) {
            DiscordText out = toDiscord(html, null);

            MatrixText back = Fixtures.TO_MATRIX.convert(out.content());
            assertThat(back.mentions()).as(out.content()).isEmpty();
            assertThat(back.formattedBody()).as(out.content()).contains("&lt;@222&gt;</code>");
        }
    }

    @Test
    void aMentionInAStyledCodeBlockHoldingTheStyleMarkStaysCode() {
        // found by fuzzing: "~~```\n<@222>~~\n```~~" is read as strikethrough ending inside the block
        // and (the next run) with the code inside a quote, a list or a heading within the style
        for (String html : new String[] {"<del><pre>&lt;@222&gt;~~</pre></del>", "<strong><pre><code>**&lt;@111&gt;</code></pre></strong>",
                "<del><blockquote><code>&lt;@222&gt;~~</code></blockquote></del>",
                "<em><ul><li><code>*&lt;@222&gt;</code></li></ul></em>", "<u><h2><code>__&lt;@111&gt;</code></h2></u>"}) {
            DiscordText out = toDiscord(html, null);

            MatrixText back = Fixtures.TO_MATRIX.convert(out.content());
            assertThat(back.mentions()).as(out.content()).isEmpty();
            assertThat(back.formattedBody()).as(out.content()).containsPattern("<code>[^<]*&lt;@\\d+&gt;");
        }
    }

    @Test
    void aLineBreakInALinkAddressCannotCutTheCodeAfterIt() {
        // found by fuzzing: the address "http://\n**" was written with its line break, and the "**"
        // after it, read as bold up to the code block's end, cut the block holding "<@222>"
        DiscordText out = toDiscord("<p><a href=\"http://\n**\"><pre>&lt;@222&gt;**</pre></a></p>", null);

        assertThat(Fixtures.TO_MATRIX.convert(out.content()).mentions()).as(out.content()).isEmpty();
    }

    @Test
    void everyoneAndHereNeverPingFromMatrix() {
        DiscordText out = toDiscord("<b>@everyone</b> @here @Everyone <a href=\"https://matrix.to/#/@x:example.org\">here</a>", null);

        assertThat(out.content()).doesNotContainPattern("@(?i)(everyone|here)");
        assertThat(out.content()).contains("@\u200Beveryone", "@\u200Bhere", "@\u200BEveryone");
        assertThat(out.allowedMentionsParse()).isEmpty();
        assertThat(out.everyoneMentionAllowed()).isFalse();

        DiscordText plain = Fixtures.TO_DISCORD.convert(MatrixText.plain("@everyone @here"));
        assertThat(plain.content()).doesNotContainPattern("@(everyone|here)");
    }

    @Test
    void discordUsersBecomePillsAndMentions() {
        MatrixText out = Fixtures.TO_MATRIX.convert("<@111> <@!222> <@333> <@999> <@&700>");

        assertThat(out.mentions()).containsExactlyInAnyOrder(Fixtures.ALICE, Fixtures.BOB, Fixtures.ZOE);
        assertThat(out.formattedBody()).contains(
                "<a href=\"https://matrix.to/#/@_discord_111:example.org\">Alice</a>",
                "<a href=\"https://matrix.to/#/@bob:example.org\">Bob</a>",
                "<a href=\"https://matrix.to/#/@_discord_333:example.org\">Zoé</a>");
        assertThat(out.body()).isEqualTo("Alice Bob Zoé @999 @Bénévoles");
    }

    @Test
    void discordMassMentionsNeverReachTheRoom() {
        MatrixText out = Fixtures.TO_MATRIX.convert("@everyone @here @room **@room** `@room` >>> @room");

        assertThat(out.roomMention()).isFalse();
        assertThat(out.mentions()).isEmpty();
        assertThat(out.body()).doesNotContainPattern("(?i)@room");
        assertThat(out.formattedBody()).doesNotContainPattern("(?i)@room\\b(?![^<]*</code>)");
        assertThat(out.body()).contains("@everyone", "@here");
    }

    @Test
    void aDisplayNameCannotSmuggleAMassMention() {
        DiscordResolver sneaky = new DiscordResolver() {
            @Override
            public Optional<MatrixUser> user(String id) {
                return Optional.of(new MatrixUser(UserId.of("@_discord_" + id + ":example.org"), "@room <b>x</b>"));
            }

            @Override
            public Optional<Channel> channel(String id) {
                return Optional.of(new Channel("@room", null));
            }

            @Override
            public Optional<String> roleName(String id) {
                return Optional.of("room");
            }
        };
        MatrixText out = new DiscordToMatrix(sneaky).convert("<@1> <#2> <@&3>");

        assertThat(out.body()).doesNotContainPattern("(?i)@room");
        assertThat(out.formattedBody()).doesNotContainPattern("(?i)@room").doesNotContain("<b>");
    }

    @Test
    void matrixRoomMentionHasNoDiscordMeaning() {
        MatrixText roomPing = new MatrixText("@room venez", null, Set.of());
        assertThat(Fixtures.TO_DISCORD.convert(roomPing).content()).isEqualTo("@room venez");
        assertThat(Fixtures.TO_DISCORD.convert(roomPing).userIds()).isEmpty();
    }

    @Test
    void ghostsNaming() {
        DiscordGhosts ghosts = new DiscordGhosts("example.org");

        assertThat(ghosts.ghost("123").value()).isEqualTo("@_discord_123:example.org");
        assertThat(ghosts.discordUserId(UserId.of("@_discord_123:example.org"))).contains("123");
        assertThat(ghosts.discordUserId(UserId.of("@_discord_123:other.org"))).isEmpty();
        assertThat(ghosts.discordUserId(UserId.of("@_discord_abc:example.org"))).isEmpty();
        assertThat(ghosts.discordUserId(UserId.of("@alice:example.org"))).isEmpty();
    }

    @Test
    void aFailingResolverMeansUnknown() {
        MentionResolver broken = new MentionResolver() {
            @Override
            public Optional<String> discordUserId(UserId user) {
                throw new IllegalStateException("cache down");
            }

            @Override
            public Optional<String> displayName(UserId user) {
                return null;
            }

            @Override
            public Optional<String> discordChannelId(String roomIdOrAlias) {
                throw new IllegalStateException("cache down");
            }

            @Override
            public Optional<CustomEmoji> discordEmoji(MxcUri mxc) {
                throw new IllegalStateException("cache down");
            }
        };
        DiscordText out = new MatrixToDiscord(broken).convert(MatrixText.ofContent("x", MatrixText.HTML_FORMAT,
                ALICE_PILL + " <a href=\"https://matrix.to/#/#a:example.org\">#a</a> <img data-mx-emoticon src=\"mxc://example.org/party\" alt=\":p:\">", null));
        assertThat(out.content()).isEqualTo("@Alice #a :p:");

        DiscordResolver brokenToo = new DiscordResolver() {
            @Override
            public Optional<MatrixUser> user(String id) {
                throw new IllegalStateException("cache down");
            }

            @Override
            public Optional<Channel> channel(String id) {
                return null;
            }

            @Override
            public Optional<String> roleName(String id) {
                throw new IllegalStateException();
            }
        };
        assertThat(new DiscordToMatrix(brokenToo).convert("<@1> <#2> <@&3> <:e:4>").body()).isEqualTo("@1 #2 @&3 :e:");
    }

    @Test
    void plainTextFallbackHelpers() {
        assertThat(MatrixToDiscord.stripReplyFallback("> <@bob:example.org> salut\n> ça va\n\noui")).isEqualTo("oui");
        assertThat(MatrixToDiscord.stripReplyFallback("> une citation\nsans ligne vide")).isEqualTo("> une citation\nsans ligne vide");
        assertThat(MatrixToDiscord.fromPlain("*a* @everyone")).isEqualTo("\\*a\\* @\u200Beveryone");
        assertThat(DiscordMarkdown.escape("1. x\n> y")).isEqualTo("1\\. x\n\\> y");
    }
}
