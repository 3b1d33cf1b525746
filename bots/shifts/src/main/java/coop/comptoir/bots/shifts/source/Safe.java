package coop.comptoir.bots.shifts.source;

/** What of a source may be shown in logs and admin notices. */
final class Safe {
    static final String MASK = "***";

    private Safe() {}

    /** {@code text} with every non-empty {@code secrets} value replaced by {@value #MASK}; null stays null. */
    static String mask(String text, String... secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                out = out.replace(secret, MASK);
                String trimmed = secret.strip();
                if (!trimmed.isEmpty() && !trimmed.equals(secret)) {
                    out = out.replace(trimmed, MASK);
                }
            }
        }
        return out;
    }
}
