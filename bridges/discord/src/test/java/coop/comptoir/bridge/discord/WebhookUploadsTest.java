package coop.comptoir.bridge.discord;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WebhookUploadsTest {
    @Test
    void anEmptyNameBecomesFileWithTheExtensionOfItsType() {
        assertThat(WebhookUploads.filename("", "image/png")).isEqualTo("file.png");
        assertThat(WebhookUploads.filename("  ", "image/jpeg; q=1")).isEqualTo("file.jpg");
        assertThat(WebhookUploads.filename(null, "text/plain")).isEqualTo("file.txt");
        assertThat(WebhookUploads.filename("", "weird")).isEqualTo("file");
        assertThat(WebhookUploads.filename("liste.txt", "text/plain")).isEqualTo("liste.txt");
    }

    @Test
    void aLongNameIsShortenedKeepingItsExtension() {
        String name = "é".repeat(2000) + ".jpeg";
        String kept = WebhookUploads.filename(name, "image/jpeg");
        assertThat(kept.codePointCount(0, kept.length())).isEqualTo(1024);
        assertThat(kept).endsWith(".jpeg").startsWith("éé");

        String emoji = "\uD83C\uDF89".repeat(1100);
        String cut = WebhookUploads.filename(emoji, "application/octet-stream");
        assertThat(cut.codePointCount(0, cut.length())).isEqualTo(1024);
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 1))).isFalse();
        assertThat(WebhookUploads.filename("a".repeat(1024), null)).hasSize(1024);
    }

    @Test
    void atMostAHundredUsersArePinged() {
        Set<String> many = IntStream.range(0, 150).mapToObj(i -> "1000" + i)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        List<String> kept = ToDiscord.pingable(many);
        assertThat(kept).hasSize(100).startsWith("10000", "10001");
        assertThat(ToDiscord.pingable(Set.of("1"))).containsExactly("1");
    }
}
