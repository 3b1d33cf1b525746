package coop.comptoir.bridge.discord.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DiscordSplitterTest {
    @Test
    void shortContentIsOneMessage() {
        assertThat(DiscordSplitter.split("bonjour")).containsExactly("bonjour");
        assertThat(DiscordSplitter.split("x".repeat(2000))).containsExactly("x".repeat(2000));
    }

    @Test
    void blankContentIsNoMessage() {
        assertThat(DiscordSplitter.split("")).isEmpty();
        assertThat(DiscordSplitter.split(" \n\n ")).isEmpty();
        assertThat(DiscordSplitter.split(null)).isEmpty();
    }

    @Test
    void cutsAtAParagraphBreakFirst() {
        String a = "a".repeat(900) + "\n" + "a".repeat(600);
        String b = "b ".repeat(500).trim();
        List<String> parts = DiscordSplitter.split(a + "\n\n" + b);

        assertThat(parts).containsExactly(a, b);
    }

    @Test
    void cutsAtLineBreaksThenSpaces() {
        String lines = IntStream.range(0, 60).mapToObj(i -> "ligne numéro " + i + " " + "x".repeat(60)).collect(Collectors.joining("\n"));
        List<String> parts = DiscordSplitter.split(lines);

        assertThat(parts).hasSizeGreaterThan(1).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(2000));
        assertThat(String.join("\n", parts)).isEqualTo(lines);

        String words = "mot ".repeat(1500).trim();
        List<String> wordParts = DiscordSplitter.split(words);
        assertThat(wordParts).allSatisfy(p -> assertThat(p).doesNotStartWith(" ").doesNotEndWith(" ").hasSizeLessThanOrEqualTo(2000));
        assertThat(String.join(" ", wordParts)).isEqualTo(words);
    }

    @Test
    void cutsAHugeWordAtTheLimitButNeverInsideASurrogatePair() {
        String word = "x".repeat(4500);
        List<String> parts = DiscordSplitter.split(word);
        assertThat(parts).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(2000));
        assertThat(String.join("", parts)).isEqualTo(word);

        String emoji = "🎉".repeat(1500); // 3000 UTF-16 units
        List<String> emojiParts = DiscordSplitter.split(emoji);
        assertThat(emojiParts).hasSize(2).allSatisfy(p -> {
            assertThat(Character.isLowSurrogate(p.charAt(0))).isFalse();
            assertThat(Character.isHighSurrogate(p.charAt(p.length() - 1))).isFalse();
        });
        assertThat(String.join("", emojiParts)).isEqualTo(emoji);
    }

    @Test
    void closesAndReopensACodeBlockCutInTheMiddle() {
        String code = IntStream.range(0, 400).mapToObj(i -> "int x" + i + " = " + i + ";").collect(Collectors.joining("\n"));
        String content = "Voici le code :\n```java\n" + code + "\n```\nFin.";
        List<String> parts = DiscordSplitter.split(content);

        assertThat(parts).hasSizeGreaterThan(2);
        for (String part : parts) {
            assertThat(part.length()).isLessThanOrEqualTo(2000);
            assertThat(DiscordSplitter.openFence(part)).as("no code block left open in %s", part).isNull();
        }
        for (int i = 1; i < parts.size(); i++) {
            assertThat(parts.get(i)).startsWith("```java\n");
        }
        // the code itself is intact once the added fences are taken away
        String rebuilt = parts.stream()
                .map(p -> p.replaceAll("\\n```$", "").replaceAll("^```java\\n", ""))
                .collect(Collectors.joining("\n"));
        assertThat(rebuilt).contains(code);
    }

    @Test
    void partsKeepOnlyTheUsersTheyMention() {
        String content = "<@111> " + "a ".repeat(1200) + "\n\n<@333> " + "b ".repeat(500);
        List<DiscordText> parts = new DiscordText(content, Set.of("111", "333")).split();

        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).userIds()).containsExactly("111");
        assertThat(parts.get(1).userIds()).containsExactly("333");
    }

    @Test
    void aLongConvertedMessageSplitsIntoValidMessages() {
        String html = "<p>" + "<strong>Important</strong> : réunion à 19 h. ".repeat(60) + "</p><pre><code class=\"language-sql\">"
                + "SELECT * FROM membres WHERE actif;\n".repeat(80) + "</code></pre>";
        DiscordText text = Fixtures.TO_DISCORD.convert(MatrixText.ofContent("x", MatrixText.HTML_FORMAT, html, Set.of()));

        List<DiscordText> parts = text.split();
        assertThat(text.content().length()).isGreaterThan(2000);
        assertThat(parts).hasSizeGreaterThan(1)
                .allSatisfy(p -> assertThat(p.content().length()).isLessThanOrEqualTo(DiscordSplitter.MAX_LENGTH))
                .allSatisfy(p -> assertThat(DiscordSplitter.openFence(p.content())).isNull());
    }

    @Test
    void refusesATinyLimit() {
        assertThatThrownBy(() -> DiscordSplitter.split("x", 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
