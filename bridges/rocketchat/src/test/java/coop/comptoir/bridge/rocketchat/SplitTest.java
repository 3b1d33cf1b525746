package coop.comptoir.bridge.rocketchat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Long Matrix messages cut for Rocket.Chat, which counts a message's length in UTF-16 units (JavaScript's {@code length}). */
class SplitTest {
    @Test
    void partsFitRocketChatsLimitAsItCountsEvenWithEmoji() {
        String text = "Lorem ipsum é🎉 ".repeat(3_000);
        List<String> parts = RocketChatConnector.split(text, RocketChatConnector.MAX_TEXT);
        assertThat(parts).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(RocketChatConnector.MAX_TEXT));
        assertThat(String.join(" ", parts).split("🎉", -1)).hasSize(3_001);
        assertThat(parts).allSatisfy(p -> assertThat(Character.isLowSurrogate(p.charAt(0))).isFalse());
    }

    @Test
    void oneHugeWordOfEmojiIsNeverCutInsideAPair() {
        List<String> parts = RocketChatConnector.split("🎉".repeat(6_000), RocketChatConnector.MAX_TEXT);
        assertThat(parts).allSatisfy(p -> {
            assertThat(p.length()).isLessThanOrEqualTo(RocketChatConnector.MAX_TEXT);
            assertThat(p.codePoints()).allMatch(cp -> cp == 0x1F389);
        });
        assertThat(String.join("", parts)).isEqualTo("🎉".repeat(6_000));
    }
}
