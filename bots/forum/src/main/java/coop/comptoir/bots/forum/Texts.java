package coop.comptoir.bots.forum;

/** What members read, in French (default) or English. */
record Texts(String newTopic, String by, String in, String replies, String moreOne, String moreMany,
             String seeForum, String lastTopics, String noTopics, String unknownCategory, String unknownCategoryAlone,
             String forumDown, String commandHelp) {
    static final Texts FR = new Texts("Nouveau sujet :", "par", "dans", "répond :", "… et 1 autre sujet",
            "… et %d autres sujets", "voir le forum", "Derniers sujets", "Aucun sujet pour l’instant.",
            "Je ne connais pas la catégorie « %s ». Essayez : %s", "Je ne connais pas la catégorie « %s ».",
            "Le forum ne répond pas pour l’instant, réessayez plus tard.",
            "les derniers sujets du forum (d’une catégorie si vous la nommez)");
    static final Texts EN = new Texts("New topic:", "by", "in", "replies:", "… and 1 more topic",
            "… and %d more topics", "see the forum", "Latest topics", "No topics yet.",
            "I don't know the category \"%s\". Try: %s", "I don't know the category \"%s\".",
            "The forum does not answer right now, please try later.",
            "the latest forum topics (of a category if you name one)");

    static Texts of(String language) {
        return "en".equals(language) ? EN : FR;
    }

    /** The answer to a category the command does not know (or may not show here), with the ones it knows. */
    String unknownCategory(String asked, java.util.List<String> known) {
        return known.isEmpty() ? String.format(unknownCategoryAlone, asked)
                : String.format(unknownCategory, asked, String.join(", ", known));
    }

    String more(int k) {
        return k == 1 ? moreOne : String.format(moreMany, k);
    }
}
