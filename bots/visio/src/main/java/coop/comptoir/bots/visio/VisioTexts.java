package coop.comptoir.bots.visio;

/**
 * Every text members read, in French (default) and English: the one place to change when texts move
 * to message catalogues. {@code {room}}, {@code {topic}}, {@code {url}} and {@code {name}} are filled
 * by {@link #fill}.
 */
record VisioTexts(String link, String linkNoName, String linkTopic, String linkTopicNoName, String personal,
                  String serverDown, String help) {
    static final VisioTexts FR = new VisioTexts(
            "🎥 Visio de la salle {room} : {url}",
            "🎥 Visio de cette salle : {url}",
            "🎥 Visio « {topic} » de la salle {room} : {url}",
            "🎥 Visio « {topic} » : {url}",
            "Lien personnel pour {name} : chacun·e peut taper !{command} pour avoir le sien.",
            "Le serveur de visio ne répond pas pour l’instant, réessayez dans un moment.",
            "un lien de visio pour cette salle (!{command} <sujet> pour une réunion à part)");
    static final VisioTexts EN = new VisioTexts(
            "🎥 Video call for {room}: {url}",
            "🎥 Video call for this room: {url}",
            "🎥 Video call “{topic}” for {room}: {url}",
            "🎥 Video call “{topic}”: {url}",
            "Personal link for {name}: everyone may type !{command} to get their own.",
            "The video server does not answer right now, please try again in a moment.",
            "a video-call link for this room (!{command} <topic> for a separate meeting)");

    static VisioTexts of(String language) {
        return "en".equals(language) ? EN : FR;
    }

    /** The announcement of a link, with or without a room name and a topic. */
    String announce(String room, String topic, String url) {
        String template = topic == null ? (room == null ? linkNoName : link) : (room == null ? linkTopicNoName : linkTopic);
        return fill(template, "room", room, "topic", topic, "url", url);
    }

    /**
     * Replaces each {@code {key}} by its value in one pass (a value holding {@code {url}} stays as
     * written); pairs of key and value; an unknown or null key stays as is.
     */
    static String fill(String template, String... keysAndValues) {
        java.util.Map<String, String> values = new java.util.HashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                values.put(keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        java.util.regex.Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(values.getOrDefault(m.group(1), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static final java.util.regex.Pattern PLACEHOLDER = java.util.regex.Pattern.compile("\\{([a-z]+)}");
}
