package coop.comptoir.bots.shifts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The problems of the schedule the admins were told about, so that each is told once while it
 * lasts (and again if it comes back after it was gone), whichever process of a cluster polls. Kept
 * in one flag, as short digests of the problems' keys. Blocks on the database.
 */
final class Told {
    private static final String FLAG = "told";

    private final ShiftsFlags flags;

    Told(ShiftsFlags flags) {
        this.flags = flags;
    }

    /**
     * Of {@code current} (a key per problem → what to tell), those not told yet, in order; remembers
     * {@code current} as told and forgets the problems no longer in it.
     */
    <T> List<T> fresh(Map<String, T> current) {
        String before = flags.flag(FLAG).orElse("");
        Set<String> told = new TreeSet<>(List.of(before.split("\n")));
        Map<String, T> byDigest = new LinkedHashMap<>();
        current.forEach((key, value) -> byDigest.putIfAbsent(digest(key), value));
        List<T> out = new ArrayList<>();
        byDigest.forEach((digest, value) -> {
            if (!told.contains(digest)) {
                out.add(value);
            }
        });
        String now = String.join("\n", new TreeSet<>(byDigest.keySet()));
        if (now.isEmpty()) {
            flags.lower(FLAG);
        } else if (!now.equals(before)) {
            flags.set(FLAG, now);
        }
        return out;
    }

    private static String digest(String key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
