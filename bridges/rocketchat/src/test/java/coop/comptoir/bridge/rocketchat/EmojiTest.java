package coop.comptoir.bridge.rocketchat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Rocket.Chat's (JoyPixels) shortcodes ⇄ the unicode emoji Matrix reactions carry. */
class EmojiTest {

    @ParameterizedTest(name = "{0} ⇄ {1}")
    @CsvSource({
        ":thumbsup:, 👍",
        ":heart:, ❤️",
        ":flag_fr:, 🇫🇷",
        ":flag_de:, 🇩🇪",
        ":thumbsup_tone3:, 👍🏽",
        ":wave_tone5:, 👋🏿",
        ":woman_technologist:, 👩‍💻",
        ":rainbow_flag:, 🏳️‍🌈",
        ":pirate_flag:, 🏴‍☠️",
        ":family_mwgb:, 👨‍👩‍👧‍👦",
        ":man_facepalming_tone3:, 🤦🏽‍♂️",
        ":person_facepalming:, 🤦",
        ":slight_smile:, 🙂",
        ":hugging:, 🤗",
        ":rofl:, 🤣",
        ":100:, 💯",
        ":hash:, #️⃣",
        ":heart_on_fire:, ❤️‍🔥",
        ":carrot:, 🥕",
    })
    void joyPixelsNamesBothWays(String shortcode, String unicode) {
        assertThat(Emoji.toUnicode(shortcode)).isEqualTo(unicode);
        assertThat(Emoji.toShortcode(unicode)).contains(shortcode);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        ":+1:, 👍",
        ":thumbup:, 👍",
        ":fr:, 🇫🇷",
        ":shrug:, 🤷",
        ":slightly_smiling_face:, 🙂",
        ":face_palm:, 🤦",
        ":+1_tone3:, 👍🏽",
    })
    void otherNamesPeopleTypeAreUnderstood(String alias, String unicode) {
        assertThat(Emoji.toUnicode(alias)).isEqualTo(unicode);
    }

    @Test
    void aVariationSelectorMakesNoDifference() {
        assertThat(Emoji.toShortcode("❤")).contains(":heart:");
        assertThat(Emoji.toShortcode("👍\uFE0F")).contains(":thumbsup:");
        assertThat(Emoji.toShortcode("🏳‍🌈")).contains(":rainbow_flag:");
        assertThat(Emoji.same("❤", "❤️")).isTrue();
        assertThat(Emoji.same("👍", "👍🏽")).isFalse();
    }

    @Test
    void aCustomEmojiCrossesAsItsNameAndComesBack() {
        assertThat(Emoji.toUnicode(":comptoir_logo:")).isEqualTo(":comptoir_logo:");
        assertThat(Emoji.toShortcode(":comptoir_logo:")).contains(":comptoir_logo:");
    }

    @Test
    void freeTextIsNoReaction() {
        assertThat(Emoji.toShortcode("d'accord")).isEmpty();
        assertThat(Emoji.toShortcode("+1")).isEmpty();
    }
}
