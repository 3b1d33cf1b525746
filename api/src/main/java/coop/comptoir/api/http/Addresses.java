package coop.comptoir.api.http;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Checks on the addresses of the services a plugin calls with credentials (an API key, a password,
 * a token in the URL). Pure functions: no name is ever looked up.
 */
public final class Addresses {
    private Addresses() {}

    /**
     * Whether credentials may go to {@code u}: over https, or over http to this machine only
     * ({@code localhost} or a loopback address).
     */
    public static boolean credentialsSafeTo(URI u) {
        return "https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme()) && isLoopback(u.getHost());
    }

    /**
     * Whether {@code host} is this machine: {@code localhost}, or an IP literal of the loopback range
     * ({@code 127.0.0.0/8}, {@code ::1}, with or without brackets). Any other name is not looked up
     * and answers false.
     */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+") && !h.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // an IP literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * {@code scheme://host[:port]} of an address, for logs and notices: its path, query and user
     * info may hold a token. {@code "(invalid address)"} when it cannot be parsed.
     */
    public static String origin(String url) {
        try {
            URI u = URI.create(url);
            return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
        } catch (IllegalArgumentException e) {
            return "(invalid address)";
        }
    }
}
