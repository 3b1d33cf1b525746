package coop.comptoir.internal.registration;

import coop.comptoir.api.plugin.Namespaces;
import coop.comptoir.internal.config.ComptoirConfig;
import coop.comptoir.internal.config.RegistrationFile;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Writes the appservice registration file the homeserver reads ({@code app_service_config_files}).
 *
 * <p>Tokens: those the config gives win; else those of an existing file are kept (so the homeserver
 * and Comptoir stay in step), unless new ones are asked for; else new ones are drawn. The file is
 * replaced atomically and is readable by its owner only (a file that already existed keeps its owner,
 * group and group permissions, minus anything for others, so that Comptoir and the homeserver can
 * still read it).
 */
public final class RegistrationGenerator {
    /** Characters of a token: URL-safe, no quoting needed anywhere. */
    private static final String TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    static final int TOKEN_LENGTH = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .build();

    private static final String HEADER = """
            # Appservice registration for Comptoir, written by `comptoir generate-registration`.
            # The homeserver reads it (app_service_config_files in homeserver.yaml); Comptoir reads
            # its tokens from it. Keep it secret. Run the command again after changing plugins.
            """;

    private RegistrationGenerator() {}

    /** Where the tokens of a written file came from. */
    public enum TokenSource {
        /** Given in the config ({@code appservice.as_token}/{@code hs_token}). */
        CONFIG,
        /** Kept from the file that was there. */
        KEPT,
        /** Drawn now. */
        NEW
    }

    /**
     * What was written. Holds no token.
     *
     * @param namespaces the namespaces in the file, the bot's own user first
     */
    public record Result(Path file, TokenSource asToken, TokenSource hsToken, Namespaces namespaces) {}

    /**
     * Builds and writes the registration.
     *
     * @param pluginNamespaces the namespaces of the enabled plugin instances
     * @param newTokens draw new tokens even if {@code file} has some (those in the config still win)
     * @throws coop.comptoir.internal.config.ConfigErrors when {@code file} exists but is not a registration
     *     (and {@code newTokens} is false)
     * @throws UncheckedIOException when the file cannot be written
     */
    public static Result write(ComptoirConfig config, List<Namespaces> pluginNamespaces, Path file, boolean newTokens) {
        Path target = file.toAbsolutePath().normalize();
        RegistrationFile existing = !newTokens && Files.exists(target) ? RegistrationFile.read(target) : null;
        Token as = pick(config.appservice().asToken(), existing == null ? null : existing.asToken());
        Token hs = pick(config.appservice().hsToken(), existing == null ? null : existing.hsToken());
        while (hs.value.equals(as.value)) {
            hs = pick(null, null);
        }
        Map<String, Object> registration = build(config, pluginNamespaces, as.value, hs.value);
        String yaml;
        try {
            yaml = HEADER + YAML.writeValueAsString(registration);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the registration as YAML", e);
        }
        try {
            writeAtomically(target, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        return new Result(target, as.source, hs.source, namespaces(config, pluginNamespaces));
    }

    private record Token(String value, TokenSource source) {}

    private static Token pick(String fromConfig, String fromFile) {
        if (fromConfig != null) {
            return new Token(fromConfig, TokenSource.CONFIG);
        }
        if (fromFile != null && !fromFile.isBlank()) {
            return new Token(fromFile, TokenSource.KEPT);
        }
        return new Token(newToken(), TokenSource.NEW);
    }

    /**
     * The registration as an ordered map (id, url, as_token, hs_token, sender_localpart,
     * rate_limited, namespaces), ready to be written as YAML.
     */
    public static Map<String, Object> build(ComptoirConfig config, List<Namespaces> pluginNamespaces, String asToken, String hsToken) {
        Namespaces ns = namespaces(config, pluginNamespaces);
        Map<String, Object> namespaces = new LinkedHashMap<>();
        namespaces.put("users", entries(ns.users()));
        namespaces.put("aliases", entries(ns.aliases()));
        namespaces.put("rooms", entries(ns.rooms()));
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", config.appservice().id());
        map.put("url", config.appservice().publicUrl());
        map.put("as_token", asToken);
        map.put("hs_token", hsToken);
        map.put("sender_localpart", config.appservice().senderLocalpart());
        // Synapse rate-limits the appservice's users unless told otherwise; a bot answering a
        // busy room must not wait.
        map.put("rate_limited", false);
        map.put("namespaces", namespaces);
        if (config.encryption() != null && config.encryption().enabled()) {
            // The bot's device gets its room keys (to-device messages) and its one-time key count in
            // the transactions: Synapse refuses /sync to an appservice's own user. The homeserver must
            // also turn these on (experimental_features, see docs/encrypted-rooms.md).
            map.put("receive_ephemeral", true);
            map.put("de.sorunome.msc2409.push_ephemeral", true);
            map.put("org.matrix.msc3202", true);
        }
        return map;
    }

    /**
     * The bot's own user (exclusive) and the plugins' namespaces, without duplicates: a regex
     * claimed twice appears once, exclusive if any claim was.
     */
    public static Namespaces namespaces(ComptoirConfig config, List<Namespaces> pluginNamespaces) {
        Namespaces bot = Namespaces.users(userRegex(config.appservice().senderLocalpart(), config.homeserver().serverName()));
        List<Namespaces> all = new ArrayList<>();
        all.add(bot);
        all.addAll(pluginNamespaces);
        return new Namespaces(merge(all, Namespaces::users), merge(all, Namespaces::aliases), merge(all, Namespaces::rooms));
    }

    /**
     * How an existing registration differs from what the config and plugins give now (url, id,
     * sender_localpart, namespaces): each difference in a few words, none when it is up to date.
     * The homeserver only learns of a change from a rewritten file and a restart.
     */
    public static List<String> differences(ComptoirConfig config, List<Namespaces> pluginNamespaces, RegistrationFile existing) {
        List<String> out = new ArrayList<>();
        if (!config.appservice().publicUrl().equals(existing.url())) {
            out.add("url differs from appservice.public_url");
        }
        if (!config.appservice().id().equals(existing.id())) {
            out.add("id differs from appservice.id");
        }
        if (!config.appservice().senderLocalpart().equals(existing.senderLocalpart())) {
            out.add("sender_localpart differs from appservice.sender_localpart");
        }
        Namespaces wanted = namespaces(config, pluginNamespaces);
        Namespaces have = existing.namespaces();
        for (String kind : List.of("users", "aliases", "rooms")) {
            Function<Namespaces, List<Namespaces.Entry>> get = switch (kind) {
                case "users" -> Namespaces::users;
                case "aliases" -> Namespaces::aliases;
                default -> Namespaces::rooms;
            };
            if (!Set.copyOf(get.apply(wanted)).equals(Set.copyOf(get.apply(have)))) {
                out.add("namespaces." + kind + " differ from what the enabled plugins claim");
            }
        }
        return out;
    }

    private static List<Namespaces.Entry> merge(List<Namespaces> all, Function<Namespaces, List<Namespaces.Entry>> kind) {
        Map<String, Boolean> byRegex = new LinkedHashMap<>();
        for (Namespaces ns : all) {
            for (Namespaces.Entry entry : kind.apply(ns)) {
                byRegex.merge(entry.regex(), entry.exclusive(), Boolean::logicalOr);
            }
        }
        List<Namespaces.Entry> out = new ArrayList<>();
        byRegex.forEach((regex, exclusive) -> out.add(new Namespaces.Entry(regex, exclusive)));
        return out;
    }

    private static List<Map<String, Object>> entries(List<Namespaces.Entry> entries) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Namespaces.Entry entry : entries) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("exclusive", entry.exclusive());
            map.put("regex", entry.regex());
            out.add(map);
        }
        return out;
    }

    /** The regex of exactly one user ID: {@code @comptoir:example\.org}. */
    public static String userRegex(String localpart, String serverName) {
        return "@" + quote(localpart) + ":" + quote(serverName);
    }

    /** See {@link Namespaces#quote(String)}. */
    public static String quote(String literal) {
        return Namespaces.quote(literal);
    }

    /** A new token: 64 characters from a URL-safe alphabet, drawn with {@link SecureRandom} (384 bits). */
    public static String newToken() {
        char[] chars = new char[TOKEN_LENGTH];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = TOKEN_ALPHABET.charAt(RANDOM.nextInt(TOKEN_ALPHABET.length()));
        }
        return new String(chars);
    }

    /**
     * Writes through a temporary file in the same folder, created owner-only, then renamed over the
     * target: a reader sees the old file or the new one, never half of one.
     */
    static void writeAtomically(Path target, String content) throws IOException {
        Path dir = target.getParent();
        Files.createDirectories(dir);
        PosixFileAttributeView posix = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        Path temp;
        if (posix != null) {
            temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
        } else {
            temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        }
        try {
            Files.write(temp, content.getBytes(StandardCharsets.UTF_8));
            if (posix != null && Files.exists(target)) {
                keepAccess(target, temp);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The old file's owner, group and group permissions; never access for others. */
    private static void keepAccess(Path old, Path temp) {
        try {
            PosixFileAttributes attrs = Files.readAttributes(old, PosixFileAttributes.class);
            PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
            Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            for (PosixFilePermission p : attrs.permissions()) {
                if (p == PosixFilePermission.GROUP_READ || p == PosixFilePermission.GROUP_WRITE) {
                    perms.add(p);
                }
            }
            try {
                view.setOwner(attrs.owner());
            } catch (IOException | SecurityException e) {
                // Only root gives files away: the new file stays ours.
            }
            try {
                view.setGroup(attrs.group());
            } catch (IOException | SecurityException e) {
                // Not a member of that group: the new file keeps ours, and owner-only access.
                perms.remove(PosixFilePermission.GROUP_READ);
                perms.remove(PosixFilePermission.GROUP_WRITE);
            }
            Files.setPosixFilePermissions(temp, perms);
        } catch (IOException | UnsupportedOperationException e) {
            // Owner-only, as created.
        }
    }
}
