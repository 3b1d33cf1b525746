package coop.comptoir.bots.welcome;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.bots.welcome.Texts.Localized;
import coop.comptoir.bots.welcome.Texts.Topic;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaqMatcherTest {
    private static final Localized ANSWER = new Localized(Template.parse("réponse"), null);
    private static final Topic HOURS = new Topic("horaires", List.of("horaires", "heure d'ouverture", "ouvert"), ANSWER);
    private static final Topic SHIFT = new Topic("créneaux", List.of("créneau", "échanger mon service"), ANSWER);
    private static final List<Topic> TOPICS = List.of(HOURS, SHIFT);

    @Test
    void matchesWholeWordsIgnoringCaseAccentsAndPunctuation() {
        assertThat(FaqMatcher.match(TOPICS, "Quels sont les HORAIRES ?")).containsExactly(HOURS);
        assertThat(FaqMatcher.match(TOPICS, "comment changer de creneau")).containsExactly(SHIFT);
        assertThat(FaqMatcher.match(TOPICS, "C'est ouvert dimanche ?")).containsExactly(HOURS);
    }

    @Test
    void matchesPhrasesAndSeveralTopics() {
        assertThat(FaqMatcher.match(TOPICS, "Quelle est l'heure d'ouverture ? Et je veux échanger mon service."))
                .containsExactly(HOURS, SHIFT);
    }

    @Test
    void doesNotMatchInsideOtherWords() {
        assertThat(FaqMatcher.match(TOPICS, "les créneaux de samedi")).isEmpty();
        assertThat(FaqMatcher.match(TOPICS, "réouverture en mai")).isEmpty();
        assertThat(FaqMatcher.match(TOPICS, "")).isEmpty();
    }

    @Test
    void coolDownLetsATopicAnswerOncePerRoomPerPeriod() {
        coop.comptoir.testing.FakeClock clock = new coop.comptoir.testing.FakeClock(java.time.Instant.parse("2026-03-14T18:00:00Z"), java.time.ZoneOffset.UTC);
        Cooldown cooldown = new Cooldown(clock, Duration.ofMinutes(10));

        assertThat(cooldown.tryAcquire("!aide|horaires")).isTrue();
        assertThat(cooldown.tryAcquire("!aide|horaires")).isFalse();
        assertThat(cooldown.tryAcquire("!aide|créneaux")).as("another topic").isTrue();
        assertThat(cooldown.tryAcquire("!vrac|horaires")).as("another room").isTrue();
        clock.advance(Duration.ofMinutes(9));
        assertThat(cooldown.tryAcquire("!aide|horaires")).isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(cooldown.tryAcquire("!aide|horaires")).isTrue();
    }
}
