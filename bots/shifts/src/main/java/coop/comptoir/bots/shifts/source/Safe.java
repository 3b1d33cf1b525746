package coop.comptoir.bots.shifts.source;

import coop.comptoir.api.http.Addresses;
import java.net.URI;

/** What of a source may be shown in logs and admin notices. */
final class Safe {
    static final String MASK = "***";

    private Safe() {}

    /**
     * Whether credentials for {@code u} would cross the network unencrypted: {@code http://} to a
     * host other than this machine (localhost or a loopback address; no name is looked up).
     */
    static boolean plainHttpToRemote(URI u) {
        return "http".equalsIgnoreCase(u.getScheme()) && !Addresses.isLoopback(u.getHost());
    }

    /** {@code https://host[:port]} of an address: its path, query and user info may hold a token. */
    static String origin(String url) {
        return Addresses.origin(url);
    }

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
