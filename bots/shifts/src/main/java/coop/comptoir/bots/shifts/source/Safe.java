package coop.comptoir.bots.shifts.source;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/** What of a source may be shown in logs and admin notices. */
final class Safe {
    static final String MASK = "***";

    private Safe() {}

    /**
     * Whether credentials for {@code u} would cross the network unencrypted: {@code http://} to a
     * host other than this machine (localhost or a loopback address; no name is looked up).
     */
    static boolean plainHttpToRemote(URI u) {
        return "http".equalsIgnoreCase(u.getScheme()) && !loopback(u.getHost());
    }

    /** {@code https://host[:port]} of an address: its path, query and user info may hold a token. */
    static String origin(String url) {
        try {
            URI u = URI.create(url);
            return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
        } catch (IllegalArgumentException e) {
            return "(invalid address)";
        }
    }

    static boolean loopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+") && !h.contains(":")) {
            return false; // a name: not looked up
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // an IP literal: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
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
