package coop.comptoir.bots.welcome;

import com.fasterxml.jackson.annotation.JsonProperty;
import coop.comptoir.api.config.RoomRef;
import java.time.Duration;
import java.util.List;

/**
 * One welcome instance's config section ({@code plugins: [{type: welcome, …}]}). Absent values get
 * their defaults here; texts and rooms are checked by {@link WelcomeFactory#validate}.
 *
 * @param coop the coop's name, for {@code {coop}}
 * @param wiki the wiki's URL, for {@code {wiki}} (optional)
 * @param forum the forum's URL, for {@code {forum}} (optional)
 * @param space the coop's space (ID or alias): {@code !salons} lists its public rooms, and
 *     {@code {rooms}} links to it; without it, the homeserver's public directory and the listed rooms
 * @param language language of the greetings and FAQ answers: {@code fr} or {@code en}; null: the top-level {@code language:}
 * @param groupWindow joins closer than this are greeted together (default {@code 3s})
 * @param groupWindowSeconds the former spelling of {@code group_window}, in seconds: still read, with a warning
 * @param faqCooldown the same FAQ topic is answered at most once per room in this time (default {@code 10m})
 * @param faqCooldownMinutes the former spelling of {@code faq_cooldown}, in minutes: still read, with a warning
 * @param ignoreUsers regular expressions of user IDs never greeted (bridge ghosts of other services…)
 * @param textsFile a YAML file holding {@code greeting}, {@code direct_message} and {@code faq};
 *     when set, it replaces those keys and {@code !recharger} reads it again
 * @param greeting the greeting of rooms that have none of their own
 * @param directMessage the onboarding guide sent in a direct chat to rooms' newcomers that opt in
 * @param faq the FAQ topics
 * @param rooms the rooms where newcomers are greeted
 * @param commands the names of this instance's commands (a second instance gives its own)
 */
record WelcomeConfig(
        @JsonProperty(required = true) String coop,
        String wiki,
        String forum,
        RoomRef space,
        String language,
        Duration groupWindow,
        @Deprecated Integer groupWindowSeconds,
        Duration faqCooldown,
        @Deprecated Integer faqCooldownMinutes,
        List<String> ignoreUsers,
        String textsFile,
        Text greeting,
        Text directMessage,
        List<FaqTopic> faq,
        @JsonProperty(required = true) List<RoomConfig> rooms,
        Commands commands) {

    WelcomeConfig {
        if (groupWindow == null) {
            groupWindow = groupWindowSeconds == null ? Duration.ofSeconds(3) : Duration.ofSeconds(groupWindowSeconds);
        }
        if (faqCooldown == null) {
            faqCooldown = faqCooldownMinutes == null ? Duration.ofMinutes(10) : Duration.ofMinutes(faqCooldownMinutes);
        }
        ignoreUsers = ignoreUsers == null ? List.of() : List.copyOf(ignoreUsers);
        faq = faq == null ? List.of() : List.copyOf(faq);
        rooms = rooms == null ? List.of() : List.copyOf(rooms);
        commands = commands == null ? new Commands(null, null, null) : commands;
    }

    /**
     * Command names: the first of each list is the name, the others aliases; an empty list turns
     * the command off. Two welcome instances in one Comptoir need different names
     * ({@code faq: [faq-bureau]}): {@code check-config} names both when they clash.
     *
     * @param faq the FAQ list and answers (default {@code [faq]})
     * @param rooms the list of public rooms (default {@code [salons, rooms]})
     * @param reload reloads {@code texts_file}, for moderators (default {@code [recharger, reload]})
     */
    record Commands(List<String> faq, List<String> rooms, List<String> reload) {
        Commands {
            faq = faq == null ? List.of("faq") : List.copyOf(faq);
            rooms = rooms == null ? List.of("salons", "rooms") : List.copyOf(rooms);
            reload = reload == null ? List.of("recharger", "reload") : List.copyOf(reload);
        }

        /** Each list with its key. */
        java.util.Map<String, List<String>> byKey() {
            java.util.Map<String, List<String>> m = new java.util.LinkedHashMap<>();
            m.put("faq", faq);
            m.put("rooms", rooms);
            m.put("reload", reload);
            return m;
        }
    }

    /**
     * One greeted room.
     *
     * @param room room ID or alias
     * @param greeting this room's greeting, instead of the instance's
     * @param language this room's language, instead of the instance's
     * @param directMessage also send the onboarding guide in a direct chat (default false)
     * @param faq answer FAQ keywords said in this room (default true)
     */
    record RoomConfig(@JsonProperty(required = true) RoomRef room, Text greeting, String language,
                      Boolean directMessage, Boolean faq) {
        RoomConfig {
            directMessage = directMessage != null && directMessage;
            faq = faq == null || faq;
        }
    }

    /** A text in French (required) and English (optional: French is used when absent). */
    record Text(String fr, String en) {
        String in(String language) {
            return "en".equals(language) && en != null ? en : fr;
        }
    }

    /** A FAQ topic: said in a message, any of its keywords brings its answer. */
    record FaqTopic(@JsonProperty(required = true) String topic, List<String> keywords, Text answer) {
        FaqTopic {
            keywords = keywords == null ? List.of() : List.copyOf(keywords);
        }
    }

    /** The texts that {@code texts_file} may hold (and {@code !recharger} reloads). */
    record TextsFile(Text greeting, Text directMessage, List<FaqTopic> faq) {}
}
